import ContamStorage
import ContamModel

/// One prepared query of a tabular test: the request sent, the test prompt shown in reports, and the true
/// answer it is scored against, with what the scorer needs to know about where it came from.
public struct TabularQuery: Sendable {
    public var test: TabularTestKind
    /// 0-based number within its test.
    public var index: Int
    /// The exact request (its `label` names the dataset and query in errors).
    public var request: ModelRequest
    /// The test part of the prompt (the raw prefix, or the last user message), for reports.
    public var prompt: String
    /// The true continuation / row / value / names.
    public var truth: String
    /// Header test: the row (0 = header) the cut is in.
    public var cutRow: Int?
    /// Header test: offsets in `truth` where the rest of the cut row and each following row end.
    public var rowEnds: [Int] = []
    /// Header test: for each following row, whether it differs from every row shown in the prompt.
    public var rowIsNew: [Bool] = []
    /// Row and first-token tests: the last row of the prompt (for the copy-the-previous-row baseline).
    public var previousRow: String?
    /// Feature test: the target feature.
    public var feature: String?

    /// The id of this query in prompts/responses JSONL: `dataset:test:index:hash`, the hash (8 hex digits of
    /// XXH64 over the request body) telling apart same-named datasets and catching answers to other prompts.
    public func customID(dataset: String, model: String) -> String {
        let digest = XXHash64.hash([UInt8](request.body(model: model)))
        let hex = String(digest >> 32, radix: 16)
        return "\(dataset):\(test.rawValue):\(index):\(String(repeating: "0", count: 8 - hex.count))\(hex)"
    }
}

/// The queries of one test on one dataset, with what its baseline needs, or why it cannot run.
public struct TabularTestPlan: Sendable {
    public var test: TabularTestKind
    public var queries: [TabularQuery]
    /// Why the test does not apply to this dataset (then `queries` is empty).
    public var notApplicable: String?
    /// Header test: characters matched by continuing the cut row like another row (from the same place in the
    /// same field): the best of the rows shown in the prompt or the mean over the file's rows, whichever is larger;
    /// the largest over the cuts.
    public var headerBaseline = 0.0
    /// Row test: fraction of data rows that duplicate another row.
    public var duplicateRowRate = 0.0
    /// Row test: mean normalized Levenshtein distance between each true row and a random other row.
    public var randomRowDistance = 0.0
    /// Feature test: frequency of the target's most common value, and that value.
    public var modeFrequency = 0.0
    public var modeValue = ""
    /// Feature test: fraction of the target's values that are distinct.
    public var distinctFraction = 0.0
    /// First-token test: number of leading characters compared.
    public var firstTokenLength = 0
    /// First-token test: the column the compared characters start at (leading predictable columns skipped), and
    /// the delimiter that separates the skipped fields.
    public var firstTokenColumn = 0
    public var fieldDelimiter: Character = ","
    /// Sample, feature-values and dataset-name tests: the rows, value sets, aliases and baselines they score against.
    public var knowledge: TabularKnowledgeReference?
    /// Notes for the report (what was chosen and why).
    public var notes: [String] = []

    public init(test: TabularTestKind, queries: [TabularQuery] = [], notApplicable: String? = nil) {
        self.test = test
        self.queries = queries
        self.notApplicable = notApplicable
    }
}

/// Every test's queries for one dataset.
public struct TabularPlan: Sendable {
    public var dataset: TabularDataset
    public var options: TabularOptions
    public var tests: [TabularTestPlan]
    /// Names of the other datasets used as few-shot examples.
    public var fewShotDatasets: [String]
    /// Columns predictable from the previous rows (running ids, sorted or grouped files).
    public var rowOrder: TabularRowOrder

    /// All queries of all tests, in order.
    public var allQueries: [TabularQuery] { tests.flatMap(\.queries) }
}
