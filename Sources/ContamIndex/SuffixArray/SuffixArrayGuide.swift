import ContamStorage
import CShims

/// A small in-memory map of one shard's suffix array, so a search does not start from the whole array: `check`
/// runs about one search per item token and shard, and an unguided one costs some 25 probes, each a cache miss
/// in `sa.bin` and another in `tokens.bin`.
///
/// Built from the arrays at first use (nothing is stored in the index):
/// - the rows of each first token: the suffixes starting with token t are rows `firstRows[t] ..< firstRows[t+1]`,
///   the prefix sums of the token frequencies (one sequential pass over the token array), since rows are
///   ordered by their first token;
/// - keys: every `spacing`-th row's tokens at depths 1...`depth`, and every `spacing`-th key again in a small
///   array of its own (`topKeys`, which stays in the processor's cache). A search decides on the top keys, then
///   on at most `spacing` keys (a few cache lines, asked for at once), then on at most `spacing` rows, whose
///   tokens it also asks for at once: about three waits for memory instead of some fifty.
///
/// On the bench corpus's larger shard (20.6 M tokens): about 10 MB for spacing 32 and depth 3 (13.7 MB for both
/// shards, 31 M tokens).
public struct SuffixArrayGuide: Sendable {
    /// Row where the suffixes starting with each token begin; `firstRows[alphabet]` is the row count.
    let firstRows: [Int]
    /// Rows between two keys, and keys between two top keys.
    public let spacing: Int
    /// Tokens kept per key (depths 1...depth: depth 0 is the first token, known from `firstRows`).
    public let depth: Int
    /// Key j (row j * spacing): tokens `keys[j * depth ..< (j + 1) * depth]`; 0 where the suffix has ended,
    /// which orders like the separator it ends at (below every query token).
    let keys: [UInt32]
    /// Top key k is key k * spacing (row k * spacing * spacing), laid out as `keys`.
    let topKeys: [UInt32]

    /// Spacing and depth measured on the check benchmark (`contam-bench matching`, `Benchmarks/check-bench.py`).
    public static let defaultSpacing = 32
    public static let defaultDepth = 3

    /// Builds the guide of `array`, whose tokens are ids `0..<alphabet`. nil when a token or a position read
    /// is out of range, or when the first tokens' counts do not add up to the rows (arrays that do not belong
    /// together): the caller then searches unguided, which stays within the arrays whatever they hold.
    /// Cost: one sequential pass over the tokens, and count / spacing suffix reads with depth token reads each.
    public init?(_ array: SuffixArray, alphabet: Int, spacing: Int = defaultSpacing, depth: Int = defaultDepth) {
        precondition(spacing >= 1 && depth >= 1, "SuffixArrayGuide: spacing and depth are at least 1")
        let n = array.count
        guard alphabet >= 1, alphabet <= Int(UInt32.max) else { return nil }
        let tokens = array.tokens, suffixes = array.suffixes
        // Counted in 32 bits when every count fits (half the cache of Int counters), then summed into rows.
        let counts = n <= Int(UInt32.max) ? Self.tokenCounts(tokens, alphabet: alphabet, as: UInt32.self)
                                          : Self.tokenCounts(tokens, alphabet: alphabet, as: Int.self)
        guard let counts else { return nil }
        var rows = [Int](repeating: 0, count: alphabet + 1)
        for t in 0..<alphabet { rows[t + 1] = rows[t] &+ counts[t] }
        guard rows[alphabet] == n else { return nil }

        // Each key's tokens are one miss at a random place of the text: asked for a batch ahead, so the misses overlap.
        let keyCount = n == 0 ? 0 : (n - 1) / spacing + 1
        var keys = [UInt32](repeating: 0, count: keyCount * depth)
        let batch = 32
        var outOfRange = false
        var starts = [Int](repeating: 0, count: batch)
        keys.withUnsafeMutableBufferPointer { keys in
            var first = 0
            while first < keyCount && !outOfRange {
                let last = min(first + batch, keyCount)
                for j in first..<last {
                    let position = Int(truncatingIfNeeded: suffixes[j * spacing])
                    starts[j - first] = position
                    tokens.prefetch(position + 1)
                }
                for j in first..<last {
                    let position = starts[j - first]
                    if position < 0 || position >= n { outOfRange = true; break }
                    for d in 1...depth where position + d < n {
                        keys[j * depth + d - 1] = UInt32(truncatingIfNeeded: tokens[position + d])
                    }
                }
                first = last
            }
        }
        guard !outOfRange else { return nil }
        var topKeys: [UInt32] = []
        topKeys.reserveCapacity((keyCount / spacing + 1) * depth)
        for j in stride(from: 0, to: keyCount, by: spacing) { topKeys += keys[(j * depth)..<((j + 1) * depth)] }
        self.topKeys = topKeys
        self.firstRows = rows
        self.spacing = spacing
        self.depth = depth
        self.keys = keys
    }

    /// How often each token occurs, as Ints; nil when a token is `alphabet` or more.
    private static func tokenCounts<Counter: FixedWidthInteger>(_ tokens: PackedIntArray, alphabet: Int, as: Counter.Type) -> [Int]? {
        var counts = [Counter](repeating: 0, count: alphabet)
        let complete = counts.withUnsafeMutableBufferPointer { counts in
            for position in 0..<tokens.count {
                let token = Int(truncatingIfNeeded: tokens[position])
                guard token < alphabet else { return false }
                counts[token] &+= 1
            }
            return true
        }
        return complete ? counts.map { Int($0) } : nil
    }

    /// Bytes held (for the documentation's figures and tests).
    public var byteCount: Int { firstRows.count * MemoryLayout<Int>.stride + (keys.count + topKeys.count) * MemoryLayout<UInt32>.stride }
}

extension SuffixArray {
    /// A row whose suffix starts with `pattern`, or nil when none does, through `guide` (which must be this
    /// array's): the search is confined to the pattern's first token's rows and stops at the first key or row it
    /// meets that starts with the pattern (matching statistics only need a witness, not the first one).
    /// Precondition: `pattern` is not empty and holds no 0 (a key of 0 stands for both a separator and the end of
    /// a suffix, which a 0 in the pattern would tell apart); `absentToken` is fine (it never matches).
    @inline(__always)
    func anyRow(startingWith pattern: UnsafeBufferPointer<UInt32>, guide: SuffixArrayGuide) -> Int? {
        guard let (row, matched) = bound(of: pattern, guide: guide, after: false, anyMatch: true), matched == pattern.count else { return nil }
        return row
    }

    /// `range(of:)` through `guide` (which must be this array's): the same rows, from two guided searches.
    public func range(of pattern: [UInt32], guide: SuffixArrayGuide) -> Range<Int> {
        guard !pattern.isEmpty else { return 0..<count }
        guard !pattern.contains(where: { !Self.canMatch($0) }) else { return 0..<0 }
        return pattern.withUnsafeBufferPointer { p in
            guard let (first, matched) = bound(of: p, guide: guide, after: false), matched == p.count else { return 0..<0 }
            let end = bound(of: p, guide: guide, after: true)?.row ?? first
            return first..<max(first, end)
        }
    }

    /// Among the rows of pattern[0], the first whose suffix is >= `pattern` (a suffix starting with the pattern
    /// counts as equal), or with `after` the first that is greater and does not start with it; the row past the
    /// token's rows when there is none. `matched` is the row's common prefix with the pattern (0 for that
    /// row past them). nil when no suffix starts with pattern[0]. With `anyMatch` (not with `after`), the first
    /// row met that starts with the pattern instead of the first such row. Preconditions as `anyRow(startingWith:guide:)`.
    @inline(__always)
    func bound(of pattern: UnsafeBufferPointer<UInt32>, guide: SuffixArrayGuide, after: Bool, anyMatch: Bool = false) -> (row: Int, matched: Int)? {
        let m = pattern.count
        assert(m > 0 && !pattern.contains(0), "guided search: empty pattern or separator in it")
        let first = Int(truncatingIfNeeded: pattern[0])
        guard first >= 1, first < guide.firstRows.count - 1 else { return nil }
        // Rows strictly between `low` and `high` start with pattern[0]; both ends are outside the token's rows
        // until a probe replaces them, and `found` tells a real upper end apart.
        var low = guide.firstRows[first] &- 1
        var high = guide.firstRows[first &+ 1]
        guard high &- low > 1 else { return nil }
        if m == 1 { return after ? (high, 0) : (low &+ 1, 1) }
        var lowMatched = 1
        var highMatched = 1
        var found = false

        let spacing = guide.spacing
        let stopAtMatch = anyMatch && !after
        let topMatch = guide.topKeys.withUnsafeBufferPointer { topKeys in
            searchKeys(topKeys, rowsPerKey: spacing &* spacing, depth: guide.depth, pattern: pattern, after: after, stopAtMatch: stopAtMatch,
                       low: &low, high: &high, lowMatched: &lowMatched, highMatched: &highMatched, found: &found)
        }
        if topMatch { return (high, m) }
        let keyMatch = guide.keys.withUnsafeBufferPointer { keys in
            searchKeys(keys, rowsPerKey: spacing, depth: guide.depth, pattern: pattern, after: after, stopAtMatch: stopAtMatch, prefetch: true,
                       low: &low, high: &high, lowMatched: &lowMatched, highMatched: &highMatched, found: &found)
        }
        if keyMatch { return (high, m) }
        // The rows between the two keys left: each probe reads a row's suffix start, then a token at a random
        // place of the text; asking for all of those tokens first overlaps their misses (the starts share a
        // cache line or two), where the binary search alone waits for them one after another.
        if high &- low > 2 {
            let from = min(lowMatched, highMatched)
            for row in (low &+ 1)..<high { tokens.prefetch(Int(truncatingIfNeeded: suffixes[row]) &+ from) }
        }
        while high &- low > 1 {
            let middle = Int(bitPattern: UInt(bitPattern: low &+ high) >> 1)
            let (order, matched) = compare(row: middle, with: pattern, from: min(lowMatched, highMatched))
            if order == 0 && stopAtMatch { return (middle, m) }
            if order < 0 || (after && order == 0) {
                low = middle
                lowMatched = matched
            } else {
                high = middle
                highMatched = matched
                found = true
            }
        }
        return (high, found ? highMatched : 0)
    }

    /// Narrows `low` and `high` (as in `bound`) with the keys whose rows lie strictly between them: key j is row
    /// j * rowsPerKey, its tokens at depths 1...depth in `keys[j * depth ..< (j + 1) * depth]`. A key that agrees
    /// with the pattern on all its tokens is decided on its row. With `prefetch`, first asks for all the keys'
    /// cache lines (they are few: the top keys have left at most `spacing` of them). With `stopAtMatch`, returns
    /// true as soon as a key's row starts with the pattern (that row is then `high`); false otherwise.
    @inline(__always)
    func searchKeys(_ keys: UnsafeBufferPointer<UInt32>, rowsPerKey: Int, depth: Int, pattern: UnsafeBufferPointer<UInt32>, after: Bool, stopAtMatch: Bool,
                    prefetch: Bool = false, low: inout Int, high: inout Int, lowMatched: inout Int, highMatched: inout Int, found: inout Bool) -> Bool {
        let m = pattern.count
        let keyCount = keys.count / depth
        var keyLow = (low &+ rowsPerKey) / rowsPerKey                 // first key row > low
        var keyHigh = min((high &- 1) / rowsPerKey &+ 1, keyCount)    // one past the last key row < high
        if prefetch && keyHigh > keyLow, let base = keys.baseAddress {
            // 64-byte lines; UInt32 keys.
            for offset in stride(from: keyLow &* depth, to: keyHigh &* depth, by: 16) { contam_prefetch_for_read(base + offset) }
            contam_prefetch_for_read(base + (keyHigh &* depth &- 1))
        }
        let keyed = min(m, depth &+ 1)
        while keyLow < keyHigh {
            let middle = Int(bitPattern: UInt(bitPattern: keyLow &+ keyHigh) >> 1)
            let row = middle &* rowsPerKey
            var d = min(lowMatched, highMatched)
            var order = 0
            let base = middle &* depth &- 1
            while d < keyed {
                let key = keys[base &+ d], token = pattern[d]
                if key != token { order = key < token ? -1 : 1; break }
                d &+= 1
            }
            if order == 0 && d < m { (order, d) = compare(row: row, with: pattern, from: d) }
            if order < 0 || (after && order == 0) {
                low = row
                lowMatched = d
                keyLow = middle &+ 1
            } else {
                high = row
                highMatched = d
                found = true
                keyHigh = middle
                if order == 0 && stopAtMatch { return true }
            }
        }
        return false
    }
}
