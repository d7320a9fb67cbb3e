/// A Snappy block decompressor (google/snappy, format_description.txt): a varint of the uncompressed length,
/// then literals and back-references with 1-, 2- or 4-byte offsets. Every length and offset is checked
/// against the input left and the output written so far, so damaged data is an error, never a wild read.
enum Snappy {
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard let source = input.baseAddress, input.count > 0 else {
            throw ParquetPageFailure(detail: "the Snappy data is empty")
        }
        let inputCount = input.count
        var position = 0
        // The preamble: the uncompressed length as a little-endian base-128 varint of at most 32 bits.
        var declared: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < inputCount, shift <= 28 else { throw ParquetPageFailure(detail: "the Snappy length preamble is damaged") }
            let byte = source.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            declared |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard declared == UInt64(output.count) else {
            throw ParquetPageFailure(detail: "the Snappy data decompresses to \(declared) bytes, the page header says \(output.count)")
        }
        guard let target = output.baseAddress else { return }
        let outputCount = output.count
        var written = 0
        // Safe: every read below is preceded by a check that it lies in 0..<inputCount, every write by a check
        // that it lies in 0..<outputCount, and back-references by 0 < offset <= written.
        while position < inputCount {
            let tag = source.load(fromByteOffset: position, as: UInt8.self)
            position &+= 1
            // Fast path for the most common element, a short literal (after google/snappy's decompressor): with 16
            // bytes of input and of output left, move 16 bytes and keep `length` of them (the rest is overwritten later).
            if tag & 3 == 0 && tag >> 2 < 16 && inputCount - position >= 16 && outputCount - written >= 16 {
                let length = Int(tag >> 2) &+ 1
                let low = (source + position).loadUnaligned(as: UInt64.self)
                let high = source.loadUnaligned(fromByteOffset: position &+ 8, as: UInt64.self)
                (target + written).storeBytes(of: low, as: UInt64.self)
                target.storeBytes(of: high, toByteOffset: written &+ 8, as: UInt64.self)
                position &+= length
                written &+= length
                continue
            }
            var length: Int
            var offset: Int
            switch tag & 3 {
            case 0:
                length = Int(tag >> 2)
                if length >= 60 {
                    let extraBytes = length - 59
                    guard inputCount - position >= extraBytes else { throw ParquetPageFailure(detail: "the Snappy data ends inside a literal length") }
                    length = 0
                    for index in 0 ..< extraBytes {
                        length |= Int(source.load(fromByteOffset: position + index, as: UInt8.self)) << (8 * index)
                    }
                    position &+= extraBytes
                }
                length &+= 1
                guard inputCount - position >= length, outputCount - written >= length else {
                    throw ParquetPageFailure(detail: "a Snappy literal of \(length) bytes runs past the end of the data or the page")
                }
                (target + written).copyMemory(from: source + position, byteCount: length)
                position &+= length
                written &+= length
                continue
            case 1:
                guard position < inputCount else { throw ParquetPageFailure(detail: "the Snappy data ends inside a copy") }
                length = Int((tag >> 2) & 7) &+ 4
                offset = Int(tag >> 5) << 8 | Int(source.load(fromByteOffset: position, as: UInt8.self))
                position &+= 1
            case 2:
                guard inputCount - position >= 2 else { throw ParquetPageFailure(detail: "the Snappy data ends inside a copy") }
                length = Int(tag >> 2) &+ 1
                offset = Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt16.self)))
                position &+= 2
            default:
                guard inputCount - position >= 4 else { throw ParquetPageFailure(detail: "the Snappy data ends inside a copy") }
                length = Int(tag >> 2) &+ 1
                offset = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                position &+= 4
            }
            guard offset > 0, offset <= written else {
                throw ParquetPageFailure(detail: "a Snappy copy refers \(offset) bytes back, before the start of the page")
            }
            guard outputCount - written >= length else {
                throw ParquetPageFailure(detail: "a Snappy copy of \(length) bytes runs past the end of the page")
            }
            let bytes = target.assumingMemoryBound(to: UInt8.self)
            if offset >= 8 && outputCount - written >= length &+ 8 {
                // 8 bytes at a time: each word read lies at least 8 bytes behind the write, so it is already
                // written; the last word may run up to 7 bytes past the copy, inside the output (checked).
                var from = target + (written &- offset)
                var to = target + written
                var remaining = length
                while remaining > 0 {
                    to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    from += 8
                    to += 8
                    remaining &-= 8
                }
            } else if offset >= length {
                (target + written).copyMemory(from: target + (written - offset), byteCount: length)
            } else {
                // Overlapping copy: byte by byte repeats the pattern, as the format intends.
                var index = 0
                while index < length {
                    bytes[written &+ index] = bytes[written &- offset &+ index]
                    index &+= 1
                }
            }
            written &+= length
        }
        guard written == outputCount else {
            throw ParquetPageFailure(detail: "the Snappy data produced \(written) bytes, the page header says \(outputCount)")
        }
    }
}
