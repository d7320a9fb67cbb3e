import Foundation

/// Binomial tail probabilities for the count statistics of the tabular tests.
public enum Binomial {
    /// P(X ≥ k) for X ~ Binomial(n, p): the one-sided p-value of seeing `k` or more hits in `n` trials when each
    /// hits with probability `p` (the baseline). Summed in log space from the k-th term, exact to ~1e-12 relative
    /// for the n ≤ 10⁵ used here.
    public static func upperTail(successes k: Int, trials n: Int, probability p: Double) -> Double {
        guard n >= 0, k > 0 else { return 1 }
        guard k <= n else { return 0 }
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        let logP = log(p)
        let logQ = log1p(-p)
        var terms = [Double]()
        terms.reserveCapacity(n - k + 1)
        for i in k...n {
            terms.append(logChoose(n, i) + Double(i) * logP + Double(n - i) * logQ)
        }
        let largest = terms.max() ?? -.infinity
        guard largest > -.infinity else { return 0 }
        let sum = terms.reduce(0.0) { $0 + exp($1 - largest) }
        return min(1, exp(largest) * sum)
    }

    /// log C(n, k).
    public static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }
}
