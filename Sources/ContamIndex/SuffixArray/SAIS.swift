/// Suffix array construction by induced sorting: SA-IS (Nong, Zhang & Chan 2009, "Linear Suffix Array
/// Construction by Almost Pure Induced-Sorting"), laid out after Yuta Mori's sais-lite.
///
/// The text is any array of integers in `0..<alphabetSize`; it may contain every value many times (the
/// document separator 0 in particular) and need not end with a unique sentinel: the end of the text acts as a
/// virtual sentinel smaller than every symbol, so a suffix that is a proper prefix of another sorts first.
///
/// Memory: besides the text and the suffix array, only two bucket tables of `alphabetSize` elements at the top
/// level. The reduced problem of each recursion level (one name per LMS substring, at most n/2 of them) and its
/// suffix array live in the suffix-array buffer; their bucket tables use its free space when they fit, else one
/// table of (number of names) elements is allocated for that level. No type bitmap: as in sais-lite, the top bit
/// of a suffix-array slot marks a suffix whose predecessor must not be induced in the current pass, which is why
/// `text.count` must stay below 2^(T.bitWidth - 1) (UInt32 up to 2^31 - 1 tokens, UInt64 beyond).
///
/// Cost: O(n) time, sequential scans plus one random text read and one bucket write per suffix per pass.
/// Everything is `@inlinable` so each element type gets its own specialized copy in the caller's module
/// (an unspecialized generic runs about 100x slower).
public enum SAIS {
    /// Sorts the suffixes of `text` into `sa` (`sa[r]` = start of the suffix of rank `r`).
    /// - Parameters:
    ///   - text: symbols in `0..<alphabetSize`, `text.count < 2^(T.bitWidth - 1)`.
    ///   - alphabetSize: an upper bound on the symbols, at least 1; costs 2 * alphabetSize elements of T.
    ///   - sa: output, `sa.count == text.count`; must not overlap `text`.
    /// Preconditions (programming errors, checked): sizes as above and every symbol below `alphabetSize`.
    @inlinable
    public static func buildSuffixArray<T: FixedWidthInteger & UnsignedInteger>(
        text: UnsafeBufferPointer<T>, alphabetSize: Int, into sa: UnsafeMutableBufferPointer<T>
    ) {
        let n = text.count
        precondition(sa.count == n, "SAIS: the suffix array must have as many slots as the text has symbols")
        precondition(alphabetSize >= 1, "SAIS: the alphabet needs at least one symbol")
        precondition(UInt64(n) < UInt64(1) << UInt64(T.bitWidth - 1),
                     "SAIS: \(n) symbols do not fit \(T.self) suffix pointers with a mark bit; use a wider type")
        guard n > 0, let textBase = text.baseAddress, let saBase = sa.baseAddress else { return }
        let largest = largestSymbol(textBase, count: n)
        precondition(UInt64(largest) < UInt64(alphabetSize),
                     "SAIS: text symbol \(largest) is not below alphabetSize \(alphabetSize)")
        if n == 1 {
            saBase[0] = 0
            return
        }
        sortLevel(text: textBase, sa: saBase, freeSpace: 0, count: n, alphabetSize: alphabetSize, isTopLevel: true)
    }

    /// The suffix array of `text` (symbols in `0..<alphabetSize`, fewer than 2^31 of them), as a new array.
    /// Allocates the result (4 bytes per symbol) and 8 bytes per alphabet symbol of buckets.
    public static func suffixArray(of text: [UInt32], alphabetSize: Int) -> [UInt32] {
        var sa = [UInt32](repeating: 0, count: text.count)
        text.withUnsafeBufferPointer { textBuffer in
            sa.withUnsafeMutableBufferPointer { saBuffer in
                buildSuffixArray(text: textBuffer, alphabetSize: alphabetSize, into: saBuffer)
            }
        }
        return sa
    }

    // MARK: - Kernel
    //
    // Safety of every unchecked access below: `text` holds `n` symbols < `k`; `sa` holds `n + fs` slots (the
    // suffix array of this level followed by `fs` free slots); bucket tables hold `k` slots. Bucket pointers
    // stay inside their bucket by the induced-sorting invariants (each suffix is written once, into its own
    // bucket, and a bucket receives exactly as many suffixes as it has slots).

    @inlinable @inline(__always)
    static func symbol<T: FixedWidthInteger & UnsignedInteger>(_ text: UnsafePointer<T>, _ i: Int) -> Int {
        Int(truncatingIfNeeded: text[i])
    }

    /// True for a slot holding a suffix start > 0 without the mark bit (C's `0 < j` on signed slots).
    @inlinable @inline(__always)
    static func isPositive<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> Bool {
        value &- 1 < (T(1) << (T.bitWidth - 1)) &- 1
    }

    @inlinable @inline(__always)
    static func isMarked<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> Bool {
        value >> (T.bitWidth - 1) != 0
    }

    @inlinable
    static func largestSymbol<T: FixedWidthInteger & UnsignedInteger>(_ text: UnsafePointer<T>, count n: Int) -> T {
        var largest: T = 0
        var i = 0
        while i < n {
            largest = max(largest, text[i])
            i &+= 1
        }
        return largest
    }

    /// C[c] = number of occurrences of c.
    @inlinable
    static func countSymbols<T: FixedWidthInteger & UnsignedInteger>(
        _ text: UnsafePointer<T>, count n: Int, into counts: UnsafeMutablePointer<T>, alphabetSize k: Int
    ) {
        counts.update(repeating: 0, count: k)
        var i = 0
        while i < n {
            counts[symbol(text, i)] &+= 1
            i &+= 1
        }
    }

    /// B[c] = first slot of bucket c (`ends == false`) or one past its last slot (`ends == true`).
    @inlinable
    static func computeBuckets<T: FixedWidthInteger & UnsignedInteger>(
        counts: UnsafePointer<T>, into buckets: UnsafeMutablePointer<T>, alphabetSize k: Int, ends: Bool
    ) {
        var sum: T = 0
        var c = 0
        if ends {
            while c < k {
                sum &+= counts[c]
                buckets[c] = sum
                c &+= 1
            }
        } else {
            while c < k {
                let count = counts[c]
                buckets[c] = sum
                sum &+= count
                c &+= 1
            }
        }
    }

    /// Bucket tables of one recursion level: where they live and whether the counts survive `computeBuckets`.
    @usableFromInline
    struct Buckets<T: FixedWidthInteger & UnsignedInteger> {
        @usableFromInline var counts: UnsafeMutablePointer<T>
        @usableFromInline var bounds: UnsafeMutablePointer<T>
        /// counts == bounds: recount before every use.
        @usableFromInline var shared: Bool
        /// Allocated (else carved out of the free space of the suffix-array buffer).
        @usableFromInline var owned: Bool

        @inlinable
        init(sa: UnsafeMutablePointer<T>, count n: Int, freeSpace fs: Int, alphabetSize k: Int, isTopLevel: Bool) {
            if 2 * k <= fs {
                counts = sa + (n + fs - k)
                bounds = counts - k
                shared = false
                owned = false
            } else if isTopLevel {
                // O(alphabet) is the budget at the top level: keep both tables.
                counts = .allocate(capacity: k)
                bounds = .allocate(capacity: k)
                shared = false
                owned = true
            } else if k <= fs {
                counts = sa + (n + fs - k)
                bounds = counts
                shared = true
                owned = false
            } else {
                counts = .allocate(capacity: k)
                bounds = counts
                shared = true
                owned = true
            }
        }

        @inlinable
        func release() {
            guard owned else { return }
            counts.deallocate()
            if !shared { bounds.deallocate() }
        }

        /// Fills `bounds` with bucket starts or ends, recounting first when the counts are not kept.
        @inlinable
        func prepare(text: UnsafePointer<T>, count n: Int, alphabetSize k: Int, ends: Bool, recount: Bool) {
            if shared || recount { SAIS.countSymbols(text, count: n, into: counts, alphabetSize: k) }
            SAIS.computeBuckets(counts: counts, into: bounds, alphabetSize: k, ends: ends)
        }
    }

    /// Calls `body` with every LMS position (an S-type position preceded by an L-type one) and its symbol, from
    /// right to left. Position n - 1 is L-type: the virtual sentinel after it is smaller. One sequential scan.
    @inlinable @inline(__always)
    static func forEachLMSPositionFromRight<T: FixedWidthInteger & UnsignedInteger>(
        _ text: UnsafePointer<T>, count n: Int, _ body: (_ position: Int, _ symbol: Int) -> Void
    ) {
        var i = n &- 2
        var c1 = symbol(text, n &- 1)
        var c0 = c1
        // Skip the trailing L run (non-increasing, as seen from the left).
        while i >= 0 {
            c0 = symbol(text, i)
            if c0 < c1 { break }
            c1 = c0
            i &-= 1
        }
        while i >= 0 {
            // i is S-type: skip the S run.
            c1 = c0
            i &-= 1
            while i >= 0 {
                c0 = symbol(text, i)
                if c0 > c1 { break }
                c1 = c0
                i &-= 1
            }
            guard i >= 0 else { break }
            // i is L-type, i + 1 is LMS. Skip the L run.
            body(i &+ 1, c1)
            c1 = c0
            i &-= 1
            while i >= 0 {
                c0 = symbol(text, i)
                if c0 < c1 { break }
                c1 = c0
                i &-= 1
            }
        }
    }

    /// Sorts the suffixes of `text[0..<n]` into `sa[0..<n]`; `sa[n..<n + fs]` is free working space.
    @inlinable
    static func sortLevel<T: FixedWidthInteger & UnsignedInteger>(
        text: UnsafePointer<T>, sa: UnsafeMutablePointer<T>, freeSpace fs: Int, count n: Int, alphabetSize k: Int,
        isTopLevel: Bool
    ) {
        var buckets = Buckets(sa: sa, count: n, freeSpace: fs, alphabetSize: k, isTopLevel: isTopLevel)

        // Stage 1: put the LMS suffixes at their bucket ends (all but the leftmost one, stored as position - 1,
        // see sortLMSSubstrings) and sort the LMS substrings by induction.
        buckets.prepare(text: text, count: n, alphabetSize: k, ends: true, recount: true)
        sa.update(repeating: 0, count: n)
        var m = 0
        var pendingSlot = -1
        var pendingValue = 0
        forEachLMSPositionFromRight(text, count: n) { position, c in
            // The slot is written one LMS later, so that the leftmost one is never written.
            if pendingSlot >= 0 { sa[pendingSlot] = T(truncatingIfNeeded: pendingValue) }
            let slot = Int(truncatingIfNeeded: buckets.bounds[c]) &- 1
            buckets.bounds[c] = T(truncatingIfNeeded: slot)
            pendingSlot = slot
            pendingValue = position &- 1
            m &+= 1
        }

        var nameCount = 0
        if m > 1 {
            sortLMSSubstrings(text: text, sa: sa, count: n, alphabetSize: k, buckets: buckets)
            nameCount = nameLMSSubstrings(text: text, sa: sa, count: n, lmsCount: m)
        } else if m == 1 {
            sa[pendingSlot] = T(truncatingIfNeeded: pendingValue &+ 1)
            nameCount = 1
        }

        // Stage 2: if two LMS substrings are equal, sort the reduced string of their names recursively.
        // Its suffix array goes to sa[0..<m], the reduced string to the last m slots, free space in between.
        var countsAreStale = false
        if nameCount < m {
            let newFreeSpace = n &+ fs &- 2 &* m
            let reduced = sa + (m &+ newFreeSpace)
            do {
                // Names sit at sa[m + p / 2] for each LMS position p (1-based, 0 = no LMS there), in text order.
                var i = m &+ (n >> 1) &- 1
                var j = m &- 1
                while i >= m {
                    let name = sa[i]
                    if name != 0 {
                        reduced[j] = name &- 1
                        j &-= 1
                    }
                    i &-= 1
                }
            }
            // A level-sized allocation is given back during the recursion, as sais-lite does.
            let reallocate = buckets.owned && buckets.shared
            if reallocate { buckets.release() }
            sortLevel(text: UnsafePointer(reduced), sa: sa, freeSpace: newFreeSpace, count: m,
                      alphabetSize: nameCount, isTopLevel: false)
            // Map ranks of the reduced string back to LMS positions, listed left to right in `reduced`.
            do {
                var j = m &- 1
                forEachLMSPositionFromRight(text, count: n) { position, _ in
                    reduced[j] = T(truncatingIfNeeded: position)
                    j &-= 1
                }
                var r = 0
                while r < m {
                    sa[r] = reduced[Int(truncatingIfNeeded: sa[r])]
                    r &+= 1
                }
            }
            if reallocate {
                buckets = Buckets(sa: sa, count: n, freeSpace: fs, alphabetSize: k, isTopLevel: isTopLevel)
            }
            // Tables in the free space were overwritten by the recursion.
            countsAreStale = !buckets.owned
        }

        // Stage 3: put the sorted LMS suffixes at their bucket ends and induce all suffixes from them.
        if m > 1 {
            buckets.prepare(text: text, count: n, alphabetSize: k, ends: true, recount: countsAreStale)
            countsAreStale = false
            var i = m &- 1
            var j = n
            var p = Int(truncatingIfNeeded: sa[m &- 1])
            var c1 = symbol(text, p)
            repeat {
                let c0 = c1
                let bucketEnd = Int(truncatingIfNeeded: buckets.bounds[c0])
                while bucketEnd < j {
                    j &-= 1
                    sa[j] = 0
                }
                repeat {
                    j &-= 1
                    sa[j] = T(truncatingIfNeeded: p)
                    i &-= 1
                    if i < 0 { break }
                    p = Int(truncatingIfNeeded: sa[i])
                    c1 = symbol(text, p)
                } while c1 == c0
            } while i >= 0
            while j > 0 {
                j &-= 1
                sa[j] = 0
            }
        }
        induceSuffixes(text: text, sa: sa, count: n, alphabetSize: k, buckets: buckets, recount: countsAreStale)
        buckets.release()
    }

    /// Sorts the LMS substrings by induction (sais-lite's LMSsort1). On entry the LMS suffixes but the leftmost
    /// sit at their bucket ends, each stored as (position - 1) so that slot value j means "suffix j + 1, whose
    /// preceding symbol is text[j]"; the leftmost one is left out because only the L-type suffixes to its left
    /// would be induced from it, and no LMS substring needs them. On exit the LMS suffixes, marked, are the only
    /// non-zero slots, in the order of their LMS substrings.
    @inlinable
    static func sortLMSSubstrings<T: FixedWidthInteger & UnsignedInteger>(
        text: UnsafePointer<T>, sa: UnsafeMutablePointer<T>, count n: Int, alphabetSize k: Int, buckets: Buckets<T>
    ) {
        let bounds = buckets.bounds
        // L-type suffixes, left to right, from bucket starts.
        buckets.prepare(text: text, count: n, alphabetSize: k, ends: false, recount: false)
        var j = n &- 1
        var c1 = symbol(text, j)
        var b = Int(truncatingIfNeeded: bounds[c1])
        j &-= 1
        sa[b] = symbol(text, j) < c1 ? ~T(truncatingIfNeeded: j) : T(truncatingIfNeeded: j)
        b &+= 1
        var i = 0
        var sink: T = 0
        var touched = 0
        while i < n {
            if i == touched {
                touched = min(n, i &+ touchDistance)
                touchAhead(text: text, sa: sa, bounds: bounds, from: i, to: touched, step: 1,
                           symbolOffset: 0, sink: &sink)
            }
            let value = sa[i]
            if isPositive(value) {
                j = Int(truncatingIfNeeded: value)
                let c0 = symbol(text, j)
                if c0 != c1 {
                    bounds[c1] = T(truncatingIfNeeded: b)
                    c1 = c0
                    b = Int(truncatingIfNeeded: bounds[c1])
                }
                j &-= 1
                sa[b] = symbol(text, j) < c1 ? ~T(truncatingIfNeeded: j) : T(truncatingIfNeeded: j)
                b &+= 1
                sa[i] = 0
            } else if isMarked(value) {
                sa[i] = ~value
            }
            i &+= 1
        }
        // S-type suffixes, right to left, from bucket ends; LMS ones are stored marked, as their position.
        buckets.prepare(text: text, count: n, alphabetSize: k, ends: true, recount: false)
        c1 = 0
        b = Int(truncatingIfNeeded: bounds[0])
        i = n &- 1
        touched = n &- 1
        while i >= 0 {
            if i == touched {
                touched = max(-1, i &- touchDistance)
                touchAhead(text: text, sa: sa, bounds: bounds, from: i, to: touched, step: -1,
                           symbolOffset: 0, sink: &sink)
            }
            let value = sa[i]
            if isPositive(value) {
                j = Int(truncatingIfNeeded: value)
                let c0 = symbol(text, j)
                if c0 != c1 {
                    bounds[c1] = T(truncatingIfNeeded: b)
                    c1 = c0
                    b = Int(truncatingIfNeeded: bounds[c1])
                }
                j &-= 1
                b &-= 1
                sa[b] = symbol(text, j) > c1 ? ~T(truncatingIfNeeded: j &+ 1) : T(truncatingIfNeeded: j)
                sa[i] = 0
            }
            i &-= 1
        }
        keepAlive(UInt64(truncatingIfNeeded: sink))
    }

    /// Moves the sorted LMS positions to sa[0..<m] and names their substrings (sais-lite's LMSpostproc1):
    /// the name of the LMS substring at p, 1-based, goes to sa[m + p / 2] (LMS positions are at least 2 apart).
    /// Returns the number of distinct names.
    @inlinable
    static func nameLMSSubstrings<T: FixedWidthInteger & UnsignedInteger>(
        text: UnsafePointer<T>, sa: UnsafeMutablePointer<T>, count n: Int, lmsCount m: Int
    ) -> Int {
        // Compact; m <= n / 2, and the slots past m end up all zero.
        var i = 0
        while isMarked(sa[i]) {
            sa[i] = ~sa[i]
            i &+= 1
        }
        if i < m {
            var j = i
            i &+= 1
            while true {
                let value = sa[i]
                if isMarked(value) {
                    sa[j] = ~value
                    j &+= 1
                    sa[i] = 0
                    if j == m { break }
                }
                i &+= 1
            }
        }

        // Lengths of the LMS substrings (through the next LMS symbol; the last one runs to the end of the text).
        var end = n
        forEachLMSPositionFromRight(text, count: n) { position, _ in
            sa[m &+ (position >> 1)] = T(truncatingIfNeeded: end &- position)
            end = position &+ 1
        }

        // Name in sorted order: equal length and symbols means equal substrings (the types follow from the
        // symbols), except for the last substring, which ends at the virtual sentinel and is always new: it
        // sorts before any substring with the same symbols, so it is never the later one of an equal pair,
        // and as the earlier one (q) it is excluded by q + length == n.
        var nameCount = 0
        var q = n
        var qLength = 0
        var r = 0
        while r < m {
            let p = Int(truncatingIfNeeded: sa[r])
            let pLength = Int(truncatingIfNeeded: sa[m &+ (p >> 1)])
            var isNew = true
            if pLength == qLength && q &+ pLength < n {
                var d = 0
                while d < pLength && text[p &+ d] == text[q &+ d] { d &+= 1 }
                if d == pLength { isNew = false }
            }
            if isNew {
                nameCount &+= 1
                q = p
                qLength = pLength
            }
            sa[m &+ (p >> 1)] = T(truncatingIfNeeded: nameCount)
            r &+= 1
        }
        return nameCount
    }


    /// How many slots ahead an induction pass loads what it will need (see `touchAhead`).
    @inlinable static var touchDistance: Int { 64 }

    /// Loads the text symbol and the bucket bound that each slot in `from..<end` (or down to `end` when `step`
    /// is -1) will need, and folds them into `sink`. An induction pass is a chain of dependent cache misses
    /// (slot -> text -> bucket); touching a block of slots first lets those misses overlap. These are plain
    /// loads: Swift has no prefetch intrinsic, and the C shim that `BloomFilter` uses for one
    /// (`CShims/prefetch.h`) has not been measured here, so the touching loads stay until a measurement
    /// says otherwise. Measured on a 30 M-token shard: the recursion levels, whose alphabets are as large
    /// as their texts, ran 2x faster, the whole sort 15 % faster. Slots rewritten before they are processed
    /// only make a touch useless, never wrong.
    @inlinable @inline(__always)
    static func touchAhead<T: FixedWidthInteger & UnsignedInteger>(
        text: UnsafePointer<T>, sa: UnsafeMutablePointer<T>, bounds: UnsafeMutablePointer<T>, from: Int, to end: Int,
        step: Int, symbolOffset: Int, sink: inout T
    ) {
        var r = from
        while r != end {
            let value = sa[r]
            if isPositive(value) {
                let c = text[Int(truncatingIfNeeded: value) &- symbolOffset]
                sink ^= bounds[Int(truncatingIfNeeded: c)]
            }
            r &+= step
        }
    }

    /// Consumes the folded touches so the optimizer cannot drop the loads (not inlined, not optimized).
    @usableFromInline @_optimize(none)
    static func keepAlive(_ value: UInt64) {}

    /// Induces all suffixes from the sorted LMS suffixes placed at their bucket ends (sais-lite's induceSA).
    /// Slot values are plain positions; the mark bit flags a suffix whose predecessor must not be induced in the
    /// current pass. Every slot ends filled with its unmarked position.
    @inlinable
    static func induceSuffixes<T: FixedWidthInteger & UnsignedInteger>(
        text: UnsafePointer<T>, sa: UnsafeMutablePointer<T>, count n: Int, alphabetSize k: Int, buckets: Buckets<T>,
        recount: Bool
    ) {
        let bounds = buckets.bounds
        // L-type suffixes, left to right. The virtual sentinel induces suffix n - 1 first.
        buckets.prepare(text: text, count: n, alphabetSize: k, ends: false, recount: recount)
        var j = n &- 1
        var c1 = symbol(text, j)
        var b = Int(truncatingIfNeeded: bounds[c1])
        sa[b] = j > 0 && symbol(text, j &- 1) < c1 ? ~T(truncatingIfNeeded: j) : T(truncatingIfNeeded: j)
        b &+= 1
        var i = 0
        var sink: T = 0
        var touched = 0
        while i < n {
            if i == touched {
                touched = min(n, i &+ touchDistance)
                touchAhead(text: text, sa: sa, bounds: bounds, from: i, to: touched, step: 1,
                           symbolOffset: 1, sink: &sink)
            }
            let value = sa[i]
            sa[i] = ~value
            if isPositive(value) {
                j = Int(truncatingIfNeeded: value) &- 1
                let c0 = symbol(text, j)
                if c0 != c1 {
                    bounds[c1] = T(truncatingIfNeeded: b)
                    c1 = c0
                    b = Int(truncatingIfNeeded: bounds[c1])
                }
                sa[b] = j > 0 && symbol(text, j &- 1) < c1 ? ~T(truncatingIfNeeded: j) : T(truncatingIfNeeded: j)
                b &+= 1
            }
            i &+= 1
        }
        // S-type suffixes, right to left.
        buckets.prepare(text: text, count: n, alphabetSize: k, ends: true, recount: false)
        c1 = 0
        b = Int(truncatingIfNeeded: bounds[0])
        i = n &- 1
        touched = n &- 1
        while i >= 0 {
            if i == touched {
                touched = max(-1, i &- touchDistance)
                touchAhead(text: text, sa: sa, bounds: bounds, from: i, to: touched, step: -1,
                           symbolOffset: 1, sink: &sink)
            }
            let value = sa[i]
            if isPositive(value) {
                j = Int(truncatingIfNeeded: value) &- 1
                let c0 = symbol(text, j)
                if c0 != c1 {
                    bounds[c1] = T(truncatingIfNeeded: b)
                    c1 = c0
                    b = Int(truncatingIfNeeded: bounds[c1])
                }
                b &-= 1
                sa[b] = j == 0 || symbol(text, j &- 1) > c1 ? ~T(truncatingIfNeeded: j) : T(truncatingIfNeeded: j)
            } else {
                sa[i] = ~value
            }
            i &-= 1
        }
        keepAlive(UInt64(truncatingIfNeeded: sink))
    }
}

