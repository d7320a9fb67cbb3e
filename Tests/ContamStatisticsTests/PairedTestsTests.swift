import Foundation
import Testing
import ContamTestSupport
@testable import ContamStatistics

/// The sign test and Fisher's test against brute force: every assignment of signs, every table with the margins.
@Suite struct PairedTestsTests {
    /// P(positives ≥ observed) by enumerating all 2^n sign patterns of the untied pairs.
    static func signOracle(positives: Int, untied: Int) -> Double {
        var atLeast = 0
        for pattern in 0..<(1 << untied) where pattern.nonzeroBitCount >= positives { atLeast += 1 }
        return Double(atLeast) / Double(1 << untied)
    }

    @Test func signTestMatchesEnumerationOfSigns() {
        var random = SeededRandom(seed: 14)
        for _ in 0..<300 {
            let count = Int.random(in: 0..<15, using: &random)
            let first = (0..<count).map { _ in Double(Int.random(in: 0..<4, using: &random)) }
            let second = (0..<count).map { _ in Double(Int.random(in: 0..<4, using: &random)) }
            let test = PairedTests.signTest(first: first, second: second)!
            #expect(test.positives == zip(first, second).filter { $0 > $1 }.count)
            #expect(test.negatives == zip(first, second).filter { $0 < $1 }.count)
            #expect(test.ties == count - test.positives - test.negatives)
            let oracle = Self.signOracle(positives: test.positives, untied: test.positives + test.negatives)
            #expect(abs(test.pValue - oracle) < 1e-9, "\(first) \(second)")
        }
    }

    @Test func signTestEdgeCases() {
        #expect(PairedTests.signTest(first: [], second: [])?.pValue == 1)
        #expect(PairedTests.signTest(first: [1, 1], second: [1, 1])?.pValue == 1)
        #expect(PairedTests.signTest(first: [1], second: []) == nil)
        #expect(PairedTests.signTest(first: [.nan], second: [1]) == nil)
        // Ten wins out of ten: 2^-10.
        let sweep = PairedTests.signTest(first: Array(repeating: 1, count: 10), second: Array(repeating: 0, count: 10))!
        #expect(abs(sweep.pValue - 1.0 / 1024) < 1e-12)
        // All losses: nothing beyond chance.
        #expect(PairedTests.signTest(first: [0, 0, 0], second: [1, 1, 1])?.pValue == 1)
    }

    /// The one-sided Fisher p-value by listing every table with the observed margins and summing the
    /// hypergeometric probabilities (computed as counts of subsets) of those at least as extreme.
    static func fisherOracle(hits: Int, trials: Int, controlHits: Int, controlTrials: Int) -> Double {
        func choose(_ n: Int, _ k: Int) -> Double {
            guard k >= 0, k <= n else { return 0 }
            var value = 1.0
            for i in 0..<k { value = value * Double(n - i) / Double(i + 1) }
            return value
        }
        let totalHits = hits + controlHits
        var extreme = 0.0, all = 0.0
        for k in 0...min(totalHits, trials) {
            let ways = choose(trials, k) * choose(controlTrials, totalHits - k)
            all += ways
            if k >= hits { extreme += ways }
        }
        return extreme / all
    }

    @Test func fisherMatchesEnumerationOfTables() {
        for trials in 1...9 {
            for controlTrials in 1...9 {
                for hits in 0...trials {
                    for controlHits in 0...controlTrials {
                        let p = PairedTests.fisherUpperTail(hits: hits, trials: trials, controlHits: controlHits, controlTrials: controlTrials)!
                        let oracle = Self.fisherOracle(hits: hits, trials: trials, controlHits: controlHits, controlTrials: controlTrials)
                        #expect(abs(p - oracle) < 1e-9, "\(hits)/\(trials) vs \(controlHits)/\(controlTrials)")
                    }
                }
            }
        }
    }

    @Test func fisherEdgeCasesAndKnownValue() {
        #expect(PairedTests.fisherUpperTail(hits: 0, trials: 0, controlHits: 0, controlTrials: 3) == nil)
        #expect(PairedTests.fisherUpperTail(hits: 4, trials: 3, controlHits: 0, controlTrials: 3) == nil)
        #expect(PairedTests.fisherUpperTail(hits: 0, trials: 5, controlHits: 2, controlTrials: 5) == 1)
        // Fisher's tea-tasting table: 3 of 4 right against 1 of 4, one-sided p = 17/70.
        let tea = PairedTests.fisherUpperTail(hits: 3, trials: 4, controlHits: 1, controlTrials: 4)!
        #expect(abs(tea - 17.0 / 70) < 1e-12)
    }
}
