/// Edit distance between strings, counted in Unicode scalars, and the alignment behind it (for the coloured
/// diff of an answer against the truth). O(m·n) time; the distance alone keeps two rows of the table.
public enum Levenshtein {
    /// One step of an alignment of `answer` against `truth`.
    public enum Edit: Equatable, Sendable {
        /// Same character in both.
        case same(Character)
        /// The answer has `answer` where the truth has `truth`.
        case substitute(answer: Character, truth: Character)
        /// The answer has a character the truth lacks.
        case insert(Character)
        /// The truth has a character the answer lacks.
        case delete(Character)
    }

    /// The number of single-character insertions, deletions and substitutions turning `a` into `b`.
    public static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    /// Distance over arrays of any equatable element.
    public static func distance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// How many leading scalars of each string `normalizedDistance` compares exactly: the table is quadratic,
    /// and a row test must stay linear in the size of the rows (cells of 200 K characters exist).
    public static let comparedPrefix = 4096

    /// Distance divided by the longer length: 0 = identical, 1 = nothing in common (0 for two empty strings).
    /// Exact up to `comparedPrefix` scalars; beyond, the distance of the two prefixes plus the position-by-position
    /// mismatches of what follows (and its length difference). Edit distance is subadditive over concatenation and
    /// never above that count, so this bounds the true distance from above: a long row never looks closer to the
    /// truth than it is. Cost O(`comparedPrefix`² + length).
    public static func normalizedDistance(_ a: String, _ b: String) -> Double {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        let longer = max(x.count, y.count)
        guard longer > 0 else { return 0 }
        let px = x.prefix(comparedPrefix), py = y.prefix(comparedPrefix)
        let tailX = x[px.count...], tailY = y[py.count...]
        let mismatches = zip(tailX, tailY).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) } + abs(tailX.count - tailY.count)
        return Double(min(longer, distance(Array(px), Array(py)) + mismatches)) / Double(longer)
    }

    /// A minimal alignment of `answer` against `truth`, by characters, for display: of their first
    /// `displayLimit` characters each (the table holds both lengths' product), the rest of either left out.
    public static func alignment(answer: String, truth: String, displayLimit: Int = 2000) -> [Edit] {
        let a = Array(answer.prefix(displayLimit)), b = Array(truth.prefix(displayLimit))
        let columns = b.count + 1
        var table = [Int](repeating: 0, count: (a.count + 1) * columns)
        for j in 0...b.count { table[j] = j }
        if !a.isEmpty {
            for i in 1...a.count {
                table[i * columns] = i
                if b.isEmpty { continue }
                for j in 1...b.count {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    table[i * columns + j] = min(table[(i - 1) * columns + j] + 1, table[i * columns + j - 1] + 1, table[(i - 1) * columns + j - 1] + cost)
                }
            }
        }
        var edits = [Edit]()
        var i = a.count, j = b.count
        while i > 0 || j > 0 {
            if i > 0 && j > 0 && table[i * columns + j] == table[(i - 1) * columns + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1) {
                edits.append(a[i - 1] == b[j - 1] ? .same(a[i - 1]) : .substitute(answer: a[i - 1], truth: b[j - 1]))
                i -= 1; j -= 1
            } else if i > 0 && table[i * columns + j] == table[(i - 1) * columns + j] + 1 {
                edits.append(.insert(a[i - 1]))
                i -= 1
            } else {
                edits.append(.delete(b[j - 1]))
                j -= 1
            }
        }
        return edits.reversed()
    }

    /// Number of leading characters `answer` shares with `truth` (the header test's score).
    public static func commonPrefixLength(_ answer: String, _ truth: String) -> Int {
        var count = 0
        var x = answer.makeIterator(), y = truth.makeIterator()
        while let c = x.next(), let d = y.next(), c == d { count += 1 }
        return count
    }
}
