/// Builds a full shard's sketch from its token array, on the shard's writer thread (beside SA-IS):
/// each token id maps to its `TokenHash` through the interning table, which already holds it, so the
/// reading loop pays nothing and no token is hashed twice. O(tokens), one cache line per n-gram.
enum ShardSketchWriter {
    /// Writes the sketch of `tokens` (shard-local ids, 0 = document separator) to `path`. With
    /// `sizedForDistinct`, the filter is sized for the shard's distinct n-grams (a `DistinctCounter` pass over
    /// them first, +2 % for its error) instead of `parameters.expectedNGrams`: repeated n-grams set no new bits,
    /// so a filter sized for occurrences is larger than the target rate needs. Returns the parameters written.
    @discardableResult
    static func write(parameters: NGramSketchParameters, sizedForDistinct: Bool = false, tokens: UnsafeBufferPointer<UInt32>,
                      vocabulary: VocabularyBuilder, to path: String) throws -> NGramSketchParameters {
        // Kept past the closure: `vocabulary` outlives this call and takes no new tokens during it (only an
        // insert reallocates `hashes`), so the pointer stays valid while the sketch is filled.
        let hashes = vocabulary.withTable { $0.hashes }
        var parameters = parameters
        if sizedForDistinct {
            var counter = DistinctCounter()
            forEachNGramBatch(tokens: tokens, hashes: hashes, sizes: parameters.ngramSizes) { counter.add($0) }
            let distinct = max(1, Int((Double(counter.estimate) * 1.02).rounded(.up)))
            parameters = NGramSketchParameters(ngramSizes: parameters.ngramSizes, expectedNGrams: distinct,
                                               targetFalsePositiveRate: parameters.targetFalsePositiveRate, seed: parameters.seed)
        }
        let sketch = try NGramSketch(parameters: parameters)
        insert(tokens: tokens, hashes: hashes, into: sketch)
        try sketch.write(to: path)
        return parameters
    }

    /// Calls `body` with the n-gram hashes of each document of `tokens` in turn (a buffer valid during the call).
    private static func forEachNGramBatch(tokens: UnsafeBufferPointer<UInt32>, hashes: UnsafeMutablePointer<UInt64>, sizes: [Int],
                                          _ body: (UnsafeBufferPointer<UInt64>) -> Void) {
        var document: [UInt64] = []
        var ngrams: [UInt64] = []
        document.reserveCapacity(1 << 16)
        ngrams.reserveCapacity(1 << 16)
        func flush() {
            document.withUnsafeBufferPointer { tokenHashes in
                for n in sizes { NGramHash.forEachNGram(of: tokenHashes, n: n) { ngrams.append($1) } }
            }
            ngrams.withUnsafeBufferPointer(body)
            document.removeAll(keepingCapacity: true)
            ngrams.removeAll(keepingCapacity: true)
        }
        // Invariant: every id in `tokens` is 0 or an id the table assigned, so hashes[id] is initialized.
        for id in tokens {
            if id == 0 { flush() } else { document.append(hashes[Int(id)]) }
        }
        flush()
    }

    /// The hot loop: each document's token hashes are gathered (ids map through the table), then its
    /// n-grams go in.
    private static func insert(tokens: UnsafeBufferPointer<UInt32>, hashes: UnsafeMutablePointer<UInt64>, into sketch: NGramSketch) {
        let inserter = NGramSketch.BatchInserter(sketch: sketch)
        let sizes = sketch.parameters.ngramSizes
        var document: [UInt64] = []
        document.reserveCapacity(1 << 16)
        func insertDocument() {
            document.withUnsafeBufferPointer { hashes in
                for n in sizes { NGramHash.forEachNGram(of: hashes, n: n) { inserter.add($1) } }
            }
            document.removeAll(keepingCapacity: true)
        }
        // Invariant: every id in `tokens` is 0 or an id the table assigned, so hashes[id] is initialized.
        for id in tokens {
            if id == 0 {
                insertDocument()
            } else {
                document.append(hashes[Int(id)])
            }
        }
        insertDocument()
        inserter.flush()
    }
}
