import Foundation
import Testing
@testable import ContamStorage
@testable import ContamIndex
import ContamTestSupport

/// Oracles and inputs shared by the suffix-array suites.
enum SuffixArrayFixtures {
    /// The oracle: sort all suffix starts by plain lexicographic comparison, a proper prefix first
    /// (the end of the text is smaller than every symbol).
    static func naiveSuffixArray<T: FixedWidthInteger>(_ text: [T]) -> [Int] {
        Array(0..<text.count).sorted { a, b in
            var i = a
            var j = b
            while i < text.count && j < text.count {
                if text[i] != text[j] { return text[i] < text[j] }
                i += 1
                j += 1
            }
            return i == text.count && j < text.count
        }
    }

    /// SA-IS through the generic entry point with element type T.
    static func saisSuffixArray<T: FixedWidthInteger & UnsignedInteger>(_ text: [T], alphabetSize: Int) -> [Int] {
        var sa = [T](repeating: 0, count: text.count)
        text.withUnsafeBufferPointer { textBuffer in
            sa.withUnsafeMutableBufferPointer { saBuffer in
                SAIS.buildSuffixArray(text: textBuffer, alphabetSize: alphabetSize, into: saBuffer)
            }
        }
        return sa.map { Int($0) }
    }

    /// Word-level token ids of a few KB of a real text (GPL-3, or a fixed paragraph if it is missing), ids from 1 in
    /// first-seen order, with a separator 0 after every paragraph.
    static func realTextTokens(maxTokens: Int) -> (tokens: [UInt32], alphabetSize: Int) {
        let fallback = """
        The licenses for most software and other practical works are designed to take away your freedom to share \
        and change the works. By contrast, the GNU General Public License is intended to guarantee your freedom to \
        share and change all versions of a program--to make sure it remains free software for all its users.

        When we speak of free software, we are referring to freedom, not price. Our General Public Licenses are \
        designed to make sure that you have the freedom to distribute copies of free software (and charge for them \
        if you wish), that you receive source code or can get it if you want it, that you can change the software or \
        use pieces of it in new free programs, and that you know you can do these things.
        """
        let text = (try? String(contentsOfFile: "/usr/share/common-licenses/GPL-3", encoding: .utf8)) ?? fallback
        var ids: [Substring: UInt32] = [:]
        var tokens: [UInt32] = []
        for paragraph in text.components(separatedBy: "\n\n") {
            for word in paragraph.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
                let id = ids[word] ?? UInt32(ids.count + 1)
                ids[word] = id
                tokens.append(id)
            }
            tokens.append(0)
            if tokens.count >= maxTokens { break }
        }
        return (tokens, ids.count + 1)
    }

    static func fibonacciWord(length: Int) -> [UInt32] {
        var a: [UInt32] = [0]
        var b: [UInt32] = [0, 1]
        while b.count < length { (a, b) = (b, b + a) }
        return Array(b.prefix(length))
    }
}

@Suite struct SAISTests {
    func check<T: FixedWidthInteger & UnsignedInteger>(_ text: [T], alphabetSize: Int,
                                                        sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = SuffixArrayFixtures.naiveSuffixArray(text)
        let got = SuffixArrayFixtures.saisSuffixArray(text, alphabetSize: alphabetSize)
        #expect(got == expected, "text \(text.prefix(40))… (\(text.count) symbols)", sourceLocation: sourceLocation)
    }

    func checkBothWidths(_ text: [UInt32], alphabetSize: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = SuffixArrayFixtures.naiveSuffixArray(text)
        let narrow = SuffixArrayFixtures.saisSuffixArray(text, alphabetSize: alphabetSize)
        let wide = SuffixArrayFixtures.saisSuffixArray(text.map { UInt64($0) }, alphabetSize: alphabetSize)
        #expect(narrow == expected, "UInt32, text \(text.prefix(40))… (\(text.count) symbols)",
                sourceLocation: sourceLocation)
        #expect(wide == expected, "UInt64, text \(text.prefix(40))… (\(text.count) symbols)",
                sourceLocation: sourceLocation)
    }

    @Test func tinyTexts() {
        checkBothWidths([], alphabetSize: 1)
        checkBothWidths([0], alphabetSize: 1)
        checkBothWidths([5], alphabetSize: 6)
        for a in 0..<3 {
            for b in 0..<3 {
                checkBothWidths([UInt32(a), UInt32(b)], alphabetSize: 3)
                for c in 0..<3 { checkBothWidths([UInt32(a), UInt32(b), UInt32(c)], alphabetSize: 3) }
            }
        }
    }

    @Test func everyStringOverTwoSymbolsUpToLength10() {
        for length in 1...10 {
            for bits in 0..<(1 << length) {
                let text = (0..<length).map { UInt32((bits >> $0) & 1) }
                check(text, alphabetSize: 2)
            }
        }
    }

    @Test func randomTextsOfManySizesAndAlphabets() {
        var rng = SeededRandom(seed: 1)
        for alphabet in [1, 2, 3, 4, 7, 26, 256, 5000] {
            for length in [1, 2, 3, 5, 8, 13, 31, 64, 100, 257, 1000, 2000] {
                let text = (0..<length).map { _ in UInt32.random(in: 0..<UInt32(alphabet), using: &rng) }
                checkBothWidths(text, alphabetSize: alphabet)
            }
        }
        // Alphabet bound much larger than the symbols used.
        let sparse = (0..<500).map { _ in UInt32.random(in: 0..<4, using: &rng) * 100_000 }
        checkBothWidths(sparse, alphabetSize: 300_001)
    }

    @Test func repetitiveTexts() {
        for length in [2, 3, 10, 99, 400] {
            checkBothWidths([UInt32](repeating: 0, count: length), alphabetSize: 1)
            checkBothWidths([UInt32](repeating: 3, count: length), alphabetSize: 4)
            checkBothWidths((0..<length).map { UInt32($0 % 2) }, alphabetSize: 2)              // abab…
            checkBothWidths((0..<length).map { UInt32(1 - $0 % 2) }, alphabetSize: 2)          // baba…
            checkBothWidths((0..<length).map { UInt32($0 % 3) }, alphabetSize: 3)              // abcabc…
            checkBothWidths((0..<length).map { UInt32(2 - $0 % 3) }, alphabetSize: 3)          // cbacba…
            checkBothWidths((0..<length).map { UInt32($0 % 7 == 6 ? 1 : 0) }, alphabetSize: 2) // aaaaaab…
            checkBothWidths(SuffixArrayFixtures.fibonacciWord(length: length), alphabetSize: 2)
            checkBothWidths((0..<length).map { UInt32($0) }, alphabetSize: length)             // increasing
            checkBothWidths((0..<length).map { UInt32(length - 1 - $0) }, alphabetSize: length) // decreasing
        }
        // Nested repeats force several recursion levels.
        var text: [UInt32] = [1, 2]
        while text.count < 1200 { text = text + [0] + text + [2] + text }
        checkBothWidths(Array(text.prefix(1200)), alphabetSize: 3)
        checkBothWidths(SuffixArrayFixtures.fibonacciWord(length: 987), alphabetSize: 2)
    }

    @Test func documentsWithManySeparators() {
        var rng = SeededRandom(seed: 2)
        for _ in 0..<30 {
            var text: [UInt32] = []
            let phrase = (0..<Int.random(in: 1...6, using: &rng)).map { _ in UInt32.random(in: 1..<5, using: &rng) }
            while text.count < 800 {
                // Documents built from repeated phrases, some empty, each followed by a separator.
                for _ in 0..<Int.random(in: 0...4, using: &rng) {
                    if Bool.random(using: &rng) {
                        text += phrase
                    } else {
                        text.append(UInt32.random(in: 1..<5, using: &rng))
                    }
                }
                text.append(0)
            }
            checkBothWidths(text, alphabetSize: 5)
        }
        checkBothWidths([UInt32](repeating: 0, count: 17) + [1] + [UInt32](repeating: 0, count: 17), alphabetSize: 2)
    }

    @Test func realTextTokens() {
        let (tokens, alphabetSize) = SuffixArrayFixtures.realTextTokens(maxTokens: 3000)
        checkBothWidths(tokens, alphabetSize: alphabetSize)
        // The same text twice forces recursion on names.
        checkBothWidths(tokens + tokens, alphabetSize: alphabetSize)
    }

    /// `SAIS.suffixArray(of:alphabetSize:)` (the `[UInt32]` convenience) gives what the generic
    /// `buildSuffixArray(text:alphabetSize:into:)` gives, at both widths, and both equal the naive oracle.
    @Test func convenienceMatchesGeneric() {
        var rng = SeededRandom(seed: 3)
        let random = (0..<2000).map { _ in UInt32.random(in: 0..<10, using: &rng) }
        let texts: [(text: [UInt32], alphabetSize: Int)] = [
            (random, 10), ([], 1), ([0], 1), ([7], 8), ([UInt32](repeating: 0, count: 50), 1),
            (SuffixArrayFixtures.fibonacciWord(length: 300), 2),
        ]
        for (text, alphabetSize) in texts {
            let convenience = SAIS.suffixArray(of: text, alphabetSize: alphabetSize).map { Int($0) }
            let generic = SuffixArrayFixtures.saisSuffixArray(text, alphabetSize: alphabetSize)
            let genericWide = SuffixArrayFixtures.saisSuffixArray(text.map { UInt64($0) }, alphabetSize: alphabetSize)
            #expect(convenience == generic, "UInt32 generic, \(text.count) symbols")
            #expect(convenience == genericWide, "UInt64 generic, \(text.count) symbols")
            #expect(convenience == SuffixArrayFixtures.naiveSuffixArray(text), "naive, \(text.count) symbols")
        }
        #expect(SAIS.suffixArray(of: [], alphabetSize: 1).isEmpty)
    }
}
