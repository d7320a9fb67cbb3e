import Foundation

/// Tests for paired scores (the same item under two conditions) and for two proportions, for the benchmark probes:
/// does a guided completion beat the general one on the same item, does the benchmark beat a control set.
public enum PairedTests {
    /// The exact sign test of whether the first condition of each pair scores higher than the second.
    public struct SignTest: Sendable, Equatable {
        /// Pairs where the first condition scored higher.
        public var positives: Int
        /// Pairs where the second condition scored higher.
        public var negatives: Int
        /// Pairs with equal scores; left out of the test (the usual convention, Dixon & Mood 1946).
        public var ties: Int
        /// One-sided p-value: P(X ≥ positives) for X ~ Binomial(positives + negatives, 1/2); 1 when every pair is tied.
        public var pValue: Double

        public init(positives: Int, negatives: Int, ties: Int, pValue: Double) {
            (self.positives, self.negatives, self.ties, self.pValue) = (positives, negatives, ties, pValue)
        }
    }

    /// The one-sided exact sign test of `first[i] > second[i]` over the pairs. It assumes only that pairs are
    /// independent, not that differences are symmetric or on an interval scale (the Wilcoxon signed-rank test
    /// would need both; completion similarities are bounded and often tied at 0 or 1). Nil when the arrays differ
    /// in length or a score is NaN. O(n).
    public static func signTest(first: [Double], second: [Double]) -> SignTest? {
        guard first.count == second.count, !first.contains(where: \.isNaN), !second.contains(where: \.isNaN) else { return nil }
        var test = SignTest(positives: 0, negatives: 0, ties: 0, pValue: 1)
        for (a, b) in zip(first, second) {
            if a > b { test.positives += 1 } else if a < b { test.negatives += 1 } else { test.ties += 1 }
        }
        let trials = test.positives + test.negatives
        if trials > 0 { test.pValue = Binomial.upperTail(successes: test.positives, trials: trials, probability: 0.5) }
        return test
    }

    /// One-sided Fisher exact test that the first group's rate of hits exceeds the second's: the probability, given
    /// both margins, of seeing `hits` or more hits in the first group under the hypergeometric null (Fisher 1935).
    /// Unlike a binomial test against the second group's rate, it counts the control's own sampling error. Nil for
    /// counts outside 0...trials or an empty group. O(min(hits total, first trials)).
    public static func fisherUpperTail(hits: Int, trials: Int, controlHits: Int, controlTrials: Int) -> Double? {
        guard trials > 0, controlTrials > 0, (0...trials).contains(hits), (0...controlTrials).contains(controlHits) else { return nil }
        // No hits: every table is at least as extreme.
        if hits == 0 { return 1 }
        let totalHits = hits + controlHits
        let total = trials + controlTrials
        let highest = min(totalHits, trials)
        let denominator = Binomial.logChoose(total, totalHits)
        var sum = 0.0
        for k in hits...highest {
            // k hits among the first group's trials, the rest among the control's.
            sum += exp(Binomial.logChoose(trials, k) + Binomial.logChoose(controlTrials, totalHits - k) - denominator)
        }
        return min(1, sum)
    }
}
