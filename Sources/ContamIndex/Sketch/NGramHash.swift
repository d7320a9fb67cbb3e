import ContamText

/// The 64-bit hash of a token n-gram, computed from the `TokenHash` of each normalized token (never
/// from shard-local ids), so sketches built on different shards or machines agree and a query needs no
/// vocabulary.
///
/// Definition: with token hashes `h[0] … h[n-1]` and the odd constant `B`,
/// `P = h[0]·B^(n-1) + h[1]·B^(n-2) + … + h[n-1]  (mod 2^64)`, and the n-gram hash is
/// `mix(P ^ (n · C))` (`TokenHash.mix`, `C` a second odd constant, so the same tokens at another n hash
/// differently). `P` is a polynomial rolling hash: sliding the window one token costs a multiply-add
/// (`forEachNGram`). Changing this changes the sketch format (`version` is in each sketch's header).
public enum NGramHash {
    /// Version of this definition (and of the Bloom filter's probe layout), recorded in every sketch.
    public static let version: UInt64 = 1
    /// The polynomial base (odd, so multiplication by it is invertible mod 2^64).
    @usableFromInline static let base: UInt64 = 0x9FB2_1C65_1E98_DF25
    @usableFromInline static let lengthSalt: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    /// `B^n mod 2^64`.
    @inlinable
    static func basePower(_ n: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<n { result &*= base }
        return result
    }

    /// The final mix of a window's polynomial value `p` for an n-gram of `n` tokens.
    @inlinable @inline(__always)
    static func finalize(_ p: UInt64, n: Int) -> UInt64 {
        TokenHash.mix(p ^ (UInt64(truncatingIfNeeded: n) &* lengthSalt))
    }

    /// The hash of the n-gram whose token hashes are `tokenHashes` (n = its count); the reference
    /// definition, O(n).
    public static func hash<C: Collection>(tokenHashes: C) -> UInt64 where C.Element == UInt64 {
        var p: UInt64 = 0
        for h in tokenHashes { p = p &* base &+ h }
        return finalize(p, n: tokenHashes.count)
    }

    /// The hash of the n-gram of normalized token strings `tokens`.
    public static func hash<C: Collection>(tokens: C) -> UInt64 where C.Element == String {
        hash(tokenHashes: tokens.map { TokenHash.hash($0) })
    }

    /// Largest supported n (sketch headers record the sizes as a 64-bit mask).
    static let maximumN = 64

    /// Calls `body(end, hash)` for every n-gram of `tokenHashes` (one document: no n-gram crosses its
    /// ends), in order, `end` being the index of the n-gram's last token. O(count): the window slides by
    /// a multiply-add with every value in registers; the loop-carried chain is one multiply and two adds.
    @inline(__always)
    public static func forEachNGram(of tokenHashes: UnsafeBufferPointer<UInt64>, n: Int, _ body: (_ end: Int, _ hash: UInt64) -> Void) {
        let count = tokenHashes.count
        guard n >= 1, count >= n, let h = tokenHashes.baseAddress else { return }
        let salt = UInt64(truncatingIfNeeded: n) &* lengthSalt
        let drop = basePower(n)
        var p: UInt64 = 0
        // Invariant: every index read below is in 0..<count.
        for i in 0..<n { p = p &* base &+ h[i] }
        body(n &- 1, TokenHash.mix(p ^ salt))
        var end = n
        while end < count {
            p = p &* base &+ h[end] &- h[end &- n] &* drop
            body(end, TokenHash.mix(p ^ salt))
            end &+= 1
        }
    }

    /// Replaces one document's token hashes, `tokenHashes[0..<count]`, by its n-gram hashes
    /// (`forEachNGram`'s, in order) from `tokenHashes[0]` on, and returns how many (`max(0, count - n + 1)`).
    /// In place: the hash of the n-gram ending at token `end` goes into slot `end - n`, which the window
    /// read (and dropped) in the next step and never reads again, so it is written one step late.
    @inline(__always)
    static func rollInPlace(_ tokenHashes: UnsafeMutablePointer<UInt64>, count: Int, n: Int) -> Int {
        var previous: UInt64 = 0
        var produced = 0
        forEachNGram(of: UnsafeBufferPointer(start: tokenHashes, count: count), n: n) { end, hash in
            // Invariant: when end >= n, forEachNGram has already read slot end - n for this step.
            if end >= n { tokenHashes[end &- n] = previous }
            previous = hash
            produced &+= 1
        }
        if produced > 0 { tokenHashes[count &- n] = previous }
        return produced
    }
}
