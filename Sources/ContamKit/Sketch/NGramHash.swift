/// The 64-bit hash of a token n-gram, computed from the `TokenHash` of each normalized token (never
/// from shard-local ids), so sketches built on different shards or machines agree and a query needs no
/// vocabulary.
///
/// Definition: with token hashes `h[0] … h[n-1]` and the odd constant `B`,
/// `P = h[0]·B^(n-1) + h[1]·B^(n-2) + … + h[n-1]  (mod 2^64)`, and the n-gram hash is
/// `mix(P ^ (n · C))` (`TokenHash.mix`, `C` a second odd constant, so the same tokens at another n hash
/// differently). `P` is a polynomial rolling hash: sliding the window one token costs a multiply-add
/// (`NGramRoller`). Changing this changes the sketch format (`version` is in each sketch's header).
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
}

/// Slides a window over a stream of token hashes and reports the hash of every complete n-gram for
/// each configured n (at most `maximumN`); `reset()` at each document boundary so no n-gram crosses
/// documents. Works on a fixed ring in manually managed memory: no allocation or uniqueness check per token.
final class NGramRoller {
    /// Largest supported n (the ring holds the last 64 token hashes).
    static let maximumN = 64
    private let ring: UnsafeMutablePointer<UInt64>
    private let rolling: UnsafeMutablePointer<UInt64>
    private let dropFactors: UnsafeMutablePointer<UInt64>
    private let sizesPointer: UnsafeMutablePointer<Int>
    private let sizeCount: Int
    /// [0] = the ring slot of the next token, [1] = tokens seen since the last reset (pointer storage:
    /// no exclusivity check per token).
    private let state: UnsafeMutablePointer<Int>
    /// Tokens seen since the last reset.
    var tokensInDocument: Int { state[1] }
    let sizes: [Int]

    init(sizes: [Int]) {
        precondition(!sizes.isEmpty && sizes.allSatisfy { $0 >= 1 && $0 <= Self.maximumN })
        self.sizes = sizes
        sizeCount = sizes.count
        ring = .allocate(capacity: Self.maximumN)
        ring.initialize(repeating: 0, count: Self.maximumN)
        rolling = .allocate(capacity: sizes.count)
        rolling.initialize(repeating: 0, count: sizes.count)
        dropFactors = .allocate(capacity: sizes.count)
        sizesPointer = .allocate(capacity: sizes.count)
        state = .allocate(capacity: 2)
        state.initialize(repeating: 0, count: 2)
        for (i, n) in sizes.enumerated() {
            dropFactors[i] = NGramHash.basePower(n)
            sizesPointer[i] = n
        }
    }

    deinit {
        ring.deallocate()
        rolling.deallocate()
        dropFactors.deallocate()
        sizesPointer.deallocate()
        state.deallocate()
    }

    /// Starts a new document.
    @inline(__always)
    func reset() {
        state[1] = 0
        for i in 0..<sizeCount { rolling[i] = 0 }
    }

    /// Adds one token hash and calls `body(ngramHash)` for every n-gram ending at it (shortest n first
    /// in the order of `sizes`).
    @inline(__always)
    func add(_ tokenHash: UInt64, _ body: (UInt64) -> Void) {
        let slot = state[0]
        let seen = state[1] &+ 1
        // Invariant: slot and (slot - n) & 63 index the 64-entry ring (n <= 64); i < sizeCount.
        for i in 0..<sizeCount {
            let n = sizesPointer[i]
            var p = rolling[i] &* NGramHash.base &+ tokenHash
            if seen > n {
                p &-= ring[(slot &- n) & (NGramRoller.maximumN &- 1)] &* dropFactors[i]
            }
            rolling[i] = p
            if seen >= n { body(NGramHash.finalize(p, n: n)) }
        }
        ring[slot] = tokenHash
        state[0] = (slot &+ 1) & (Self.maximumN &- 1)
        state[1] = seen
    }
}
