/// XXH64 (Yann Collet's xxHash, 64-bit variant), used for payload checksums and token hashes.
/// Streaming: feed bytes with `update`, read `digest`. Runs at several GB/s in release builds.
public struct XXHash64: Sendable {
    @usableFromInline static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var v1, v2, v3, v4: UInt64
    private let seed: UInt64
    private var totalLength: UInt64 = 0
    private var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var bufferedCount = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.prime1 &+ Self.prime2
        v2 = seed &+ Self.prime2
        v3 = seed
        v4 = seed &- Self.prime1
    }

    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        var acc = acc &+ input &* prime2
        acc = (acc << 31) | (acc >> 33)
        return acc &* prime1
    }

    @inline(__always) static func merge(_ acc: UInt64, _ val: UInt64) -> UInt64 {
        let acc = (acc ^ round(0, val)) &* prime1 &+ prime4
        return acc
    }

    /// Adds bytes to the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        totalLength &+= UInt64(bytes.count)
        var offset = 0
        let count = bytes.count
        // Fill a partial 32-byte stripe first.
        if bufferedCount > 0 {
            withUnsafeMutableBytes(of: &buffer) { stripe in
                let take = min(32 - bufferedCount, count)
                stripe.baseAddress!.advanced(by: bufferedCount).copyMemory(from: base, byteCount: take)
                bufferedCount += take
                offset = take
            }
            if bufferedCount < 32 { return }
            withUnsafeBytes(of: buffer) { stripe in consumeStripe(stripe.baseAddress!) }
            bufferedCount = 0
        }
        while offset + 32 <= count {
            consumeStripe(base + offset)
            offset += 32
        }
        if offset < count {
            let rest = count - offset
            withUnsafeMutableBytes(of: &buffer) { stripe in
                stripe.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
            bufferedCount = rest
        }
    }

    @inline(__always) private mutating func consumeStripe(_ p: UnsafeRawPointer) {
        v1 = Self.round(v1, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        v2 = Self.round(v2, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        v3 = Self.round(v3, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        v4 = Self.round(v4, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// The hash of all bytes added so far.
    public var digest: UInt64 {
        var h: UInt64
        if totalLength >= 32 {
            h = ((v1 << 1) | (v1 >> 63)) &+ ((v2 << 7) | (v2 >> 57)) &+ ((v3 << 12) | (v3 >> 52)) &+ ((v4 << 18) | (v4 >> 46))
            h = Self.merge(h, v1); h = Self.merge(h, v2); h = Self.merge(h, v3); h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.prime5
        }
        h &+= totalLength
        let tail = bufferedCount
        return withUnsafeBytes(of: buffer) { raw -> UInt64 in
            Self.finalize(h, raw.baseAddress!, tail)
        }
    }

    @inline(__always) static func finalize(_ hash: UInt64, _ p: UnsafeRawPointer, _ length: Int) -> UInt64 {
        var h = hash
        var i = 0
        while i + 8 <= length {
            let k = round(0, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            h ^= k
            h = ((h << 27) | (h >> 37)) &* prime1 &+ prime4
            i += 8
        }
        if i + 4 <= length {
            h ^= UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* prime1
            h = ((h << 23) | (h >> 41)) &* prime2 &+ prime3
            i += 4
        }
        while i < length {
            h ^= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &* prime5
            h = ((h << 11) | (h >> 53)) &* prime1
            i += 1
        }
        h ^= h >> 33
        h &*= prime2
        h ^= h >> 29
        h &*= prime3
        h ^= h >> 32
        return h
    }

    /// One-shot hash of a byte buffer.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXHash64(seed: seed)
        hasher.update(bytes)
        return hasher.digest
    }

    /// One-shot hash of a byte array.
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }
}
