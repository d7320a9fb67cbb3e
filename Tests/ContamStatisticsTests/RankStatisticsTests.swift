import Foundation
import Testing
@testable import ContamStatistics
import ContamTestSupport

@Suite struct RankStatisticsTests {
    @Test func wilsonMatchesPublishedValuesAndItsDefinition() throws {
        // Published 95 % Wilson intervals (e.g. Newcombe 1998, Table I).
        let half = try #require(RankStatistics.wilsonInterval(successes: 5, trials: 10))
        #expect(abs(half.lower - 0.2366) < 1e-4 && abs(half.upper - 0.7634) < 1e-4)
        let none = try #require(RankStatistics.wilsonInterval(successes: 0, trials: 10))
        #expect(none.lower == 0 && abs(none.upper - 0.2775) < 1e-4)
        let all = try #require(RankStatistics.wilsonInterval(successes: 10, trials: 10))
        #expect(abs(all.lower - 0.7225) < 1e-4 && all.upper == 1)
        #expect(RankStatistics.wilsonInterval(successes: 1, trials: 0) == nil)
        #expect(RankStatistics.wilsonInterval(successes: 11, trials: 10) == nil)
        // The definition: every p with |p̂ − p| ≤ z √(p(1 − p)/n), found by scanning p.
        for (k, n) in [(0, 3), (1, 7), (13, 40), (199, 200), (3, 1000)] {
            let interval = try #require(RankStatistics.wilsonInterval(successes: k, trials: n))
            let z = 1.959963984540054, observed = Double(k) / Double(n)
            let inside = stride(from: 0.0, through: 1.0, by: 1e-5).filter { p in abs(observed - p) <= z * (p * (1 - p) / Double(n)).squareRoot() }
            #expect(abs((inside.first ?? 0) - interval.lower) < 2e-5 && abs((inside.last ?? 1) - interval.upper) < 2e-5, "\(k)/\(n)")
        }
    }

    @Test func mannWhitneyAgreesWithPairCountingAndThePermutationVariance() throws {
        var random = SeededRandom(seed: 0x5eed)
        for _ in 0..<200 {
            // Small integer scores: many ties.
            let members = (0..<Int.random(in: 1...9, using: &random)).map { _ in Double(Int.random(in: 0...5, using: &random)) }
            let others = (0..<Int.random(in: 1...9, using: &random)).map { _ in Double(Int.random(in: 0...5, using: &random)) }
            let result = try #require(RankStatistics.mannWhitney(members: members, nonMembers: others))
            // Brute force: count the pairs.
            var pairs = 0.0
            for a in members { for b in others { pairs += a > b ? 1 : (a == b ? 0.5 : 0) } }
            #expect(result.u == pairs && abs(result.auc - pairs / Double(members.count * others.count)) < 1e-12)
            #expect((0...1).contains(result.pValue))
        }
        // The tie-corrected variance equals U's exact variance over every assignment of the pooled scores to groups.
        let pooled: [Double] = [1, 1, 2, 3, 3, 3, 4, 5, 5]
        let m = 4
        var values: [Double] = []
        func choose(_ start: Int, _ picked: [Int]) {
            if picked.count == m {
                let members = picked.map { pooled[$0] }
                let others = pooled.indices.filter { !picked.contains($0) }.map { pooled[$0] }
                values.append(RankStatistics.mannWhitney(members: members, nonMembers: others)!.u)
                return
            }
            guard start < pooled.count else { return }
            for k in start..<pooled.count { choose(k + 1, picked + [k]) }
        }
        choose(0, [])
        #expect(values.count == 126)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean - Double(m * (pooled.count - m)) / 2) < 1e-9)
        #expect(abs(variance - RankStatistics.uVariance(members: m, nonMembers: pooled.count - m, pooled: pooled)) < 1e-9)
        // Separated groups: a small p-value; the reverse, a large one; no data, nil.
        let high = (0..<30).map { 10 + Double($0) }, low = (0..<30).map { Double($0) / 10 }
        #expect(try #require(RankStatistics.mannWhitney(members: high, nonMembers: low)).pValue < 1e-9)
        #expect(try #require(RankStatistics.mannWhitney(members: low, nonMembers: high)).pValue > 0.999)
        #expect(RankStatistics.mannWhitney(members: [], nonMembers: [1]) == nil)
        #expect(RankStatistics.mannWhitney(members: [.nan], nonMembers: [1]) == nil)
    }

    @Test func membershipScoresFollowTheirDefinitions() throws {
        let logProbabilities = [-0.1, -2.0, -0.5, -7.0, -0.2, -3.0, -0.05, -0.3, -1.0, -4.0]
        #expect(MembershipScore.loss(logProbabilities) == logProbabilities.reduce(0, +) / -10)
        // The lowest 20 % of ten tokens: -7 and -4.
        #expect(MembershipScore.minKPercent(logProbabilities, fraction: 0.2) == -5.5)
        #expect(MembershipScore.minKPercent([-1.5], fraction: 0.2) == -1.5)  // at least one token
        #expect(MembershipScore.minKPercent([], fraction: 0.2) == nil && MembershipScore.minKPercent([-1], fraction: 0) == nil)
        let means = Array(repeating: -2.0, count: 10), deviations = Array(repeating: 0.5, count: 10)
        let standardized = logProbabilities.map { ($0 + 2) / 0.5 }.sorted()
        #expect(MembershipScore.minKPlusPlus(logProbabilities, means: means, deviations: deviations) == (standardized[0] + standardized[1]) / 2)
        #expect(MembershipScore.minKPlusPlus(logProbabilities, means: means, deviations: Array(deviations.dropFirst())) == nil)
        #expect(MembershipScore.minKPlusPlus([-1], means: [-1], deviations: [0]) == nil)
    }
}
