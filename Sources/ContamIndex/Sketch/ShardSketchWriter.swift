/// Builds a full shard's sketch from its token array, on the shard's writer thread (beside SA-IS):
/// each token id maps to its `TokenHash` through the interning table, which already holds it, so the
/// reading loop pays nothing and no token is hashed twice. O(tokens), one cache line per n-gram.
enum ShardSketchWriter {
    /// Writes the sketch of `tokens` (shard-local ids, 0 = document separator) to `path`.
    static func write(parameters: NGramSketchParameters, tokens: UnsafeBufferPointer<UInt32>, vocabulary: VocabularyBuilder, to path: String) throws {
        let sketch = try NGramSketch(parameters: parameters)
        // Kept past the closure: `vocabulary` outlives this call and takes no new tokens during it (only an
        // insert reallocates `hashes`), so the pointer stays valid while the sketch is filled.
        let hashes = vocabulary.withTable { $0.hashes }
        insert(tokens: tokens, hashes: hashes, into: sketch)
        try sketch.write(to: path)
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
