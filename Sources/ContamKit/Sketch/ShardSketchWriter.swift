/// Builds a full shard's sketch from its token array, on the shard's writer thread (beside SA-IS):
/// each token id maps to its `TokenHash` through the interning table, which already holds it, so the
/// reading loop pays nothing and no token is hashed twice. O(tokens), one cache line per n-gram.
enum ShardSketchWriter {
    /// Writes the sketch of `tokens` (shard-local ids, 0 = document separator) to `path`.
    static func write(parameters: NGramSketchParameters, tokens: UnsafeBufferPointer<UInt32>, vocabulary: VocabularyBuilder, to path: String) throws {
        let sketch = try NGramSketch(parameters: parameters)
        let hashes = vocabulary.withTable { $0.hashes }
        insert(tokens: tokens, hashes: hashes, into: sketch)
        try sketch.write(to: path)
    }

    /// The hot loop.
    private static func insert(tokens: UnsafeBufferPointer<UInt32>, hashes: UnsafeMutablePointer<UInt64>, into sketch: NGramSketch) {
        let roller = sketch.makeRoller()
        let inserter = NGramSketch.BatchInserter(sketch: sketch)
        defer { inserter.flush() }
        // Invariant: every id in `tokens` is 0 or an id the table assigned, so hashes[id] is initialized.
        for id in tokens {
            if id == 0 {
                roller.reset()
            } else {
                roller.add(hashes[Int(id)]) { inserter.add($0) }
            }
        }
    }
}
