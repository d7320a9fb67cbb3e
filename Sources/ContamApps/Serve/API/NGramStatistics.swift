import ContamIndex

/// n-gram statistics over a full index's suffix arrays, for the infini-gram-compatible queries: suffix-array
/// ranges per shard, counts, and next-token distributions. Tokens are the index's normalized words
/// (`Index.tokens(of:)`); ids are per shard, so results are keyed by token string. The empty sequence occurs
/// at every token position (separators excluded), as infini-gram's empty query does.
struct NGramStatistics {
    let index: Index

    /// Per shard, the suffix-array rows whose suffix starts with `tokens` (for the empty sequence, every row
    /// but the documents' separators, which sort first). Cost: two binary searches a shard.
    func ranges(of tokens: [String]) -> [Range<Int>] {
        index.shards.map { shard in
            let sa = shard.suffixArray
            if tokens.isEmpty { return min(shard.documents.count, sa.count)..<sa.count }
            return sa.range(of: shard.ids(of: tokens))
        }
    }

    func count(of tokens: [String]) -> Int {
        ranges(of: tokens).reduce(0) { $0 + $1.count }
    }

    /// Tokens of the corpus, separators excluded (the count of the empty sequence).
    var totalTokens: Int { count(of: []) }

    /// The number of tokens of the longest suffix of `tokens` that occurs in the corpus (0 when none does;
    /// the empty suffix always occurs). A longer suffix never occurs more often, so a binary search finds it.
    func longestOccurringSuffix(of tokens: [String]) -> Int {
        var low = 0, high = tokens.count  // invariant: the suffix of `low` tokens occurs
        while low < high {
            let middle = (low + high + 1) / 2
            if count(of: Array(tokens.suffix(middle))) > 0 { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The next-token distribution after `prompt`.
    struct NextTokens {
        var promptCount: Int
        /// Occurrences examined (all of them, or `maxSupport` evenly spaced ones).
        var examined: Int
        /// Examined occurrences that end their document (no next token).
        var documentEnds: Int
        var counts: [String: Int]
        var approximate: Bool { examined < promptCount }
    }

    /// Reads the token after each occurrence of `prompt` (at most `maxSupport` occurrences, evenly spaced over
    /// the suffix-array rows of all shards when there are more). Throws `APIError.pastDeadline` when
    /// `pastDeadline` turns true (checked every 4,096 rows). Cost: O(examined) packed reads and hash updates.
    func nextTokens(after prompt: [String], maxSupport: Int, pastDeadline: () -> Bool) throws -> NextTokens {
        let ranges = ranges(of: prompt)
        let total = ranges.reduce(0) { $0 + $1.count }
        let examined = min(total, maxSupport)
        var result = NextTokens(promptCount: total, examined: examined, documentEnds: 0, counts: [:])
        guard examined > 0 else { return result }
        var shard = 0
        var before = 0  // occurrences in shards before `shard`
        for k in 0..<examined {
            if k & 4095 == 4095 && pastDeadline() { throw APIError.pastDeadline }
            // The k-th of `examined` evenly spaced occurrences, in shard order then row order.
            let occurrence = examined == total ? k : Int((Double(k) * Double(total) / Double(examined)).rounded(.down))
            while occurrence >= before + ranges[shard].count {
                before += ranges[shard].count
                shard += 1
            }
            let indexShard = index.shards[shard]
            let sa = indexShard.suffixArray
            let row = ranges[shard].lowerBound + (occurrence - before)
            let position = Int(sa.suffixes[row]) + prompt.count
            let id = position < sa.count ? sa.tokens[position] : 0
            if id == 0 {
                result.documentEnds += 1
            } else {
                result.counts[indexShard.vocabulary.token(UInt32(id)), default: 0] += 1
            }
        }
        return result
    }

    /// The global number of document `document` of shard `shard` (documents of earlier shards first).
    func globalDocument(shard: Int, document: Int) -> Int {
        index.shards.prefix(shard).reduce(0) { $0 + $1.documents.count } + document
    }

    /// The shard and document of global document number `number`, or nil when out of range.
    func document(number: Int) -> (shard: Int, document: Int)? {
        guard number >= 0 else { return nil }
        var rest = number
        for (k, shard) in index.shards.enumerated() {
            if rest < shard.documents.count { return (k, rest) }
            rest -= shard.documents.count
        }
        return nil
    }

    var documentCount: Int { index.shards.reduce(0) { $0 + $1.documents.count } }
}
