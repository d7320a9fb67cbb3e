/// Fixed-width unsigned integers packed at `bitWidth` bits each, little-endian, in a byte buffer.
/// A token array over a 235 K-word vocabulary needs 18 bits, a suffix array over 30 M tokens 25:
/// packing both is what keeps the index under twice the corpus size (u32 + u32 would be 2.3x).
/// The buffer carries 8 bytes of padding after the last element so every read is one unaligned load.
public struct PackedIntArray: @unchecked Sendable {
    public let base: UnsafeRawPointer?
    public let count: Int
    public let bitWidth: Int
    @usableFromInline let mask: UInt64

    /// Bytes a packed array of `count` elements of `bitWidth` bits occupies, padding included.
    @inlinable public static func byteCount(count: Int, bitWidth: Int) -> Int {
        (count * bitWidth + 7) / 8 + 8
    }

    /// The smallest width (1...57 bits) that holds `maxValue`.
    @inlinable public static func bitWidth(forMaxValue maxValue: UInt64) -> Int {
        max(1, UInt64.bitWidth - maxValue.leadingZeroBitCount)
    }

    /// Views `bytes` (which must hold `byteCount(count:bitWidth:)` bytes) as a packed array.
    public init(bytes: UnsafeRawBufferPointer, count: Int, bitWidth: Int) {
        precondition(bitWidth >= 1 && bitWidth <= 57, "packed widths are 1...57 bits")
        precondition(bytes.count >= Self.byteCount(count: count, bitWidth: bitWidth), "packed buffer too small")
        base = bytes.baseAddress
        self.count = count
        self.bitWidth = bitWidth
        mask = (UInt64(1) << UInt64(bitWidth)) &- 1
    }

    /// The element at `index`. One unaligned 8-byte load, a shift and a mask.
    @inlinable @inline(__always) public subscript(index: Int) -> UInt64 {
        // Safe: index < count (checked by callers in debug), and the 8 padding bytes cover the load.
        let bit = index &* bitWidth
        let word = UInt64(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
        return (word >> UInt64(bit & 7)) & mask
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

    /// Streaming packer into a preallocated buffer.
    public struct Packer {
        let output: UnsafeMutableRawBufferPointer
        let bitWidth: Int
        var bitPosition = 0

        public init(output: UnsafeMutableRawBufferPointer, bitWidth: Int) {
            self.output = output
            self.bitWidth = bitWidth
        }

        @inline(__always) public mutating func append(_ value: UInt64) {
            // Safe: the caller sized `output` with byteCount(count:bitWidth:), whose padding covers the 8-byte window.
            let byte = bitPosition >> 3
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
    /// Streams `values` packed at `bitWidth` bits into `writer`'s payload, chunk by chunk (chunks hold a
    /// multiple of 8 values, so every chunk ends on a byte boundary), then the 8 padding bytes.
    public static func write<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, bitWidth: Int, to writer: BinaryFileWriter) throws {
        let chunkValues = 1 << 16
        var chunk = [UInt8](repeating: 0, count: byteCount(count: chunkValues, bitWidth: bitWidth))
        var start = 0
        while start < values.count {
            let end = min(values.count, start + chunkValues)
            let used = ((end - start) * bitWidth + 7) / 8
            try chunk.withUnsafeMutableBytes { raw in
                raw.initializeMemory(as: UInt8.self, repeating: 0)
                var packer = Packer(output: raw, bitWidth: bitWidth)
                for i in start..<end { packer.append(UInt64(truncatingIfNeeded: values[i])) }
                try writer.append(UnsafeRawBufferPointer(rebasing: raw[..<used]))
            }
            start = end
        }
        try writer.append([UInt8](repeating: 0, count: 8))
    }
}
