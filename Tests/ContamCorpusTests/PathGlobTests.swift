import Foundation
import Glibc
import Testing
@testable import ContamCorpus
import ContamTestSupport

@Suite struct PathGlobTests {
    @Test func namesAndPaths() throws {
        let cases: [(String, String, Bool)] = [
            ("*.py", "a.py", true), ("*.py", "src/pkg/a.py", true), ("*.py", "a.pyc", false),
            ("src/*.py", "src/a.py", true), ("src/*.py", "src/x/a.py", false), ("src/**/*.py", "src/a.py", true),
            ("src/**/*.py", "src/x/y/a.py", true), ("**/*.py", "a.py", true), ("**/test_*.py", "t/test_a.py", true),
            ("docs/**", "docs/a/b.md", true), ("docs/**", "doc/a.md", false), ("/top.txt", "top.txt", true),
            ("/top.txt", "x/top.txt", false), ("./top.txt", "top.txt", true), ("__pycache__", "a/__pycache__", true),
            ("[ab].txt", "b.txt", true), ("[!ab].txt", "b.txt", false), ("[a-c]?.md", "cx.md", true),
            ("\\*.txt", "*.txt", true), ("\\*.txt", "a.txt", false), ("a?c", "a/c", false), ("*", "anything", true),
            ("Ünï*", "Ünïcode.txt", true),
        ]
        for (pattern, path, expected) in cases {
            #expect(try PathGlob(pattern).matches(relativePath: path) == expected, "\(pattern) vs \(path)")
        }
    }

    @Test func invalidPatternsNameThePattern() {
        for (pattern, words) in [("", "empty"), ("[ab", "never closed"), ("a\\", "lone"), ("[z-a]", "backwards")] {
            #expect {
                try PathGlob(pattern)
            } throws: { error in
                "\(error)".contains("'\(pattern)'") && "\(error)".contains(words)
            }
        }
    }

    /// glibc's fnmatch(3) with FNM_PATHNAME is the oracle for patterns without `**` on whole paths.
    @Test func agreesWithFnmatchOnGeneratedPatterns() throws {
        var random = SeededRandom(seed: 0x61_0b)
        let patternPieces = ["a", "b", "/", "*", "?", "[ab]", "[!a]", ".", "x"]
        let textPieces = ["a", "b", "/", ".", "x", "c"]
        var checked = 0
        for _ in 0..<10_000 {
            let pattern = (0..<Int.random(in: 1...5, using: &random)).map { _ in patternPieces.randomElement(using: &random)! }.joined()
            guard pattern.contains("/"), !pattern.contains("**"), !pattern.hasPrefix("/"), !pattern.hasPrefix("./") else { continue }
            let text = (0..<Int.random(in: 0...6, using: &random)).map { _ in textPieces.randomElement(using: &random)! }.joined()
            let glob = try PathGlob(pattern)
            let expected = fnmatch(pattern, text, FNM_PATHNAME) == 0
            #expect(glob.matches(relativePath: text) == expected, "\(pattern) vs \(text)")
            checked += 1
        }
        #expect(checked > 1000)
    }
}
