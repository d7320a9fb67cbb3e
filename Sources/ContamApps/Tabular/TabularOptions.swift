/// Everything that shapes the queries of the tabular tests. Together with the dataset it determines every
/// prompt exactly, so the same options give the same requests (and cache hits) on every run.
public struct TabularOptions: Codable, Sendable, Equatable {
    public var mode: TabularMode = .chat
    public var tests: [TabularTestKind] = TabularTestKind.allCases
    /// Queries per row, feature and first-token test (`--queries`).
    public var queries = 25
    /// Rows shown before the row to complete (`--prefix-rows`).
    public var prefixRows = 10
    /// Seed of every random choice (`--seed`).
    public var seed: UInt64 = 0
    /// Target of the feature-completion test; nil = the feature with most distinct values.
    public var feature: String?
    /// Rows (0 = header) inside which the header test cuts the file.
    public var headerCutRows = [2, 4, 6, 8]
    /// Characters of the true continuation the header test compares (and tokens it asks for).
    public var headerCharacters = 500
    /// Few-shot windows from the same file in chat-mode row and first-token tests.
    public var rowFewShot = 7
    /// Few-shot rows from the same file in the feature-completion test.
    public var featureFewShot = 5
    /// Other datasets used as few-shot examples in the header and feature-names tests.
    public var fewShotDatasets = 3
    /// Rows read from each CSV at most (a contiguous head; the rest of a huge file is never read).
    public var maxRows = 100_000

    public init() {}
}
