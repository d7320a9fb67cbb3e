/// How `contam index` builds n-gram sketches (`--sketch-n`, `--sketch-fpr`, `--sketch-ngrams`, `--sketch-seed`).
public struct SketchBuildOptions: Sendable, Equatable {
    /// The n of the n-grams to insert (default 13, the lm-evaluation-harness decontamination size).
    public var ngramSizes: [Int] = [13]
    /// The false-positive rate aimed at.
    public var targetFalsePositiveRate = 0.01
    /// The n-gram count to size each filter for. nil: a full build sizes each shard's filter for its distinct
    /// n-grams (a HyperLogLog estimate + 2 %, `DistinctCounter`); a sketch-only build estimates the corpus's count from a sample of its start and the
    /// input size. Give the same value on every machine to build sketches that `contam merge` can OR.
    public var expectedNGrams: Int?
    public var seed: UInt64 = NGramSketchParameters.defaultSeed

    public init() {}

    /// The n-gram occurrences of a document of `tokenCount` tokens, over all sizes.
    @inline(__always)
    func ngramCount(documentTokens tokenCount: Int) -> Int {
        var total = 0
        for n in ngramSizes where tokenCount >= n { total &+= tokenCount &- n &+ 1 }
        return total
    }
}
