import Testing
@testable import ContamStorage
@testable import ContamIndex
import ContamTestSupport

/// Builds the suffix array of `text` with SA-IS, packs both arrays as the index stores them, and runs `body`
/// on the packed view (which owns copies of the packed bytes).
private func withPackedSuffixArray<R>(_ text: [UInt32], _ body: (SuffixArray) throws -> R) rethrows -> R {
    let alphabetSize = Int(text.max() ?? 0) + 1
    let sa = SAIS.suffixArray(of: text, alphabetSize: alphabetSize)
    let tokenWidth = PackedIntArray.bitWidth(forMaxValue: UInt64(alphabetSize - 1))
    let suffixWidth = PackedIntArray.bitWidth(forMaxValue: UInt64(max(text.count - 1, 0)))
    return try body(SuffixArray(tokens: PackedIntArray(packing: text, bitWidth: tokenWidth),
                                suffixes: PackedIntArray(packing: sa, bitWidth: suffixWidth)))
}

/// Oracle: start positions where `pattern` occurs, by scanning (0 and absentToken in a pattern never match).
private func bruteOccurrences(of pattern: [UInt32], in text: [UInt32]) -> Set<Int> {
    if pattern.contains(where: { $0 == 0 || $0 == SuffixArray.absentToken }) { return [] }
    var found = Set<Int>()
    var start = 0
    while start + pattern.count <= text.count {
        var matched = 0
        while matched < pattern.count && text[start + matched] == pattern[matched] { matched += 1 }
        if matched == pattern.count { found.insert(start) }
        start += 1
    }
    return found
}

/// Oracle: the longest prefix of query[start...] occurring in `text`, by trying every text position.
private func bruteLongestMatch(_ query: [UInt32], at start: Int, in text: [UInt32]) -> Int {
    var best = 0
    for p in text.indices {
        var length = 0
        while start + length < query.count, p + length < text.count,
              query[start + length] == text[p + length],
              query[start + length] != 0, query[start + length] != SuffixArray.absentToken {
            length += 1
        }
        best = max(best, length)
    }
    return best
}

/// Documents of tokens 1..<alphabetSize built from a few repeated phrases (so long matches exist), each
/// followed by the separator 0.
private func sampleCorpus(tokenCount: Int, alphabetSize: UInt32, seed: UInt64) -> [UInt32] {
    var rng = SeededRandom(seed: seed)
    let phrases = (0..<4).map { _ in
        (0..<Int.random(in: 2...12, using: &rng)).map { _ in UInt32.random(in: 1..<alphabetSize, using: &rng) }
    }
    var text: [UInt32] = []
    while text.count < tokenCount {
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            if Int.random(in: 0..<3, using: &rng) == 0 {
                text += phrases[Int.random(in: 0..<phrases.count, using: &rng)]
            } else {
                text.append(UInt32.random(in: 1..<alphabetSize, using: &rng))
            }
        }
        text.append(0)
    }
    return text
}

/// Query patterns: pieces of the text (present), pieces spanning a separator with the separator removed,
/// random ones (mostly absent), and ones holding 0 or absentToken.
private func samplePatterns(for text: [UInt32], alphabetSize: UInt32, count: Int, seed: UInt64) -> [[UInt32]] {
    var rng = SeededRandom(seed: seed)
    var patterns: [[UInt32]] = [[], [SuffixArray.absentToken], [0], [1, 0], [alphabetSize]]
    let separators = text.indices.filter { text[$0] == 0 }
    while patterns.count < count {
        let length = Int.random(in: 1...10, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            let start = Int.random(in: 0..<text.count, using: &rng)
            patterns.append(Array(text[start..<min(text.count, start + length)]).filter { $0 != 0 })
        case 1:
            let separator = separators[Int.random(in: 0..<separators.count, using: &rng)]
            let window = text[max(0, separator - length)..<min(text.count, separator + length)]
            patterns.append(window.filter { $0 != 0 })
        case 2:
            patterns.append((0..<length).map { _ in UInt32.random(in: 1..<alphabetSize, using: &rng) })
        default:
            var pattern = (0..<length).map { _ in UInt32.random(in: 1..<alphabetSize, using: &rng) }
            pattern[Int.random(in: 0..<length, using: &rng)] = Bool.random(using: &rng) ? 0 : SuffixArray.absentToken
            patterns.append(pattern)
        }
    }
    return patterns
}

@Suite struct SuffixArrayTests {
    @Test func rangeAndCountMatchScanning() {
        for (seed, alphabetSize) in [(UInt64(1), UInt32(3)), (2, 6), (3, 40)] {
            let text = sampleCorpus(tokenCount: 1500, alphabetSize: alphabetSize, seed: seed)
            withPackedSuffixArray(text) { sa in
                #expect(sa.count == text.count)
                for pattern in samplePatterns(for: text, alphabetSize: alphabetSize, count: 400, seed: seed) {
                    let expected = bruteOccurrences(of: pattern, in: text)
                    let range = sa.range(of: pattern)
                    if pattern.isEmpty {
                        #expect(range == 0..<text.count)
                        continue
                    }
                    #expect(sa.count(of: pattern) == expected.count, "pattern \(pattern)")
                    #expect(Set(sa.positions(in: range, limit: .max)) == expected, "pattern \(pattern)")
                    // The buffer entry point agrees.
                    #expect(pattern.withUnsafeBufferPointer { sa.range(of: $0) } == range)
                }
            }
        }
    }

    @Test func matchesNeverCrossSeparators() {
        let text: [UInt32] = [1, 2, 3, 0, 4, 5, 0, 3, 4, 0]
        withPackedSuffixArray(text) { sa in
            #expect(sa.count(of: [3, 4]) == 1)      // only inside the third document
            #expect(sa.count(of: [2, 3, 4]) == 0)   // would need to jump the first separator
            #expect(sa.count(of: [5, 3]) == 0)
            #expect(sa.count(of: [3, 0]) == 0)      // a separator in the query never matches
            #expect(sa.count(of: [3]) == 2)
            #expect(sa.positions(in: sa.range(of: [4]), limit: 10).sorted() == [4, 8])
            #expect(sa.matchingStatistics(of: [1, 2, 3, 4, 5]).map(\.length) == [3, 2, 2, 2, 1])
        }
    }

    @Test func narrowAgreesWithSearchingTheLongerPattern() {
        let alphabetSize: UInt32 = 5
        let text = sampleCorpus(tokenCount: 1200, alphabetSize: alphabetSize, seed: 7)
        withPackedSuffixArray(text) { sa in
            var prefixes: [[UInt32]] = [[]]
            prefixes += samplePatterns(for: text, alphabetSize: alphabetSize, count: 80, seed: 8)
                .filter { !$0.isEmpty && sa.count(of: $0) > 0 }
            for prefix in prefixes {
                let range = sa.range(of: prefix)
                for next in Array(0...alphabetSize) + [SuffixArray.absentToken] {
                    let narrowed = sa.narrow(range, depth: prefix.count, next: next)
                    let expected = sa.range(of: prefix + [next])
                    #expect(narrowed.count == expected.count, "prefix \(prefix) next \(next)")
                    if !expected.isEmpty { #expect(narrowed == expected, "prefix \(prefix) next \(next)") }
                }
            }
            #expect(sa.narrow(0..<0, depth: 0, next: 1).isEmpty)
        }
    }

    @Test func positionsFollowSuffixArrayOrderUpToTheLimit() {
        let text = sampleCorpus(tokenCount: 500, alphabetSize: 4, seed: 9)
        let order = SAIS.suffixArray(of: text, alphabetSize: 4).map { Int($0) }
        withPackedSuffixArray(text) { sa in
            let range = sa.range(of: [1])
            #expect(range.count > 3)
            #expect(sa.positions(in: range, limit: .max) == Array(order[range]))
            #expect(sa.positions(in: range, limit: 3) == Array(order[range].prefix(3)))
            #expect(sa.positions(in: range, limit: 0) == [])
            #expect(sa.positions(in: 0..<text.count, limit: .max) == order)
        }
    }

    @Test func matchingStatisticsMatchBruteForce() {
        for (seed, alphabetSize) in [(UInt64(11), UInt32(3)), (12, 8), (13, 50)] {
            let text = sampleCorpus(tokenCount: 1000, alphabetSize: alphabetSize, seed: seed)
            var rng = SeededRandom(seed: seed &+ 100)
            withPackedSuffixArray(text) { sa in
                for _ in 0..<6 {
                    // Queries: runs copied from the text, glued to random tokens, zeros and unknown words.
                    var query: [UInt32] = []
                    while query.count < 60 {
                        switch Int.random(in: 0..<5, using: &rng) {
                        case 0, 1:
                            let start = Int.random(in: 0..<text.count, using: &rng)
                            query += text[start..<min(text.count, start + Int.random(in: 1...20, using: &rng))]
                                .filter { $0 != 0 }
                        case 2: query.append(UInt32.random(in: 1..<alphabetSize, using: &rng))
                        // Unknown to the vocabulary, or a token id the text never uses.
                        case 3: query.append(Bool.random(using: &rng) ? SuffixArray.absentToken : alphabetSize)
                        default: query.append(0)
                        }
                    }
                    checkMatchingStatistics(sa, text: text, query: query)
                }
                checkMatchingStatistics(sa, text: text, query: [])
                checkMatchingStatistics(sa, text: text, query: Array(text.prefix(80)).filter { $0 != 0 })
            }
        }
    }

    func checkMatchingStatistics(_ sa: SuffixArray, text: [UInt32], query: [UInt32],
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        let statistics = sa.matchingStatistics(of: query)
        #expect(statistics.count == query.count, sourceLocation: sourceLocation)
        // The lengths-only variant (witness extension + one lower-bound search) against the same brute force.
        let lengths = sa.matchingLengths(of: query)
        #expect(lengths == query.indices.map { bruteLongestMatch(query, at: $0, in: text) }, "lengths of \(query)", sourceLocation: sourceLocation)
        // And through search guides of every shape, from one key a row to keys far apart and deeper than most matches.
        let alphabet = Int(text.max() ?? 0) + 1
        for (spacing, depth) in [(1, 1), (2, 3), (3, 2), (7, 1), (32, 3), (1000, 4)] {
            guard let guide = SuffixArrayGuide(sa, alphabet: alphabet, spacing: spacing, depth: depth) else {
                Issue.record("no guide for \(text.count) tokens", sourceLocation: sourceLocation)
                continue
            }
            #expect(sa.matchingLengths(of: query, guide: guide) == lengths, "guided (\(spacing), \(depth)) lengths of \(query)", sourceLocation: sourceLocation)
        }
        for (start, statistic) in statistics.enumerated() {
            let expected = bruteLongestMatch(query, at: start, in: text)
            #expect(statistic.length == expected, "query \(query) at \(start)", sourceLocation: sourceLocation)
            let expectedRange = expected == 0 ? 0..<sa.count : sa.range(of: Array(query[start..<(start + expected)]))
            #expect(statistic.range == expectedRange, "query \(query) at \(start)", sourceLocation: sourceLocation)
        }
    }

    @Test func realTextQueries() {
        let (tokens, alphabetSize) = SuffixArrayFixtures.realTextTokens(maxTokens: 2500)
        withPackedSuffixArray(tokens) { sa in
            var rng = SeededRandom(seed: 21)
            for _ in 0..<8 {
                // A passage of the text with one word replaced by an unknown one.
                let start = Int.random(in: 0..<(tokens.count - 40), using: &rng)
                var query = Array(tokens[start..<(start + 40)]).filter { $0 != 0 }
                query[Int.random(in: 0..<query.count, using: &rng)] = SuffixArray.absentToken
                checkMatchingStatistics(sa, text: tokens, query: query)
                // Edited with known words: long matches that end where a search fails (the binary search over
                // the starts that follow).
                var edited = Array(tokens[start..<(start + 40)]).filter { $0 != 0 }
                for k in stride(from: Int.random(in: 3..<9, using: &rng), to: edited.count, by: 11) {
                    edited[k] = UInt32.random(in: 1..<UInt32(alphabetSize), using: &rng)
                }
                checkMatchingStatistics(sa, text: tokens, query: edited)
                let piece = Array(tokens[start..<(start + 5)])
                #expect(sa.count(of: piece) == bruteOccurrences(of: piece, in: tokens).count)
            }
            #expect(sa.count(of: [UInt32(alphabetSize)]) == 0)
        }
    }

    @Test func emptyAndTinyTexts() {
        withPackedSuffixArray([]) { sa in
            #expect(sa.count == 0)
            #expect(sa.range(of: [1]).isEmpty)
            #expect(sa.range(of: []) == 0..<0)
            #expect(sa.matchingStatistics(of: [1, 2]) == [
                MatchingStatistic(length: 0, range: 0..<0), MatchingStatistic(length: 0, range: 0..<0),
            ])
            #expect(sa.positions(in: 0..<0, limit: 5).isEmpty)
        }
        withPackedSuffixArray([7]) { sa in
            #expect(sa.range(of: [7]) == 0..<1)
            #expect(sa.count(of: [7, 7]) == 0)
            #expect(sa.matchingStatistics(of: [7, 7]).map(\.length) == [1, 1])
        }
        withPackedSuffixArray([0, 0, 0]) { sa in
            #expect(sa.count(of: [0]) == 0)
            #expect(sa.matchingStatistics(of: [1]).map(\.length) == [0])
        }
    }
}

@Suite struct SuffixArrayGuideTests {
    /// Every guided search finds the row the unguided one finds, for present, absent and unknown patterns, on
    /// texts with few symbols (long ties past the keys' depth) and many.
    @Test func guidedFirstRowIsTheUnguidedOne() {
        for (seed, alphabetSize) in [(UInt64(31), UInt32(2)), (32, 4), (33, 30), (34, 400)] {
            let text = sampleCorpus(tokenCount: 3000, alphabetSize: alphabetSize, seed: seed)
            let allPatterns = samplePatterns(for: text, alphabetSize: alphabetSize, count: 400, seed: seed &+ 7)
            let patterns = allPatterns.filter { !$0.isEmpty && !$0.contains(0) }
            withPackedSuffixArray(text) { sa in
                for (spacing, depth) in [(1, 1), (1, 4), (2, 2), (5, 3), (16, 1), (64, 3), (5000, 2)] {
                    guard let guide = SuffixArrayGuide(sa, alphabet: Int(alphabetSize), spacing: spacing, depth: depth) else {
                        Issue.record("no guide (seed \(seed))")
                        continue
                    }
                    // Ranges: the same rows for every pattern, those with 0 or absentToken and the empty one included.
                    for pattern in allPatterns {
                        let expected = sa.range(of: pattern), guided = sa.range(of: pattern, guide: guide)
                        #expect(guided.count == expected.count, "range of \(pattern), spacing \(spacing), depth \(depth)")
                        if !expected.isEmpty { #expect(guided == expected, "range of \(pattern)") }
                    }
                    for pattern in patterns {
                        pattern.withUnsafeBufferPointer { p in
                            let expected = sa.firstRow(startingWith: p)
                            #expect(sa.bound(of: p, guide: guide, after: false).map { $0.matched == p.count ? $0.row : nil } ?? nil == expected,
                                    "\(pattern), spacing \(spacing), depth \(depth)")
                            // Any row: one that starts with the pattern, exactly when some row does.
                            let any = sa.anyRow(startingWith: p, guide: guide)
                            #expect((any == nil) == (expected == nil), "\(pattern), spacing \(spacing), depth \(depth)")
                            if let any { #expect(sa.compare(row: any, with: p, from: 0).order == 0, "\(pattern)") }
                            if let row = expected {
                                // The first row that starts with the pattern, by the oracle of occurrences.
                                #expect(sa.range(of: pattern).lowerBound == row)
                                #expect(bruteOccurrences(of: pattern, in: text).contains(Int(sa.suffixes[row])))
                            } else {
                                #expect(bruteOccurrences(of: pattern, in: text).isEmpty, "\(pattern)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first token's rows come from the token counts: they are the ranges the binary search finds.
    @Test func firstRowsAreTheTokensRanges() {
        let text = sampleCorpus(tokenCount: 2000, alphabetSize: 20, seed: 41)
        withPackedSuffixArray(text) { sa in
            guard let guide = SuffixArrayGuide(sa, alphabet: 20) else { Issue.record("no guide"); return }
            #expect(guide.firstRows.count == 21)
            #expect(guide.firstRows[20] == sa.count)
            for token in UInt32(1)..<20 {
                #expect(guide.firstRows[Int(token)]..<guide.firstRows[Int(token) + 1] == sa.range(of: [token]), "token \(token)")
            }
            #expect(guide.byteCount > 0)
        }
    }

    /// Arrays that cannot be guided (a token past the alphabet, a position past the text: a damaged file) give
    /// no guide, rather than a guide that reads out of range; the empty array gives an empty one.
    @Test func damagedArraysGetNoGuide() {
        let text: [UInt32] = [3, 1, 2, 0, 2, 1, 0]
        withPackedSuffixArray(text) { sa in
            #expect(SuffixArrayGuide(sa, alphabet: 4) != nil)
            #expect(SuffixArrayGuide(sa, alphabet: 3) == nil)   // token 3 is past an alphabet of 3
            #expect(SuffixArrayGuide(sa, alphabet: 0) == nil)
            // The suffix array's first entry replaced by a position past the text.
            var values = (0..<sa.count).map { Int(sa.suffixes[$0]) }
            values[0] = 7
            let damaged = SuffixArray(tokens: sa.tokens, suffixes: PackedIntArray(packing: values, bitWidth: 4))
            #expect(SuffixArrayGuide(damaged, alphabet: 4, spacing: 2) == nil)
            #expect(damaged.matchingLengths(of: [1, 2]).count == 2)
        }
        withPackedSuffixArray([]) { sa in
            guard let guide = SuffixArrayGuide(sa, alphabet: 1) else { Issue.record("no guide for an empty array"); return }
            #expect(sa.matchingLengths(of: [1, 2], guide: guide) == [0, 0])
        }
    }
}
