import Foundation

/// One query's outcome: what was asked, the truth, the model's answer, and how it scored.
public struct TabularQueryOutcome: Codable, Sendable, Equatable {
    public var index: Int
    /// The test part of the prompt.
    public var prompt: String
    public var truth: String
    /// The model's raw answer.
    public var answer: String
    /// The part of the answer that was compared (first line, value, first characters, names).
    public var compared: String
    /// Counted as a hit.
    public var correct: Bool
    /// Header test: characters matched; row test: normalized Levenshtein distance; feature names: names matched.
    public var score: Double
    /// The answer came from the cache.
    public var cached: Bool
    /// Header test: the row the cut is in.
    public var cutRow: Int?

    public init(index: Int, prompt: String, truth: String, answer: String, compared: String, correct: Bool, score: Double, cached: Bool, cutRow: Int? = nil) {
        self.index = index
        self.prompt = prompt
        self.truth = truth
        self.answer = answer
        self.compared = compared
        self.correct = correct
        self.score = score
        self.cached = cached
        self.cutRow = cutRow
    }
}

/// The result of one test on one dataset: the statistic, the baseline a model without memorization would
/// reach, a one-sided binomial p-value for count statistics, and the verdict with its reason.
public struct TabularTestResult: Codable, Sendable, Equatable {
    public var test: TabularTestKind
    public var verdict: MemorizationVerdict
    /// The statistic as a number (hits, or matched characters / names).
    public var statistic: Double
    /// Out of how many (queries, characters, names); 0 when not applicable.
    public var outOf: Int
    /// The statistic in words ("3/25 rows exact").
    public var statisticText: String
    /// The baseline in the statistic's unit (a rate for count tests).
    public var baseline: Double
    /// The baseline in words, with how it was computed.
    public var baselineText: String
    /// P(X ≥ hits | baseline) for count statistics; nil otherwise.
    public var pValue: Double?
    /// Why this verdict (the threshold that decided it).
    public var reason: String
    /// Extra figures ("mean normalized Levenshtein distance": 0.41, ...).
    public var figures: [String: Double]
    /// What was chosen for this dataset (target feature, first-token length, few-shot sources).
    public var notes: [String]
    public var queries: [TabularQueryOutcome]

    public init(test: TabularTestKind, verdict: MemorizationVerdict, statistic: Double, outOf: Int, statisticText: String, baseline: Double, baselineText: String, pValue: Double?, reason: String, figures: [String: Double] = [:], notes: [String] = [], queries: [TabularQueryOutcome] = []) {
        self.test = test
        self.verdict = verdict
        self.statistic = statistic
        self.outOf = outOf
        self.statisticText = statisticText
        self.baseline = baseline
        self.baselineText = baselineText
        self.pValue = pValue
        self.reason = reason
        self.figures = figures
        self.notes = notes
        self.queries = queries
    }
}

/// Everything known about one dataset after a run: its tests, or why it failed.
public struct TabularDatasetReport: Codable, Sendable {
    public var dataset: String
    public var path: String
    /// Data rows read (the head of the file when `truncated`).
    public var rows: Int
    public var features: Int
    public var truncated: Bool
    public var model: String
    public var endpoint: String
    public var mode: TabularMode
    public var seed: UInt64
    public var tests: [TabularTestResult]
    /// Columns predictable from the previous rows (running ids, sorted or grouped files), found before the tests.
    public var rowOrder: TabularRowOrder?
    /// Why the dataset could not be tested (bad CSV, request failures); nil on success.
    public var failure: String?
    /// Requests sent to the server and answers taken from the cache for this dataset.
    public var requestsSent: Int
    public var cacheHits: Int

    public init(dataset: String, path: String, rows: Int, features: Int, truncated: Bool, model: String, endpoint: String, mode: TabularMode, seed: UInt64, tests: [TabularTestResult], rowOrder: TabularRowOrder? = nil, failure: String? = nil, requestsSent: Int = 0, cacheHits: Int = 0) {
        self.dataset = dataset
        self.path = path
        self.rows = rows
        self.features = features
        self.truncated = truncated
        self.model = model
        self.endpoint = endpoint
        self.mode = mode
        self.seed = seed
        self.tests = tests
        self.rowOrder = rowOrder
        self.failure = failure
        self.requestsSent = requestsSent
        self.cacheHits = cacheHits
    }

    /// The strongest verdict over the tests (nil when failed or no test applied).
    public var overallVerdict: MemorizationVerdict? {
        guard failure == nil else { return nil }
        return tests.map(\.verdict).filter { $0 != .notApplicable }.min()
    }

    /// True when any test found memorization.
    public var memorized: Bool { tests.contains { $0.verdict == .memorized } }

    /// One warning per column predictable from the previous rows ("titanic-train: PassengerId is a running id …").
    public var rowOrderWarnings: [String] {
        (rowOrder?.notes ?? []).map { "\(dataset): \($0)" }
    }

    /// One warning per test with empty answers, naming the dataset, the test and the queries
    /// ("iris: row completion: the model gave 3 empty answers of 25 (queries 2, 5, 7)").
    public var emptyAnswerWarnings: [String] {
        tests.compactMap { test in
            let empty = test.queries.filter { $0.answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            guard !empty.isEmpty else { return nil }
            let which = empty.prefix(10).map { String($0.index + 1) }.joined(separator: ", ") + (empty.count > 10 ? ", …" : "")
            return "\(dataset): \(test.test.title): the model gave \(empty.count) empty answer\(empty.count == 1 ? "" : "s") of \(test.queries.count) (quer\(empty.count == 1 ? "y" : "ies") \(which))"
        }
    }
}
