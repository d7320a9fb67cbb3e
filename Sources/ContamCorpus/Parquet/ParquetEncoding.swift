/// Decoders of the Parquet encodings (apache/parquet-format, Encodings.md) over one page's bytes. Each checks
/// every length, count and bit width it reads against the bytes left, and throws `ParquetPageFailure` when
/// the data cannot be right; the page reader adds the file and the place.
enum ParquetEncodingDecoder {
    /// The number of bits needed for values up to `maximum` (0 for 0).
    static func bitWidth(_ maximum: Int) -> Int { maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount }

    /// An unsigned LEB128 varint at `offset` (advanced past it).
    static func varint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw ParquetPageFailure("the page ends inside a varint") }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw ParquetPageFailure("a varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ParquetPageFailure("a varint is longer than 10 bytes") }
        }
    }

    static func zigzag(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) throws -> Int64 {
        let raw = try varint(bytes, &offset)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// `width` bits (at most 64) starting at bit `bitOffset` of `bytes`, least significant bit first. The caller
    /// has checked that `bitOffset + width <= bytes.count * 8`.
    @inline(__always)
    static func bits(_ bytes: UnsafeRawBufferPointer, bitOffset: Int, width: Int) -> UInt64 {
        if width == 0 { return 0 }
        let byteIndex = bitOffset >> 3, shift = bitOffset & 7
        var word: UInt64
        if byteIndex &+ 8 <= bytes.count {
            // Safe: byteIndex + 8 <= count.
            word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self)) >> UInt64(shift)
        } else {
            word = 0
            var index = 0
            while byteIndex &+ index < bytes.count && index < 8 {
                word |= UInt64(bytes[byteIndex &+ index]) << UInt64(8 * index)
                index &+= 1
            }
            word >>= UInt64(shift)
        }
        if width &+ shift > 64 {
            // The value spans a ninth byte, which exists because the caller checked the bit range.
            word |= UInt64(bytes[byteIndex &+ 8]) << UInt64(64 - shift)
        }
        return width == 64 ? word : word & ((1 << UInt64(width)) &- 1)
    }

    /// Decodes `count` values of the RLE/bit-packed hybrid encoding with `bitWidth` (0...32) and appends them to
    /// `output`. Returns the number of bytes read.
    @discardableResult
    static func decodeHybrid(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into output: inout [UInt32]) throws -> Int {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw ParquetPageFailure("an RLE/bit-packed run has bit width \(bitWidth), more than 32") }
        output.reserveGrowing(count)
        var offset = 0
        var produced = 0
        let valueBytes = (bitWidth + 7) / 8
        while produced < count {
            let header = try varint(bytes, &offset)
            if header & 1 == 0 {
                let runLength = header >> 1
                guard bytes.count - offset >= valueBytes else { throw ParquetPageFailure("the page ends inside an RLE run") }
                var value: UInt32 = 0
                for index in 0 ..< valueBytes { value |= UInt32(bytes[offset + index]) << UInt32(8 * index) }
                offset += valueBytes
                guard bitWidth == 32 || value >> UInt32(bitWidth) == 0 else {
                    throw ParquetPageFailure("an RLE run repeats \(value), which does not fit its bit width \(bitWidth)")
                }
                let take = Int(min(runLength, UInt64(count - produced)))
                output.append(contentsOf: repeatElement(value, count: take))
                produced += take
            } else {
                let groups = header >> 1
                guard groups <= UInt64(bytes.count) else {
                    throw ParquetPageFailure("a bit-packed run claims \(groups) groups of 8 values, more than the page holds")
                }
                let runValues = Int(groups) * 8
                let runBytes = Int(groups) * bitWidth
                let available = min(runBytes, bytes.count - offset)
                let take = min(runValues, count - produced)
                guard take * bitWidth <= available * 8 else {
                    throw ParquetPageFailure("the page ends inside a bit-packed run")
                }
                let run = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + available])
                var bitOffset = 0
                for _ in 0 ..< take {
                    output.append(UInt32(truncatingIfNeeded: bits(run, bitOffset: bitOffset, width: bitWidth)))
                    bitOffset &+= bitWidth
                }
                offset += available
                produced += take
            }
        }
        return offset
    }

    /// Decodes `count` levels (each at most `maximum`) of the hybrid encoding into `output`.
    static func decodeLevels(_ bytes: UnsafeRawBufferPointer, maximum: Int, count: Int, scratch: inout [UInt32], into output: inout [UInt8]) throws {
        scratch.removeAll(keepingCapacity: true)
        try decodeHybrid(bytes, bitWidth: bitWidth(maximum), count: count, into: &scratch)
        output.reserveGrowing(count)
        for level in scratch {
            guard level <= UInt32(maximum) else { throw ParquetPageFailure("a level is \(level), above the column's maximum \(maximum)") }
            output.append(UInt8(truncatingIfNeeded: level))
        }
    }

    /// DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value count, first value), then blocks of
    /// a zigzag minimum delta, one bit width per miniblock and the bit-packed miniblocks. Appends the values
    /// (wrapping 64-bit arithmetic; INT32 callers truncate) and advances `offset` to the end of the data.
    static func decodeDeltaBinaryPacked(_ bytes: UnsafeRawBufferPointer, offset: inout Int, expectedCount: Int,
                                        maximumBitWidth: Int, into output: inout [Int64]) throws {
        let blockSize = try varint(bytes, &offset)
        let miniblockCount = try varint(bytes, &offset)
        let totalCount = try varint(bytes, &offset)
        var value = try zigzag(bytes, &offset)
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20 else {
            throw ParquetPageFailure("a DELTA_BINARY_PACKED block size is \(blockSize), not a positive multiple of 128")
        }
        guard miniblockCount > 0, blockSize % miniblockCount == 0, (blockSize / miniblockCount) % 32 == 0 else {
            throw ParquetPageFailure("a DELTA_BINARY_PACKED block of \(blockSize) values cannot have \(miniblockCount) miniblocks")
        }
        guard totalCount == UInt64(expectedCount) else {
            throw ParquetPageFailure("a DELTA_BINARY_PACKED run holds \(totalCount) values where the page needs \(expectedCount)")
        }
        guard expectedCount > 0 else { return }
        output.reserveGrowing(expectedCount)
        output.append(value)
        var remaining = expectedCount - 1
        let perMiniblock = Int(blockSize / miniblockCount)
        let miniblocks = Int(miniblockCount)
        while remaining > 0 {
            let minimumDelta = try zigzag(bytes, &offset)
            guard bytes.count - offset >= miniblocks else { throw ParquetPageFailure("the page ends inside DELTA_BINARY_PACKED bit widths") }
            let widthsStart = offset
            offset += miniblocks
            for miniblock in 0 ..< miniblocks where remaining > 0 {
                let width = Int(bytes[widthsStart + miniblock])
                guard width <= maximumBitWidth else {
                    throw ParquetPageFailure("a DELTA_BINARY_PACKED miniblock has bit width \(width), more than \(maximumBitWidth)")
                }
                let miniblockBytes = perMiniblock * width / 8
                guard bytes.count - offset >= miniblockBytes else { throw ParquetPageFailure("the page ends inside a DELTA_BINARY_PACKED miniblock") }
                let data = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + miniblockBytes])
                let take = min(perMiniblock, remaining)
                var bitOffset = 0
                for _ in 0 ..< take {
                    let delta = Int64(bitPattern: bits(data, bitOffset: bitOffset, width: width))
                    value = value &+ minimumDelta &+ delta
                    output.append(value)
                    bitOffset &+= width
                }
                offset += miniblockBytes
                remaining -= take
            }
        }
    }

    /// PLAIN values of a fixed-width type, copied into `output` (hosts are little-endian, as Parquet is).
    static func appendPlain<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, count: Int, into output: inout [T]) throws {
        let size = MemoryLayout<T>.size
        guard count <= bytes.count / size else {
            throw ParquetPageFailure("the page holds \(bytes.count) bytes of values, fewer than \(count) values of \(size) bytes")
        }
        let old = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        output.withUnsafeMutableBytes { target in
            // Safe: the array grew by count * size bytes at old * size, and the guard bounds the source.
            if count > 0 { (target.baseAddress! + old * size).copyMemory(from: bytes.baseAddress!, byteCount: count * size) }
        }
    }

    /// PLAIN BYTE_ARRAY: each value is a 4-byte little-endian length and that many bytes.
    static func appendPlainByteArrays(_ bytes: UnsafeRawBufferPointer, count: Int, into values: inout ParquetColumnValues) throws {
        var offset = 0
        values.byteEnds.reserveGrowing(count)
        values.bytes.reserveGrowing(max(0, bytes.count - 4 * count))
        for _ in 0 ..< count {
            guard bytes.count - offset >= 4 else { throw ParquetPageFailure("the page ends inside the length of a BYTE_ARRAY value") }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            offset += 4
            guard length <= bytes.count - offset else {
                throw ParquetPageFailure("a BYTE_ARRAY value claims \(length) bytes but only \(bytes.count - offset) remain in the page")
            }
            values.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + length]))
            values.byteEnds.append(values.bytes.count)
            offset += length
        }
    }

    /// DELTA_LENGTH_BYTE_ARRAY: DELTA_BINARY_PACKED lengths, then the values' bytes back to back.
    static func appendDeltaLengthByteArrays(_ bytes: UnsafeRawBufferPointer, offset: inout Int, count: Int, into values: inout ParquetColumnValues) throws {
        var lengths: [Int64] = []
        try decodeDeltaBinaryPacked(bytes, offset: &offset, expectedCount: count, maximumBitWidth: 64, into: &lengths)
        values.byteEnds.reserveGrowing(count)
        for length in lengths {
            guard length >= 0, length <= Int64(bytes.count - offset) else {
                throw ParquetPageFailure("a DELTA_LENGTH_BYTE_ARRAY value claims \(length) bytes but \(bytes.count - offset) remain in the page")
            }
            let end = offset + Int(length)
            values.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset ..< end]))
            values.byteEnds.append(values.bytes.count)
            offset = end
        }
    }

    /// DELTA_BYTE_ARRAY: DELTA_BINARY_PACKED prefix lengths, then DELTA_LENGTH_BYTE_ARRAY suffixes; each value is
    /// the previous value's prefix followed by its suffix. `fixedLength` checks FIXED_LEN_BYTE_ARRAY widths.
    static func appendDeltaByteArrays(_ bytes: UnsafeRawBufferPointer, count: Int, fixedLength: Int?, into values: inout ParquetColumnValues) throws {
        var offset = 0
        var prefixes: [Int64] = []
        try decodeDeltaBinaryPacked(bytes, offset: &offset, expectedCount: count, maximumBitWidth: 64, into: &prefixes)
        var suffixes = ParquetColumnValues(physicalType: .byteArray)
        try appendDeltaLengthByteArrays(bytes, offset: &offset, count: count, into: &suffixes)
        var previous: [UInt8] = []
        values.byteEnds.reserveGrowing(count)
        for index in 0 ..< count {
            let prefix = prefixes[index]
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                throw ParquetPageFailure("a DELTA_BYTE_ARRAY value shares \(prefix) bytes with a previous value of \(previous.count) bytes")
            }
            previous.removeSubrange(Int(prefix)...)
            previous.append(contentsOf: suffixes.bytes[suffixes.byteRange(index)])
            if let fixedLength, previous.count != fixedLength {
                throw ParquetPageFailure("a DELTA_BYTE_ARRAY value has \(previous.count) bytes in a FIXED_LEN_BYTE_ARRAY(\(fixedLength)) column")
            }
            values.bytes.append(contentsOf: previous)
            values.byteEnds.append(values.bytes.count)
        }
    }

    /// BYTE_STREAM_SPLIT: byte `k` of value `i` is at `k * count + i`; returns the values as PLAIN bytes.
    static func unsplitByteStreams(_ bytes: UnsafeRawBufferPointer, count: Int, width: Int) throws -> [UInt8] {
        guard width > 0, count <= bytes.count / width else {
            throw ParquetPageFailure("the page holds \(bytes.count) bytes, fewer than \(count) BYTE_STREAM_SPLIT values of \(width) bytes")
        }
        var plain = [UInt8](repeating: 0, count: count * width)
        for index in 0 ..< count {
            for byte in 0 ..< width { plain[index * width + byte] = bytes[byte * count + index] }
        }
        return plain
    }
}
