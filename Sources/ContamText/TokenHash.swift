/// The 64-bit hash of a normalized token's UTF-8 bytes, used by the vocabulary both while building
/// (interning table) and in `vocab.bin` (sorted hash table for query lookups). Processes 8 bytes at a
/// time; tokens average 3-4 bytes, so this is one or two multiply-mix rounds.
/// Changing it changes the index format (the vocabulary header records `TokenHash.version`).
public enum TokenHash {
    public static let version: UInt64 = 1

    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        return x
    }

    /// Hash of `count` bytes at `pointer`.
    @inlinable @inline(__always)
    public static func hash(_ pointer: UnsafeRawPointer, count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(truncatingIfNeeded: count) &* 0xFF51_AFD7_ED55_8CCD)
        var i = 0
        while i &+ 8 <= count {
            h = mix(h ^ UInt64(littleEndian: pointer.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i &+= 8
        }
        if i < count {
            // The last 1-7 bytes as a little-endian word, branch-light (most tokens are shorter than 8
            // bytes and their lengths vary, so a byte loop or one branch per bit of the length mispredicts).
            // 4-7 bytes: the first four and the last four, overlapping bytes landing on themselves;
            // 1-3 bytes: the first, middle and last byte, the same way.
            let rest = count &- i
            let tail: UInt64
            if rest >= 4 {
                let first = UInt64(UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                let last = UInt64(UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: i &+ rest &- 4, as: UInt32.self)))
                tail = first | (last &<< UInt64((rest &- 4) &* 8))
            } else {
                let first = UInt64(pointer.load(fromByteOffset: i, as: UInt8.self))
                let middle = UInt64(pointer.load(fromByteOffset: i &+ (rest &>> 1), as: UInt8.self))
                let last = UInt64(pointer.load(fromByteOffset: i &+ rest &- 1, as: UInt8.self))
                tail = first | (middle &<< UInt64((rest &>> 1) &* 8)) | (last &<< UInt64((rest &- 1) &* 8))
            }
            h = mix(h ^ tail)
        }
        return h
    }

    /// Hash of a token of `count` bytes (1...7) given as a little-endian word, zero above its bytes: equal
    /// to `hash(pointer, count:)` on those bytes, with no load and no branch.
    @inlinable @inline(__always)
    public static func hash(shortWord word: UInt64, count: Int) -> UInt64 {
        mix(0x9E37_79B9_7F4A_7C15 ^ (UInt64(truncatingIfNeeded: count) &* 0xFF51_AFD7_ED55_8CCD) ^ word)
    }

    /// Hash of a buffer.
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress else { return hash(UnsafeRawPointer(bitPattern: 1)!, count: 0) }
        return hash(base, count: bytes.count)
    }

    /// Hash of a string's UTF-8.
    public static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }
}
