import ContamStorage

/// A seeded pseudo-random generator (SplitMix64, Steele, Lea & Flood 2014), so every tabular test draws the
/// same cuts, rows and few-shot examples for the same `--seed` on every machine. Not for cryptography.
public struct TabularRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    /// A generator for `seed`, separated by `stream` so two tests with the same seed draw independently.
    public init(seed: UInt64, stream: String = "") {
        var mixed = seed ^ 0x9E37_79B9_7F4A_7C15
        for byte in stream.utf8 {
            mixed = (mixed ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        generator = SplitMix64(state: mixed)
    }

    public mutating func next() -> UInt64 { generator.next() }

    /// A uniform integer in `range` (no modulo bias; Swift's own algorithm over this generator).
    public mutating func int(in range: Range<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// `count` distinct values of `range` in random order (all of them, shuffled, when `count` ≥ the range size).
    /// O(count) memory for sparse draws, so sampling 25 of ten million costs nothing.
    public mutating func distinct(_ count: Int, from range: Range<Int>) -> [Int] {
        let size = range.count
        guard count > 0, size > 0 else { return [] }
        if count * 3 >= size {
            var all = Array(range)
            all.shuffle(using: &self)
            return Array(all.prefix(count))
        }
        var chosen = Set<Int>()
        var order = [Int]()
        while order.count < count {
            let value = int(in: range)
            if chosen.insert(value).inserted { order.append(value) }
        }
        return order
    }
}
