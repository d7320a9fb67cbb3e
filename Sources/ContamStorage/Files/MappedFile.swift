#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory: the owner of the mapping, which its `deinit` unmaps. The bytes
/// are handed out as `SharedBytes`, which hold this object, so no view of them can outlive the mapping.
/// Empty files map to an empty buffer (mmap rejects length 0).
public final class MappedFile: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a `let`, and the mapping is read-only.

    /// The path the file was opened from, for error messages.
    public let path: String
    /// The mapping's first byte (nil for an empty file). Private: valid only while `self` is alive.
    private let start: UnsafeRawPointer?
    /// Bytes mapped (the file's size).
    public let byteCount: Int

    /// Maps `path` read-only. Throws `StorageError.io` naming the path when it cannot be opened or mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.fromErrno(path, "open") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError.fromErrno(path, "stat") }
        let size = Int(info.st_size)
        if size == 0 {
            start = nil
            byteCount = 0
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw StorageError.fromErrno(path, "mmap")
        }
        start = UnsafeRawPointer(address)
        byteCount = size
    }

    /// The whole file's bytes; they keep this mapping alive (computed: a stored one would be a cycle).
    public var bytes: SharedBytes {
        // Safe: the mapping lives until this object's deinit, and the value holds this object.
        SharedBytes(unsafeBytes: UnsafeRawBufferPointer(start: start, count: byteCount), keptAliveBy: self)
    }

    /// Tells the kernel how the mapping will be read. `willNeed` suits batch work (many lookups);
    /// `random` turned one million cold probes 10x slower here, so it is offered only scoped (`withoutReadahead`).
    public func adviseWillNeed() {
        if let start { _ = madvise(UnsafeMutableRawPointer(mutating: start), byteCount, MADV_WILLNEED) }
    }

    /// Runs `body` with readahead off for this mapping, then restores the default: for a bounded number of
    /// scattered reads (the checks on open), each of which would otherwise fault in a whole readahead window.
    public func withoutReadahead<T>(_ body: () throws -> T) rethrows -> T {
        guard let start else { return try body() }
        let address = UnsafeMutableRawPointer(mutating: start)
        _ = madvise(address, byteCount, MADV_RANDOM)
        defer { _ = madvise(address, byteCount, MADV_NORMAL) }
        return try body()
    }

    deinit {
        if let start { munmap(UnsafeMutableRawPointer(mutating: start), byteCount) }
    }
}
