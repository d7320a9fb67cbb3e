/// Read-only bytes together with a strong reference to the object whose `deinit` frees them (the
/// `MappedFile` that unmaps them, or a private heap copy). Every copy of the value keeps that memory
/// valid, so a view built on it (`PackedIntArray`, `SuffixArray`, a `BinaryFile`'s payload) cannot
/// outlive its mapping, whatever the caller does with the view. Reads are bounds-checked by `assert`
/// (free in release builds); the raw buffer is lent only inside `withUnsafeBytes`.
public struct SharedBytes: @unchecked Sendable {
    // @unchecked Sendable: the bytes are never written after construction (a read-only mapping or a
    // private copy), and the owner is only kept, never used.

    /// Frees the bytes when the last copy of the value goes away; never read.
    @usableFromInline let owner: AnyObject
    /// First byte (nil when empty). Valid for `count` bytes while `owner` is alive.
    @usableFromInline let start: UnsafeRawPointer?
    /// Number of bytes.
    public let count: Int

    /// Bytes at `bytes` that `owner` keeps valid for as long as `owner` itself lives. The caller
    /// guarantees that (it is why this initializer is internal: only the owners in this module use it).
    init(unsafeBytes bytes: UnsafeRawBufferPointer, keptAliveBy owner: AnyObject) {
        self.owner = owner
        start = bytes.baseAddress
        count = bytes.count
    }

    /// A private copy of `bytes` on the heap (in-memory arrays, tests).
    public init(copying bytes: some Collection<UInt8>) {
        let storage = HeapBytes(copying: bytes)
        // Safe: `storage` frees its buffer only in its deinit, and this value keeps it.
        self.init(unsafeBytes: UnsafeRawBufferPointer(start: storage.buffer.baseAddress, count: bytes.count), keptAliveBy: storage)
    }

    /// True when there are no bytes.
    public var isEmpty: Bool { count == 0 }

    /// The integer of type `T` stored at `offset`, in host byte order (the index files are
    /// little-endian: callers wrap it in `T(littleEndian:)`). Requires `offset + MemoryLayout<T>.size <= count`.
    @inlinable @inline(__always)
    public func loadUnaligned<T: FixedWidthInteger>(fromByteOffset offset: Int = 0, as type: T.Type) -> T {
        assert(offset >= 0 && offset <= count &- MemoryLayout<T>.size, "SharedBytes: read of \(T.self) at \(offset) outside \(count) bytes")
        // Safe: `owner` (alive as long as self) keeps `start ..< start + count` mapped; the assert bounds the read.
        return start.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    /// The bytes in `range` (which must lie within `0..<count`), sharing this value's owner.
    public func extracting(_ range: Range<Int>) -> SharedBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "SharedBytes: \(range) outside \(count) bytes")
        // Safe: a sub-range of memory `owner` keeps alive, handed on with the same owner.
        return SharedBytes(unsafeBytes: UnsafeRawBufferPointer(start: start.map { $0 + range.lowerBound }, count: range.count),
                           keptAliveBy: owner)
    }

    /// Lends the raw bytes to `body`. The buffer must not be used after `body` returns, unless the
    /// caller keeps this value (or its owner) alive at least as long, as the owning classes do with
    /// their private pointers.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        // Safe: `owner` is kept alive until `body` returns, and it keeps the bytes mapped.
        try withExtendedLifetime(owner) { try body(UnsafeRawBufferPointer(start: start, count: count)) }
    }
}

extension SharedBytes: RandomAccessCollection {
    /// Offset of the first byte: 0.
    public var startIndex: Int { 0 }
    /// One past the last byte's offset: `count`.
    public var endIndex: Int { count }

    /// The byte at `position` (`0 <= position < count`).
    @inlinable @inline(__always)
    public subscript(position: Int) -> UInt8 {
        assert(position >= 0 && position < count, "SharedBytes: byte \(position) outside \(count) bytes")
        // Safe: `owner` keeps the bytes mapped while self exists; the assert bounds the read.
        return start.unsafelyUnwrapped.load(fromByteOffset: position, as: UInt8.self)
    }
}

/// Heap memory holding a copy of some bytes, freed when the last `SharedBytes` over it goes away.
private final class HeapBytes {
    let buffer: UnsafeMutableRawBufferPointer

    init(copying bytes: some Collection<UInt8>) {
        // At least one byte so the allocation is never zero-sized.
        buffer = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
    }

    deinit { buffer.deallocate() }
}
