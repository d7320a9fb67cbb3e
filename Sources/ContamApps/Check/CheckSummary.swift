import ContamDetect

/// Counts over all checked items: how many each method called dirty, and the verbatim / near-verbatim
/// totals. Items the sketch first pass cleared have exact verdicts but may lack verbatim or near-verbatim
/// figures: those totals count only the items whose figures are known (`verbatimKnown`, `nearKnown`).
public struct CheckSummary: Sendable, Equatable {
    public var items = 0
    /// Dirty items per selected method; on a sketch-only index, only the certain ones (see `possiblyDirty`).
    public var dirty: [ContaminationMethod: Int] = [:]
    /// Per method, "dirty?" items of a sketch-only index: Bloom-filter false positives alone would explain them.
    public var possiblyDirty: [ContaminationMethod: Int] = [:]
    /// Items in Llama 2's middle band (not clean, not dirty).
    public var llama2NotClean = 0
    /// Near-verbatim items, among the `nearKnown` items.
    public var nearVerbatim = 0
    /// Items with at least one verbatim span of `--min-match` tokens, among the `verbatimKnown` items.
    public var withVerbatimSpan = 0
    /// Items some selected method called dirty.
    public var flagged = 0
    /// Longest verbatim match over the items that have one computed, in tokens (a cleared item's is < n).
    public var longestMatchTokens = 0
    /// Items the sketch first pass cleared.
    public var cleared = 0
    /// Sketch hits of cleared items that the suffix array showed to be false positives.
    public var clearedFalsePositives = 0
    /// Items whose verbatim spans are known (all but cleared items when `--min-match` < n).
    public var verbatimKnown = 0
    /// Items whose near-verbatim result is known (all but cleared items when `--seed-length` < n).
    public var nearKnown = 0

    /// Per method, the items a sketch-only index could not decide (absent or 0 on a full index).
    public var undecided: [ContaminationMethod: Int] = [:]
    /// Items with some undecided method.
    public var undecidedItems = 0

    public init(results: [ItemResult], methods: [ContaminationMethod]) {
        items = results.count
        for method in methods { dirty[method] = 0 }
        for result in results {
            for method in result.methods where method.isDirty {
                if method.isPossiblyFalsePositive { possiblyDirty[method.method, default: 0] += 1 } else { dirty[method.method, default: 0] += 1 }
            }
            for method in result.methods where method.verdict == .undecided { undecided[method.method, default: 0] += 1 }
            if result.isUndecided { undecidedItems += 1 }
            if result.result(.llama2)?.verdict == .notClean { llama2NotClean += 1 }
            if let near = result.near {
                nearKnown += 1
                if near.isNearVerbatim { nearVerbatim += 1 }
            }
            if let spans = result.spans {
                verbatimKnown += 1
                if !spans.isEmpty { withVerbatimSpan += 1 }
            }
            if result.isFlagged { flagged += 1 }
            if let clearance = result.firstPass {
                cleared += 1
                clearedFalsePositives += clearance.falsePositives
            }
            longestMatchTokens = max(longestMatchTokens, result.verbatim?.longestMatchTokens ?? 0)
        }
    }

    /// Fraction of items `method` called dirty (0 when there are no items); with `possible`, the "dirty?"
    /// items of a sketch-only index too.
    public func dirtyFraction(_ method: ContaminationMethod, possible: Bool = false) -> Double {
        items == 0 ? 0 : Double((dirty[method] ?? 0) + (possible ? possiblyDirty[method] ?? 0 : 0)) / Double(items)
    }
}

/// `--fail-on METHOD[:FRACTION]`: the run fails (exit code 1) when the fraction of items METHOD calls
/// dirty exceeds FRACTION (default 0, so any dirty item fails).
public struct FailOnRule: Sendable, Equatable {
    public var method: ContaminationMethod
    public var fraction: Double
    /// Count "dirty?" items (possible Bloom false positives of a sketch-only index) as dirty (`--fail-on-possible`).
    public var countsPossible: Bool

    public init(method: ContaminationMethod, fraction: Double = 0, countsPossible: Bool = false) {
        self.method = method
        self.fraction = fraction
        self.countsPossible = countsPossible
    }

    /// Parses `near`, `gpt3:0.05`, `palm:5%`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first, !name.isEmpty else { throw DetectError.invalidFailOn(text) }
        guard let method = ContaminationMethod(rawValue: name.lowercased()) else { throw DetectError.unknownMethod(name) }
        var fraction = 0.0
        if parts.count == 2 {
            var value = parts[1]
            var scale = 1.0
            if value.hasSuffix("%") { value.removeLast(); scale = 0.01 }
            guard let number = Double(value), (number * scale) >= 0, (number * scale) <= 1 else { throw DetectError.invalidFailOn(text) }
            fraction = number * scale
        }
        self.init(method: method, fraction: fraction)
    }

    /// True when the rule fails the run. Undecided items (sketch-only index) count as dirty: the gate
    /// passes only when the items proven clean are enough. "dirty?" items count only with `countsPossible`:
    /// on a sketch their number follows the filter's false-positive rate, not the contamination.
    public func isViolated(by summary: CheckSummary) -> Bool {
        summary.dirtyFraction(method, possible: countsPossible) + undecidedFraction(summary) > fraction
    }

    func undecidedFraction(_ summary: CheckSummary) -> Double {
        summary.items == 0 ? 0 : Double(summary.undecided[method] ?? 0) / Double(summary.items)
    }

    /// "near: 25.0% dirty > 5.0%", or with undecided items "lmeval13: 2.0% of items dirty + 10.0% undecided > 5.0% allowed".
    public func explanation(_ summary: CheckSummary) -> String {
        let undecided = undecidedFraction(summary)
        let undecidedText = undecided > 0 ? String(format: " + %.1f%% undecided (counted as dirty)", undecided * 100) : ""
        let possible = summary.items == 0 ? 0 : Double(summary.possiblyDirty[method] ?? 0) / Double(summary.items)
        let possibleText = possible == 0 ? "" : countsPossible
            ? String(format: " (%.1f%% of them dirty?, counted: --fail-on-possible)", possible * 100)
            : String(format: " (+ %.1f%% dirty?, not counted; --fail-on-possible counts them)", possible * 100)
        return String(format: "%@: %.1f%% of items dirty%@%@ %@ %.1f%% allowed", method.rawValue, summary.dirtyFraction(method, possible: countsPossible) * 100,
                      possibleText, undecidedText, isViolated(by: summary) ? ">" : "<=", fraction * 100)
    }
}
