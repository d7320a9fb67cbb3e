import CShims
import Foundation
import ContamStorage
import ContamText

/// A blocked Bloom filter over 64-bit keys (Putze, Sanders & Singler 2007): each key selects one
/// 512-bit block (one cache line) and sets `hashFunctions` bits inside it, so an insert or a lookup
/// costs one cache miss instead of k. The price is a slightly higher false-positive rate than a
/// classic filter of the same size, which `falsePositiveRate(blockCount:keys:hashFunctions:)` models
/// exactly and `sizing` pays for with a few more bits.
///
/// Probe layout (part of the sketch format, `NGramHash.version`): `x = mix(key ^ seed)`; the block is
/// `(x · blockCount) >> 64`; `y = mix(x ^ C)` supplies 9-bit bit offsets, seven per 64-bit word,
/// re-mixed (`y = mix(y)`) after every seven. Two filters with the same `blockCount`, `hashFunctions`
/// and `seed` combine by bitwise OR.
public final class BloomFilter: @unchecked Sendable {
    /// Bits per block: one 64-byte cache line.
    public static let blockBits = 512
    static let wordsPerBlock = 8

    /// Number of 512-bit blocks.
    public let blockCount: Int
    /// Bits set (and tested) per key, all in the key's block.
    public let hashFunctions: Int
    /// Mixed into every key, so filters with other seeds place keys elsewhere.
    public let seed: UInt64
    /// The bit array: `blockCount * 8` words. Writable only when `isWritable`. Points into `owner`'s
    /// memory, which a stored `let` keeps for as long as this filter exists: every access below relies
    /// on that, and on `block < blockCount` (see `probe`).
    let words: UnsafeMutablePointer<UInt64>
    /// False for a filter mapped read-only from a file (inserting would fault).
    public let isWritable: Bool
    /// Keeps the memory alive: an `AnonymousBuffer` (built) or a `BinaryFile` (mapped read-only).
    private let owner: AnyObject

    /// Total bits.
    public var bitCount: Int { blockCount * Self.blockBits }
    /// Bytes of the bit array.
    public var byteCount: Int { blockCount * 64 }

    /// An empty writable filter (anonymous memory, zero pages are free until touched).
    public init(blockCount: Int, hashFunctions: Int, seed: UInt64) throws {
        precondition(blockCount >= 1 && hashFunctions >= 1 && hashFunctions <= 32)
        let buffer = try AnonymousBuffer<UInt64>(capacity: blockCount * Self.wordsPerBlock)
        buffer.setCount(blockCount * Self.wordsPerBlock)
        self.blockCount = blockCount
        self.hashFunctions = hashFunctions
        self.seed = seed
        words = buffer.base
        owner = buffer
        isWritable = true
    }

    /// A read-only filter over `bits` (8 * blockCount words, 8-byte aligned), kept alive by `owner`.
    init(mapping bits: UnsafeRawPointer, blockCount: Int, hashFunctions: Int, seed: UInt64, owner: AnyObject) {
        self.blockCount = blockCount
        self.hashFunctions = hashFunctions
        self.seed = seed
        words = UnsafeMutablePointer(mutating: bits.assumingMemoryBound(to: UInt64.self))
        self.owner = owner
        isWritable = false
    }

    /// `key`'s block number (< blockCount) and the source of its bit offsets.
    @inline(__always)
    private func location(_ key: UInt64) -> (block: Int, offsets: UInt64) {
        let x = TokenHash.mix(key ^ seed)
        let block = Int(truncatingIfNeeded: x.multipliedFullWidth(by: UInt64(blockCount)).high)
        return (block, TokenHash.mix(x ^ 0x8EBC_6AF0_9C88_C6E3))
    }

    /// The first word of `key`'s block and the bit-offset source for it.
    @inline(__always)
    private func probe(_ key: UInt64) -> (block: UnsafeMutablePointer<UInt64>, offsets: UInt64) {
        let (block, offsets) = location(key)
        // Invariant: block < blockCount, so the 8 words at block * 8 are inside the array.
        return (words + block &* Self.wordsPerBlock, offsets)
    }

    /// Sets the `hashFunctions` bits that `offsets` selects in one 512-bit block (9 bits an offset, the
    /// source re-mixed every 7 offsets).
    @inline(__always)
    private func setBits(in block: UnsafeMutablePointer<UInt64>, offsets start: UInt64) {
        var offsets = start
        var used = 0
        for _ in 0..<hashFunctions {
            if used == 7 { offsets = TokenHash.mix(offsets); used = 0 }
            let bit = Int(truncatingIfNeeded: offsets & 511)
            block[bit &>> 6] |= 1 &<< UInt64(bit & 63)
            offsets &>>= 9
            used &+= 1
        }
    }

    /// Adds `key`. The filter must be writable.
    @inline(__always)
    public func insert(_ key: UInt64) {
        assert(isWritable, "BloomFilter: insert into a read-only (mapped) filter")
        let (block, offsets) = probe(key)
        setBits(in: block, offsets: offsets)
    }

    /// Keys a batch call takes at most.
    public static let maximumBatch = 256

    /// Adds `count` keys (at most 256) in two passes: the first computes every key's block and prefetches
    /// it, the second sets the bits in blocks now in cache. A prefetch retires at once, so the misses of a
    /// whole batch overlap, where a plain insert loop waits for each block in turn (and a touching load
    /// stalls once the reorder buffer is full). Measured on a 32 MiB filter: one by one 7.5 s, touching
    /// loads 2.1 s, prefetch 1.6 s of CPU for a 105 MB build; prefetching a few keys ahead inside one
    /// loop (software pipelining, distances 8 to 64) was slower than this.
    public func insert(batch keys: UnsafePointer<UInt64>, count: Int) {
        precondition(count <= Self.maximumBatch)
        assert(isWritable, "BloomFilter: insert into a read-only (mapped) filter")
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * Self.maximumBatch) { scratch in
            // scratch[2i] = block number, scratch[2i + 1] = bit-offset source of keys[i]; i < count <= 256.
            for i in 0..<count {
                let (block, offsets) = location(keys[i])
                scratch[2 &* i] = UInt64(block)
                scratch[2 &* i &+ 1] = offsets
                contam_prefetch_for_write(words + block &* Self.wordsPerBlock)
            }
            for i in 0..<count {
                setBits(in: words + Int(truncatingIfNeeded: scratch[2 &* i]) &* Self.wordsPerBlock, offsets: scratch[2 &* i &+ 1])
            }
        }
    }

    /// True when `key` may have been inserted; false means it certainly was not.
    @inline(__always)
    public func contains(_ key: UInt64) -> Bool {
        let (block, start) = probe(key)
        var offsets = start
        var used = 0
        for _ in 0..<hashFunctions {
            if used == 7 { offsets = TokenHash.mix(offsets); used = 0 }
            let bit = Int(truncatingIfNeeded: offsets & 511)
            if block[bit &>> 6] & (1 &<< UInt64(bit & 63)) == 0 { return false }
            offsets &>>= 9
            used &+= 1
        }
        return true
    }

    /// ORs `other` (same block count, hash functions and seed: the caller checked) into this filter.
    public func formUnion(_ other: BloomFilter) {
        precondition(isWritable && other.blockCount == blockCount && other.hashFunctions == hashFunctions && other.seed == seed)
        let count = blockCount * Self.wordsPerBlock
        for i in 0..<count { words[i] |= other.words[i] }
    }

    /// Lends the raw bit array (`byteCount` bytes) to `body`; it must not be used after `body` returns.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        // Safe: `self` (and so `owner`) is alive until `body` returns.
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(start: words, count: byteCount)) }
    }

    /// Fraction of bits set. O(size).
    public var fillRatio: Double {
        var set = 0
        for i in 0..<(blockCount * Self.wordsPerBlock) { set &+= words[i].nonzeroBitCount }
        return Double(set) / Double(bitCount)
    }

    /// The false-positive rate this filter has for a random key, from its actual contents: the mean over
    /// blocks of (fraction of the block's bits set)^k. O(size).
    public var falsePositiveRateFromFill: Double {
        var total = 0.0
        for b in 0..<blockCount {
            var set = 0
            for w in 0..<Self.wordsPerBlock { set &+= words[b &* Self.wordsPerBlock &+ w].nonzeroBitCount }
            total += pow(Double(set) / Double(Self.blockBits), Double(hashFunctions))
        }
        return total / Double(blockCount)
    }

    /// The expected false-positive rate of a blocked filter with `blockCount` blocks holding `keys`
    /// distinct keys: the number of keys in a block is Poisson(keys / blockCount) and a block holding j
    /// keys answers a random probe falsely with probability (1 - (1 - 1/512)^(jk))^k.
    public static func falsePositiveRate(blockCount: Int, keys: Double, hashFunctions k: Int) -> Double {
        let lambda = keys / Double(max(blockCount, 1))
        if lambda <= 0 { return 0 }
        let miss = 1.0 - 1.0 / Double(blockBits)
        let upper = Int(lambda + 12 * lambda.squareRoot() + 20)
        let lower = max(0, Int(lambda - 12 * lambda.squareRoot() - 20))
        var total = 0.0
        var logPoisson = -lambda + Double(lower) * log(lambda) - lgamma(Double(lower) + 1)
        for j in lower...upper {
            if j > lower { logPoisson += log(lambda) - log(Double(j)) }
            total += exp(logPoisson) * pow(1 - pow(miss, Double(j * k)), Double(k))
        }
        return total
    }

    /// The smallest filter (block count, and the best k for it) whose expected false-positive rate with
    /// `keys` keys is at most `targetRate`. Binary search over the block count; O(log keys) evaluations.
    public static func sizing(keys: Int, targetRate: Double) -> (blockCount: Int, hashFunctions: Int) {
        let keys = Double(max(keys, 1))
        func best(_ blocks: Int) -> (rate: Double, k: Int) {
            var result = (rate: 1.0, k: 1)
            for k in 1...16 {
                let rate = falsePositiveRate(blockCount: blocks, keys: keys, hashFunctions: k)
                if rate < result.rate { result = (rate, k) }
            }
            return result
        }
        // A classic Bloom filter needs -n ln p / (ln 2)^2 bits and a blocked one more, so half that many
        // blocks never suffice: the search starts there. (From 1 block it evaluated blocks holding
        // millions of keys, whose Poisson sums took 40 ms of a 0.9 s build.)
        let classicBlocks = Int(keys * -log(targetRate) / (log(2.0) * log(2.0)) / Double(blockBits))
        var low = max(1, classicBlocks / 2), high = max(low + 1, classicBlocks * 2)
        while best(high).rate > targetRate && high < Int.max / 4 { high *= 2 }
        while low < high {
            let mid = low + (high - low) / 2
            if best(mid).rate <= targetRate { high = mid } else { low = mid + 1 }
        }
        return (low, best(low).k)
    }
}
