import Foundation

/// Confidence intervals and rank tests for the model probes (extraction rates, membership scores).
public enum RankStatistics {
    /// The Wilson score interval for `successes` of `trials` at the two-sided level `z` gives (1.96: 95 %).
    /// Unlike the normal interval it stays inside [0, 1] and is not degenerate at 0 or n successes, which is where
    /// extraction rates usually are. Nil for no trials.
    public static func wilsonInterval(successes: Int, trials: Int, z: Double = 1.959963984540054) -> (lower: Double, upper: Double)? {
        guard trials > 0, (0...trials).contains(successes) else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // At 0 and n successes the bounds are exactly 0 and 1; rounding would leave 1e-17 off.
        return (successes == 0 ? 0 : max(0, center - half), successes == trials ? 1 : min(1, center + half))
    }

    /// The Mann-Whitney U test of whether `members` score higher than `nonMembers`.
    public struct MannWhitney: Sendable, Equatable {
        /// U of `members`: the pairs (member, non-member) where the member is higher, ties counting one half.
        public var u: Double
        /// U over the number of pairs: the probability that a random member outscores a random non-member
        /// (the ROC AUC of the score), 0.5 for no difference.
        public var auc: Double
        /// One-sided p-value for members > non-members: the normal approximation with the tie correction of
        /// the variance and a continuity correction (adequate from about 8 per group; the probes use tens).
        public var pValue: Double
    }

    /// U, AUC and p-value of `members` against `nonMembers`, ranking the pooled scores once: O((m + n) log(m + n)).
    /// Nil when a group is empty or a score is NaN.
    public static func mannWhitney(members: [Double], nonMembers: [Double]) -> MannWhitney? {
        let m = members.count, n = nonMembers.count
        guard m > 0, n > 0, !members.contains(where: \.isNaN), !nonMembers.contains(where: \.isNaN) else { return nil }
        let pooled = (members.map { ($0, true) } + nonMembers.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var memberRankSum = 0.0
        var tieTerm = 0.0  // Σ (t³ − t) over groups of tied scores
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count && pooled[end + 1].0 == pooled[start].0 { end += 1 }
            let midRank = Double(start + end) / 2 + 1
            let tied = Double(end - start + 1)
            tieTerm += tied * tied * tied - tied
            for k in start...end where pooled[k].1 { memberRankSum += midRank }
            start = end + 1
        }
        let mD = Double(m), nD = Double(n), total = mD + nD
        let u = memberRankSum - mD * (mD + 1) / 2
        let mean = mD * nD / 2
        let variance = mD * nD / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
        let pValue: Double
        if variance <= 0 {
            pValue = u > mean ? 0 : 1  // every score tied: no evidence either way unless U says so
        } else {
            let z = (u - mean - 0.5) / variance.squareRoot()
            pValue = min(1, max(0, 0.5 * erfc(z / 2.0.squareRoot())))
        }
        return MannWhitney(u: u, auc: u / (mD * nD), pValue: pValue)
    }

    /// The exact variance of U under the permutation null, as `mannWhitney` computes it (for tests).
    static func uVariance(members m: Int, nonMembers n: Int, pooled: [Double]) -> Double {
        var counts: [Double: Int] = [:]
        for score in pooled { counts[score, default: 0] += 1 }
        let tieTerm = counts.values.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
        let total = Double(m + n)
        return Double(m * n) / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
    }
}

/// Membership scores of a text from the log-probabilities a model gives its tokens (natural log, one per token
/// after the first): the higher the score, the more the model behaves as if it had seen the text.
public enum MembershipScore {
    /// The mean negative log-likelihood per token (the loss attack of Yeom et al. 2018); lower means more familiar,
    /// so `familiarity` is its negation. Nil for no tokens.
    public static func loss(_ logProbabilities: [Double]) -> Double? {
        guard !logProbabilities.isEmpty else { return nil }
        return -logProbabilities.reduce(0, +) / Double(logProbabilities.count)
    }

    /// Min-K% Prob (Shi et al. 2024, *Detecting Pretraining Data from Large Language Models*): the mean of the
    /// lowest `fraction` of the token log-probabilities (at least one token). Members have fewer outlier tokens of
    /// very low probability, so a higher value points to membership. Nil for no tokens or a fraction outside (0, 1].
    public static func minKPercent(_ logProbabilities: [Double], fraction: Double = 0.2) -> Double? {
        guard !logProbabilities.isEmpty, fraction > 0, fraction <= 1 else { return nil }
        let count = max(1, Int((Double(logProbabilities.count) * fraction).rounded(.down)))
        let lowest = logProbabilities.sorted().prefix(count)
        return lowest.reduce(0, +) / Double(count)
    }

    /// Min-K%++ (Zhang et al. 2024): each token's log-probability standardized by the mean `means[t]` and standard
    /// deviation `deviations[t]` of the log-probability over the model's whole next-token distribution at that
    /// position, then Min-K% of those. Needs the full distribution per position (not only the top few): nil when the
    /// arrays differ in length, are empty, or a deviation is not positive.
    public static func minKPlusPlus(_ logProbabilities: [Double], means: [Double], deviations: [Double], fraction: Double = 0.2) -> Double? {
        guard logProbabilities.count == means.count, means.count == deviations.count, deviations.allSatisfy({ $0 > 0 }) else { return nil }
        let standardized = zip(logProbabilities, zip(means, deviations)).map { ($0 - $1.0) / $1.1 }
        return minKPercent(standardized, fraction: fraction)
    }
}
