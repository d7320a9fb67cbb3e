/// A shell-style file name pattern for `--include` / `--exclude`, matched the way ripgrep's `-g` and
/// `.gitignore` read them:
///
/// - a pattern without `/` matches a file's (or directory's) own name, anywhere in the walk: `*.py`;
/// - a pattern with `/` matches the path relative to the directory given on the command line: `src/**/*.py`;
/// - `*` is any run of characters but `/`, `?` one character but `/`, `[abc]`, `[a-z]`, `[!a-z]` a class,
///   `**` any run including `/` (`a/**/b` also matches `a/b`), and `\` takes the next character literally.
///
/// Matching is O(pattern × path) (dynamic programming, no backtracking blow-up).
public struct PathGlob: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as the user wrote it.
    public let pattern: String
    /// True when the pattern names a path (it holds `/`) rather than a base name.
    public let matchesPath: Bool
    private let tokens: [Token]

    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case anyCharacter
        case star
        /// `**`: any run of characters, `/` included.
        case globstar
        /// `**/`: nothing, or any run ending in `/` (zero or more directories).
        case directories
        case characterClass(negated: Bool, ranges: [ClosedRange<Unicode.Scalar>])
    }

    /// Parses `pattern`; throws `CorpusError.invalidPattern` for an empty pattern, an unclosed `[` or a
    /// trailing `\`.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        var scalars = Array(pattern.unicodeScalars)
        // A leading `/` anchors at the walk's root, as in .gitignore; `./` says the same.
        if scalars.starts(with: ["."]), scalars.dropFirst().first == "/" { scalars.removeFirst(2) }
        let anchored = scalars.first == "/"
        if anchored { scalars.removeFirst() }
        guard !scalars.isEmpty else { throw CorpusError.invalidPattern(pattern: pattern, detail: "the pattern is empty") }
        matchesPath = anchored || scalars.contains("/")
        var tokens: [Token] = []
        var k = 0
        while k < scalars.count {
            let scalar = scalars[k]
            switch scalar {
            case "\\":
                guard k + 1 < scalars.count else { throw CorpusError.invalidPattern(pattern: pattern, detail: "it ends with a lone \\") }
                tokens.append(.literal(scalars[k + 1]))
                k += 2
            case "?":
                tokens.append(.anyCharacter)
                k += 1
            case "*":
                if k + 1 < scalars.count, scalars[k + 1] == "*" {
                    if k + 2 < scalars.count, scalars[k + 2] == "/" {
                        tokens.append(.directories)
                        k += 3
                    } else {
                        tokens.append(.globstar)
                        k += 2
                    }
                } else {
                    tokens.append(.star)
                    k += 1
                }
            case "[":
                var j = k + 1
                var negated = false
                if j < scalars.count, scalars[j] == "!" || scalars[j] == "^" { negated = true; j += 1 }
                var ranges: [ClosedRange<Unicode.Scalar>] = []
                var first = true
                while j < scalars.count, scalars[j] != "]" || first {
                    first = false
                    var low = scalars[j]
                    if low == "\\", j + 1 < scalars.count { j += 1; low = scalars[j] }
                    if j + 2 < scalars.count, scalars[j + 1] == "-", scalars[j + 2] != "]" {
                        let high = scalars[j + 2]
                        guard low <= high else { throw CorpusError.invalidPattern(pattern: pattern, detail: "the range \(low)-\(high) in [...] runs backwards") }
                        ranges.append(low...high)
                        j += 3
                    } else {
                        ranges.append(low...low)
                        j += 1
                    }
                }
                guard j < scalars.count else { throw CorpusError.invalidPattern(pattern: pattern, detail: "a [ is never closed by ]") }
                tokens.append(.characterClass(negated: negated, ranges: ranges))
                k = j + 1
            default:
                tokens.append(.literal(scalar))
                k += 1
            }
        }
        self.tokens = tokens
    }

    public var description: String { pattern }

    /// Whether the pattern matches a walked entry: `relativePath` from the walk's root, `/`-separated, without
    /// a leading `/`. Base-name patterns look at the last component only.
    public func matches(relativePath: String) -> Bool {
        if matchesPath { return matches(Array(relativePath.unicodeScalars)) }
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return matches(Array(name.unicodeScalars))
    }

    /// `reachable[p][s]`: tokens[p...] match text[s...]; filled from the end.
    func matches(_ text: [Unicode.Scalar]) -> Bool {
        let width = text.count + 1
        var next = [Bool](repeating: false, count: width)   // row p + 1
        next[text.count] = true                              // no tokens left matches the empty rest
        for p in stride(from: tokens.count - 1, through: 0, by: -1) {
            var row = [Bool](repeating: false, count: width)
            var slashAhead = false
            for s in stride(from: text.count, through: 0, by: -1) {
                let atEnd = s == text.count
                switch tokens[p] {
                case let .literal(scalar):
                    row[s] = !atEnd && text[s] == scalar && next[s + 1]
                case .anyCharacter:
                    row[s] = !atEnd && text[s] != "/" && next[s + 1]
                case .star:
                    // Match nothing, or one non-slash character and stay on this token.
                    row[s] = next[s] || (!atEnd && text[s] != "/" && row[s + 1])
                case .globstar:
                    row[s] = next[s] || (!atEnd && row[s + 1])
                case .directories:
                    // Nothing, or everything up to and including some slash at or after s.
                    if !atEnd && text[s] == "/" && next[s + 1] { slashAhead = true }
                    row[s] = next[s] || slashAhead
                case let .characterClass(negated, ranges):
                    guard !atEnd, text[s] != "/" else { row[s] = false; break }
                    let inClass = ranges.contains { $0.contains(text[s]) }
                    row[s] = inClass != negated && next[s + 1]
                }
            }
            next = row
        }
        return next[0]
    }
}
