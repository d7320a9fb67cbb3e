import Foundation
import Testing
@testable import ContamStatistics
@testable import ContamApps

@Suite struct BinomialTests {
    /// The obviously-correct tail: exact binomial coefficients in Double, summed term by term.
    func naiveTail(_ k: Int, _ n: Int, _ p: Double) -> Double {
        guard k > 0 else { return 1 }
        var total = 0.0
        for i in k...max(k, n) where i <= n {
            var choose = 1.0
            for j in 0..<i { choose = choose * Double(n - j) / Double(j + 1) }
            total += choose * pow(p, Double(i)) * pow(1 - p, Double(n - i))
        }
        return total
    }

    @Test func matchesNaiveSum() {
        var rng = TabularRandom(seed: 7)
        for _ in 0..<400 {
            let n = rng.int(in: 0..<61)
            let k = rng.int(in: 0..<(n + 2))
            let p = [0.001, 0.01, 0.05, 0.2, 0.5, 0.9, Double(rng.int(in: 1..<1000)) / 1000].randomElement(using: &rng)!
            let fast = Binomial.upperTail(successes: k, trials: n, probability: p)
            let slow = k > n ? 0 : naiveTail(k, n, p)
            #expect(abs(fast - slow) <= 1e-9 * max(1, slow) + 1e-300, "k=\(k) n=\(n) p=\(p): \(fast) vs \(slow)")
        }
    }

    @Test func knownValuesAndEdges() {
        #expect(abs(Binomial.upperTail(successes: 1, trials: 25, probability: 0.01) - (1 - pow(0.99, 25))) < 1e-12)
        #expect(Binomial.upperTail(successes: 0, trials: 25, probability: 0.3) == 1)
        #expect(Binomial.upperTail(successes: 26, trials: 25, probability: 0.3) == 0)
        #expect(Binomial.upperTail(successes: 3, trials: 25, probability: 0) == 0)
        #expect(Binomial.upperTail(successes: 3, trials: 25, probability: 1) == 1)
        // Tiny tails stay positive and finite (log-space summation).
        let tiny = Binomial.upperTail(successes: 25, trials: 25, probability: 0.01)
        #expect(tiny > 0 && abs(tiny - 1e-50) / 1e-50 < 1e-9)
        #expect(Binomial.upperTail(successes: 5000, trials: 10000, probability: 0.5) > 0.49)
    }
}

@Suite struct LevenshteinTests {
    /// Plain recursion with memo: the definition.
    func naive(_ a: [Character], _ b: [Character]) -> Int {
        var memo = [Int: Int]()
        func d(_ i: Int, _ j: Int) -> Int {
            if i == 0 { return j }
            if j == 0 { return i }
            if let v = memo[i * 1000 + j] { return v }
            let v = min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1))
            memo[i * 1000 + j] = v
            return v
        }
        return d(a.count, b.count)
    }

    func randomString(_ rng: inout TabularRandom, alphabet: [Character], maxLength: Int) -> String {
        String((0..<rng.int(in: 0..<(maxLength + 1))).map { _ in alphabet[rng.int(in: 0..<alphabet.count)] })
    }

    @Test func distanceAndAlignmentMatchTheDefinition() {
        var rng = TabularRandom(seed: 11)
        let alphabets: [[Character]] = [["a"], ["a", "b"], Array("0123456789.,"), Array("aé,ü\"")]
        for round in 0..<600 {
            let alphabet = alphabets[round % alphabets.count]
            let a = randomString(&rng, alphabet: alphabet, maxLength: 14)
            let b = round % 7 == 0 ? a : randomString(&rng, alphabet: alphabet, maxLength: 14)
            let expected = naive(Array(a), Array(b))
            #expect(Levenshtein.distance(a, b) == expected, "\(a) / \(b)")
            let edits = Levenshtein.alignment(answer: a, truth: b)
            #expect(edits.filter { if case .same = $0 { return false } else { return true } }.count == expected)
            var answer = "", truth = ""
            for edit in edits {
                switch edit {
                case let .same(c): answer.append(c); truth.append(c)
                case let .substitute(x, y): answer.append(x); truth.append(y)
                case let .insert(c): answer.append(c)
                case let .delete(c): truth.append(c)
                }
            }
            #expect(answer == a && truth == b)
        }
    }

    @Test func realRows() {
        #expect(Levenshtein.distance("5.1,3.5,1.4,0.2,Iris-setosa", "4.9,3.0,1.4,0.2,Iris-setosa") == 3)
        #expect(Levenshtein.normalizedDistance("", "") == 0)
        // Past the exactly compared prefix the distance is bounded from above, linearly: never closer than it is.
        let cell = String(repeating: "x", count: 200_000)
        #expect(Levenshtein.normalizedDistance(cell, cell) == 0)
        #expect(Levenshtein.normalizedDistance(cell, cell + "yy") == 2.0 / 200_002)
        var changed = Array(cell.unicodeScalars)
        changed[150_000] = "z"
        let changedText = String(String.UnicodeScalarView(changed))
        #expect(Levenshtein.normalizedDistance(cell, changedText) == 1.0 / 200_000)
        for _ in 0..<50 {
            let a = String((0..<Int.random(in: 0...30)).map { _ in "ab".randomElement()! })
            let b = String((0..<Int.random(in: 0...30)).map { _ in "ab".randomElement()! })
            let exact = Double(Levenshtein.distance(a, b)) / Double(max(1, max(a.count, b.count)))
            #expect(abs(Levenshtein.normalizedDistance(a, b) - exact) < 1e-12, "short strings are exact: \(a) / \(b)")
        }
        #expect(Levenshtein.alignment(answer: cell, truth: cell).count == 2000)
        #expect(Levenshtein.normalizedDistance("abc", "") == 1)
        #expect(Levenshtein.commonPrefixLength("5.1,3.5,1.4", "5.1,3.0") == 6)
        #expect(Levenshtein.commonPrefixLength("", "x") == 0)
    }
}

@Suite struct TabularRandomTests {
    @Test func reproducibleAndSeparatedByStream() {
        var a = TabularRandom(seed: 42, stream: "row"), b = TabularRandom(seed: 42, stream: "row")
        var c = TabularRandom(seed: 42, stream: "feature"), d = TabularRandom(seed: 43, stream: "row")
        let x = (0..<8).map { _ in a.next() }
        #expect(x == (0..<8).map { _ in b.next() })
        #expect(x != (0..<8).map { _ in c.next() })
        #expect(x != (0..<8).map { _ in d.next() })
    }

    @Test func distinctDrawsAreDistinctAndInRange() {
        var rng = TabularRandom(seed: 1)
        for (count, range) in [(25, 0..<10_000_000), (25, 0..<30), (30, 0..<30), (40, 5..<30), (0, 0..<5), (3, 0..<0)] {
            let values = rng.distinct(count, from: range)
            #expect(values.count == min(count, range.count))
            #expect(Set(values).count == values.count)
            #expect(values.allSatisfy { range.contains($0) })
        }
    }
}
