import ContamStorage

/// The read side of a shard's suffix array: pattern search over the bit-packed token array and its suffix
/// array (both usually mmap'd), without copying either.
///
/// Token ids: 0 is the document separator (after every document), real tokens are >= 1. The suffix order is
/// plain lexicographic order on token ids with the end of the text smallest, as `SAIS` builds it. A match never
/// includes a separator: query tokens 0 and `absentToken` never match anything, and a 0 in the text ends every
/// match (it is smaller than every query token).
///
/// The caller guarantees the two arrays belong together (same count, suffix array built over these tokens),
/// which the index loader checks from the file headers and checksums.
///
/// A value that may outlive its shard: both arrays hold their mappings (`PackedIntArray.bytes`), so a copy
/// kept after the index is released still reads the files. Reads go through `PackedIntArray`'s subscript
/// (bounds asserted in debug builds); the searches below keep every position below `count`.
public struct SuffixArray: Sendable {
    /// Token ids, one per text position.
    public let tokens: PackedIntArray
    /// Suffix starts (token positions) in lexicographic order of their suffixes.
    public let suffixes: PackedIntArray

    /// Wraps the two packed arrays; costs nothing. Precondition: `tokens.count == suffixes.count`.
    public init(tokens: PackedIntArray, suffixes: PackedIntArray) {
        precondition(tokens.count == suffixes.count,
                     "SuffixArray: \(tokens.count) tokens but \(suffixes.count) suffixes")
        self.tokens = tokens
        self.suffixes = suffixes
    }

    /// A query token id that never matches (a word absent from the vocabulary).
    public static let absentToken: UInt32 = .max

    /// Number of suffixes (= number of tokens, separators included).
    public var count: Int { suffixes.count }

    /// Rows of the suffix array whose suffix starts with `pattern`; an empty range when there are none, or when
    /// the pattern contains 0 or `absentToken`. The empty pattern matches every row.
    /// Cost: two binary searches, O(m log n) token reads in the worst case and about O(m + log n) usually
    /// (each probe resumes after the prefix shared with both ends of the search interval); the second search
    /// only covers the rows the first one left undecided. About 3.6 µs for a 13-token pattern on a 30 M-token
    /// shard in RAM.
    public func range(of pattern: UnsafeBufferPointer<UInt32>) -> Range<Int> {
        let n = count
        for token in pattern where !Self.canMatch(token) { return 0..<0 }
        if pattern.isEmpty { return 0..<n }
        let m = pattern.count

        let bound = lowerBound(of: pattern)
        let first = bound.row
        guard first < n, bound.matched == m else { return first..<first }

        // Upper bound: first row whose suffix is greater (does not start with the pattern).
        var low = max(first, bound.lastMatching)
        var lowMatched = m
        var high = bound.greater
        var highMatched = bound.greaterMatched
        while high &- low > 1 {
            let middle = Int(bitPattern: UInt(bitPattern: low &+ high) >> 1)
            let (order, matched) = compare(row: middle, with: pattern, from: min(lowMatched, highMatched))
            if order <= 0 {
                low = middle
                lowMatched = matched
            } else {
                high = middle
                highMatched = matched
            }
        }
        return first..<high
    }

    /// Rows of the suffix array whose suffix starts with `pattern` (see `range(of:)` on a buffer).
    public func range(of pattern: [UInt32]) -> Range<Int> {
        pattern.withUnsafeBufferPointer { range(of: $0) }
    }

    /// All suffixes in `range` share the first `depth` tokens; returns the sub-range whose token at `depth` is
    /// `next` (empty when there is none, or when `next` is 0 or `absentToken`).
    /// Cost: two binary searches over `range`, one token read per probe: O(log range.count).
    public func narrow(_ range: Range<Int>, depth: Int, next: UInt32) -> Range<Int> {
        guard Self.canMatch(next), !range.isEmpty else { return range.lowerBound..<range.lowerBound }
        let key = Int64(next)
        // Within `range` the token at `depth` is non-decreasing (-1 where the suffix ends before it).
        // As in range(of:), the first search's probes bound the second one.
        var low = range.lowerBound &- 1
        var high = range.upperBound
        var lastMatching = -1
        var greater = range.upperBound
        var firstToken: Int64 = -1
        while high &- low > 1 {
            let middle = Int(bitPattern: UInt(bitPattern: low &+ high) >> 1)
            let probe = token(row: middle, depth: depth)
            if probe < key {
                low = middle
            } else {
                high = middle
                firstToken = probe
                if probe > key {
                    greater = middle
                } else if lastMatching < 0 {
                    lastMatching = middle
                }
            }
        }
        let first = high
        guard first < range.upperBound, firstToken == key else { return first..<first }
        low = max(first, lastMatching)
        high = greater
        while high &- low > 1 {
            let middle = Int(bitPattern: UInt(bitPattern: low &+ high) >> 1)
            if token(row: middle, depth: depth) <= key { low = middle } else { high = middle }
        }
        return first..<high
    }

    /// Number of occurrences of `pattern` in the text (0 if it contains 0 or `absentToken`).
    /// Cost: that of `range(of:)`.
    public func count(of pattern: [UInt32]) -> Int {
        range(of: pattern).count
    }

    /// The token positions (suffix-array values) of the first `limit` rows of `range`, in suffix-array order.
    /// Cost: O(min(limit, range.count)), one packed read each.
    public func positions(in range: Range<Int>, limit: Int) -> [Int] {
        let rows = range.clamped(to: 0..<count)
        let taken = min(max(limit, 0), rows.count)
        var result: [Int] = []
        result.reserveCapacity(taken)
        for row in rows.lowerBound..<(rows.lowerBound + taken) { result.append(Int(suffixes[row])) }
        return result
    }

    /// For every start i of `query`: the longest L such that `query[i..<i+L]` occurs in the text (never across a
    /// separator, never over a 0 or `absentToken` of the query), with the suffix-array range of that match.
    /// When L is 0 the range is every row (the empty pattern occurs everywhere).
    /// Cost: uses L[i+1] >= L[i] - 1. Each start begins from the range of `query[i..<i+L[i-1]-1]` found by
    /// `range(of:)` (O(L log n) token reads at worst), then extends one token at a time with `narrow`
    /// (O(log n) each); the extensions add up to at most m + sum of the drops, so O(m) narrows overall.
    /// Measured on a 30 M-token shard (18-bit tokens, 25-bit suffixes, in RAM): about 3.4 µs per query token
    /// for 200-token passages of the corpus with one token in 20 changed.
    public func matchingStatistics(of query: [UInt32]) -> [MatchingStatistic] {
        let m = query.count
        let everything = 0..<count
        var result: [MatchingStatistic] = []
        result.reserveCapacity(m)
        query.withUnsafeBufferPointer { query in
            var length = 0
            var current = everything
            for start in 0..<m {
                if length > 1 {
                    // query[start - 1..<start - 1 + length] occurs, so its suffix query[start..<start + length - 1]
                    // does too: find its range afresh (no suffix links on a plain suffix array).
                    length -= 1
                    current = range(of: UnsafeBufferPointer(rebasing: query[start..<(start + length)]))
                } else {
                    length = 0
                    current = everything
                }
                while start &+ length < m {
                    let narrowed = narrow(current, depth: length, next: query[start &+ length])
                    if narrowed.isEmpty { break }
                    current = narrowed
                    length &+= 1
                }
                result.append(MatchingStatistic(length: length, range: current))
            }
        }
        return result
    }

    // MARK: - Probes

    /// For every start i, only the length of the longest match of `query[i...]` (what `matchingStatistics`
    /// reports as `length`), computed with fewer binary searches: a match at i seen at text position p
    /// continues at p + 1 for i + 1, so each position first extends that witness token by token (sequential
    /// reads), then asks once whether one token more occurs anywhere (a single lower-bound search), and
    /// only searches again when it does. When that search fails at token e, the starts up to e are settled by a
    /// binary search for the first one whose match goes past e. A copied passage costs far fewer searches than
    /// the two to four per token of range-keeping matching statistics.
    @inline(__always)
    public func matchingLengths(of query: [UInt32]) -> [Int] {
        matchingLengths(of: query, search: { firstRow(startingWith: $0) })
    }

    /// `matchingLengths(of:)` with its searches through `guide` (which must be this array's): the same lengths,
    /// each search confined to its first token's rows, decided on the guide's keys down to a few rows, and ended
    /// at the first occurrence met (any occurrence is a witness).
    public func matchingLengths(of query: [UInt32], guide: SuffixArrayGuide) -> [Int] {
        matchingLengths(of: query, search: { anyRow(startingWith: $0, guide: guide) })
    }

    @inline(__always)
    private func matchingLengths(of query: [UInt32], search: (UnsafeBufferPointer<UInt32>) -> Int?) -> [Int] {
        var lengths = [Int](repeating: 0, count: query.count)
        guard count > 0 else { return lengths }
        query.withUnsafeBufferPointer { q in
            let m = q.count
            var witness = -1  // text position where q[i..<i+length] occurs (when length > 0)
            var length = 0
            var i = 0
            while i < m {
                if witness >= 0 { length = extend(witness: witness, query: q, start: i, length: length) }
                var end = -1  // set when q[i..<end] occurs and q[i...end] does not
                while i &+ length < m && Self.canMatch(q[i &+ length]) {
                    let pattern = UnsafeBufferPointer(rebasing: q[i..<(i &+ length &+ 1)])
                    guard let row = search(pattern) else { end = i &+ length; break }
                    witness = Int(suffixes[row])
                    length = extend(witness: witness, query: q, start: i, length: length &+ 1)
                }
                lengths[i] = length
                guard end > i else {
                    i &+= 1
                    if length > 1 { length -= 1; witness += 1 } else { length = 0; witness = -1 }
                    continue
                }
                // Every later start j <= end matches q[j..<end] (at witness + j - i), and its match goes past `end`
                // exactly when q[j...end] occurs, which holds for all j from some first one on (a suffix of an
                // occurring sequence occurs). So one binary search over j finds that first one, where matching
                // goes on, instead of one failed search per start (an edited passage had ~15 in a row).
                var absent = i, present = end &+ 1, presentRow = -1
                while present &- absent > 1 {
                    let j = Int(bitPattern: UInt(bitPattern: absent &+ present) >> 1)
                    if let row = search(UnsafeBufferPointer(rebasing: q[j...end])) {
                        present = j
                        presentRow = row
                    } else {
                        absent = j
                    }
                }
                for j in (i &+ 1)..<present { lengths[j] = end &- j }
                i = present
                if presentRow >= 0 {
                    witness = Int(suffixes[presentRow])
                    length = end &+ 1 &- present
                } else {
                    witness = -1
                    length = 0
                }
            }
        }
        return lengths
    }

    /// Grows a match of `query[start..<start+length]` at text position `witness` while the text goes on equal.
    @inline(__always)
    func extend(witness: Int, query: UnsafeBufferPointer<UInt32>, start: Int, length: Int) -> Int {
        var length = length
        // A separator (0) or an absent token never equals a query token, so a match never crosses documents.
        while start &+ length < query.count && witness &+ length < tokens.count
            && Self.canMatch(query[start &+ length]) && tokens[witness &+ length] == UInt64(query[start &+ length]) {
            length &+= 1
        }
        return length
    }

    /// The first row whose suffix starts with `pattern`, or nil when none does. One binary search.
    func firstRow(startingWith pattern: UnsafeBufferPointer<UInt32>) -> Int? {
        let bound = lowerBound(of: pattern)
        return bound.row < count && bound.matched == pattern.count ? bound.row : nil
    }

    /// The first row whose suffix is >= `pattern` (a suffix starting with the pattern counts as equal), with
    /// the length of its common prefix with the pattern. Probes on the way also bound a search for the upper
    /// end: the largest row seen that starts with the pattern, and the smallest row seen that is greater.
    /// Invariant: rows <= low are smaller, rows >= high are not; lowMatched / highMatched are the lengths of
    /// their common prefixes with the pattern (0 for the virtual rows -1 and count).
    @inline(__always)
    func lowerBound(of pattern: UnsafeBufferPointer<UInt32>) -> (row: Int, matched: Int, lastMatching: Int, greater: Int, greaterMatched: Int) {
        var low = -1
        var high = count
        var lowMatched = 0
        var highMatched = 0
        var lastMatching = -1
        var greater = count
        var greaterMatched = 0
        while high &- low > 1 {
            let middle = Int(bitPattern: UInt(bitPattern: low &+ high) >> 1)
            let (order, matched) = compare(row: middle, with: pattern, from: min(lowMatched, highMatched))
            if order < 0 {
                low = middle
                lowMatched = matched
            } else {
                high = middle
                highMatched = matched
                if order > 0 {
                    greater = middle
                    greaterMatched = matched
                } else if lastMatching < 0 {
                    lastMatching = middle
                }
            }
        }
        return (high, highMatched, lastMatching, greater, greaterMatched)
    }

    static func canMatch(_ token: UInt32) -> Bool {
        token != 0 && token != absentToken
    }

    /// The token at `depth` in the suffix of `row`, or -1 where that suffix has ended.
    @inline(__always)
    func token(row: Int, depth: Int) -> Int64 {
        let position = Int(suffixes[row]) &+ depth
        return position < tokens.count ? Int64(tokens[position]) : -1
    }

    /// Compares the suffix of `row` with `pattern`, skipping the first `offset` tokens (known equal).
    /// order < 0: the suffix is smaller; 0: it starts with the pattern; > 0: it is greater.
    /// `matched` is the length of their common prefix (at most the pattern's length).
    @inline(__always)
    func compare(row: Int, with pattern: UnsafeBufferPointer<UInt32>, from offset: Int) -> (order: Int, matched: Int) {
        let position = Int(suffixes[row])
        // Reads stay below tokens.count: `available` bounds d even for a corrupt position.
        let available = tokens.count &- position
        var d = offset
        while d < pattern.count {
            if d >= available { return (-1, d) }
            let textToken = tokens[position &+ d]
            let patternToken = UInt64(pattern[d])
            if textToken != patternToken { return (textToken < patternToken ? -1 : 1, d) }
            d &+= 1
        }
        return (0, d)
    }
}

/// The longest match of a query starting at one position: its length in tokens and the suffix-array rows of
/// its occurrences (all rows when `length` is 0).
public struct MatchingStatistic: Equatable, Sendable {
    /// Number of tokens matched.
    public var length: Int
    /// Rows of the suffix array whose suffix starts with the matched tokens.
    public var range: Range<Int>

    /// A statistic of `length` tokens occurring at the suffix-array rows `range`.
    public init(length: Int, range: Range<Int>) {
        self.length = length
        self.range = range
    }
}
