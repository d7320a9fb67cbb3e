import CShims

/// Fixed-width unsigned integers packed at `bitWidth` bits each, little-endian, in a byte buffer.
/// A token array over a 235 K-word vocabulary needs 18 bits, a suffix array over 30 M tokens 25:
/// packing both is what keeps the index under twice the corpus size (u32 + u32 would be 2.3x).
/// The buffer carries 8 bytes of padding after the last element so every read is one unaligned load.
///
/// A value, freely copied and shared: it holds its bytes' owner (the mapped file, or a heap copy), so a
/// copy kept after its index is closed still reads valid memory.
public struct PackedIntArray: @unchecked Sendable {
    // @unchecked Sendable: the bytes are read-only (`SharedBytes`).

    /// The packed bytes, padding included; they keep their memory alive.
    public let bytes: SharedBytes
    /// `bytes`' first byte, cached for the subscript. Valid while `bytes` (a stored property) lives.
    @usableFromInline let base: UnsafeRawPointer?
    /// Number of elements.
    public let count: Int
    /// Bits per element (1...57).
    public let bitWidth: Int
    @usableFromInline let mask: UInt64

    /// Bytes a packed array of `count` elements of `bitWidth` bits occupies, padding included.
    @inlinable public static func byteCount(count: Int, bitWidth: Int) -> Int {
        (count * bitWidth + 7) / 8 + 8
    }

    /// `byteCount(count:bitWidth:)` for sizes read from a file: nil when `count` is negative, the width is
    /// outside 1...57, or the size would overflow.
    public static func checkedByteCount(count: Int, bitWidth: Int) -> Int? {
        guard count >= 0, bitWidth >= 1, bitWidth <= 57 else { return nil }
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitWidth)
        guard !overflow, bits <= Int.max - 7 - 64 else { return nil }
        return (bits + 7) / 8 + 8
    }

    /// The smallest width (1...57 bits) that holds `maxValue`.
    @inlinable public static func bitWidth(forMaxValue maxValue: UInt64) -> Int {
        max(1, UInt64.bitWidth - maxValue.leadingZeroBitCount)
    }

    /// Views `bytes` (which must hold at least `byteCount(count:bitWidth:)` bytes) as a packed array.
    public init(bytes: SharedBytes, count: Int, bitWidth: Int) {
        precondition(bitWidth >= 1 && bitWidth <= 57, "packed widths are 1...57 bits")
        precondition(count >= 0 && bytes.count >= Self.byteCount(count: count, bitWidth: bitWidth), "packed buffer too small")
        self.bytes = bytes
        // Safe to keep past the closure: `self.bytes` holds the owner for as long as this value exists.
        base = bytes.withUnsafeBytes { $0.baseAddress }
        self.count = count
        self.bitWidth = bitWidth
        mask = (UInt64(1) << UInt64(bitWidth)) &- 1
    }

    /// `values` (each < 2^bitWidth) packed into memory of their own (in-memory arrays, tests).
    public init<C: Collection>(packing values: C, bitWidth: Int) where C.Element: FixedWidthInteger {
        self.init(bytes: SharedBytes(copying: Self.pack(values, bitWidth: bitWidth)), count: values.count, bitWidth: bitWidth)
    }

    /// The element at `index` (`0 <= index < count`). One unaligned 8-byte load, a shift and a mask.
    @inlinable @inline(__always) public subscript(index: Int) -> UInt64 {
        assert(index >= 0 && index < count, "PackedIntArray: index \(index) outside 0..<\(count)")
        // Safe: `bytes` keeps the buffer alive; index < count (asserted) and the 8 padding bytes cover the load.
        let bit = index &* bitWidth
        let word = UInt64(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
        return (word >> UInt64(bit & 7)) & mask
    }

    /// Starts bringing element `index`'s bytes into cache without waiting for them, so several reads that
    /// would each miss can be in flight at once; nothing for an index outside `0..<count`. No effect on values.
    @inlinable @inline(__always) public func prefetch(_ index: Int) {
        guard index >= 0 && index < count else { return }
        contam_prefetch_for_read(base.unsafelyUnwrapped + ((index &* bitWidth) >> 3))
    }

    /// Packs `values` (each < 2^bitWidth) into a new byte array, padding included.
    public static func pack<C: Collection>(_ values: C, bitWidth: Int) -> [UInt8] where C.Element: FixedWidthInteger {
        var out = [UInt8](repeating: 0, count: byteCount(count: values.count, bitWidth: bitWidth))
        out.withUnsafeMutableBytes { raw in
            var packer = Packer(output: raw, bitWidth: bitWidth)
            for value in values { packer.append(UInt64(value)) }
        }
        return out
    }

    /// Streaming packer into a preallocated buffer, which the caller owns and keeps alive while packing.
    public struct Packer {
        let output: UnsafeMutableRawBufferPointer
        let bitWidth: Int
        var bitPosition = 0

        /// Packs into `output`, sized with `byteCount(count:bitWidth:)` for the values to come.
        public init(output: UnsafeMutableRawBufferPointer, bitWidth: Int) {
            self.output = output
            self.bitWidth = bitWidth
        }

        /// Appends `value` (< 2^bitWidth) after the values appended so far.
        @inline(__always) public mutating func append(_ value: UInt64) {
            // Safe: the caller sized `output` with byteCount(count:bitWidth:), whose padding covers the 8-byte window.
            let byte = bitPosition >> 3
            assert(byte + 8 <= output.count, "PackedIntArray.Packer: more values than the buffer was sized for")
            let shift = UInt64(bitPosition & 7)
            let p = output.baseAddress.unsafelyUnwrapped + byte
            var word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            word |= value << shift
            p.storeBytes(of: word.littleEndian, as: UInt64.self)
            bitPosition &+= bitWidth
        }
    }
}

extension PackedIntArray {
    /// Streams `values` packed at `bitWidth` bits into `writer`'s payload, chunk by chunk, then the 8
    /// padding bytes. A 64-bit accumulator emits whole words (chunks hold 2^16 values, a multiple of 64,
    /// so every full chunk ends on a word boundary); the layout is the one `pack` writes.
    public static func write<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, bitWidth: Int, to writer: BinaryFileWriter) throws {
        let chunkValues = 1 << 16
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: chunkValues * bitWidth / 64 + 1)
        defer { words.deallocate() }
        let width = UInt64(bitWidth)
        var start = 0
        while start < values.count {
            let end = min(values.count, start + chunkValues)
            var accumulator: UInt64 = 0
            var filled: UInt64 = 0
            var wordCount = 0
            // Invariants: 0 <= filled < 64 between values; wordCount <= chunkValues * bitWidth / 64.
            for i in start..<end {
                let value = UInt64(truncatingIfNeeded: values[i])
                accumulator |= value << filled
                filled &+= width
                if filled >= 64 {
                    words[wordCount] = accumulator.littleEndian
                    wordCount &+= 1
                    filled &-= 64
                    accumulator = filled == 0 ? 0 : value >> (width &- filled)
                }
            }
            var byteCount = wordCount * 8
            if filled > 0 {
                words[wordCount] = accumulator.littleEndian
                byteCount += Int((filled + 7) / 8)
            }
            try writer.append(UnsafeRawBufferPointer(start: words, count: byteCount))
            start = end
        }
        try writer.append([UInt8](repeating: 0, count: 8))
    }
}
