/// Everything that shapes the queries of the tabular tests. Together with the dataset it determines every
/// prompt exactly, so the same options give the same requests (and cache hits) on every run.
public struct TabularOptions: Codable, Sendable, Equatable {
    public var mode: TabularMode = .chat
    public var tests: [TabularTestKind] = TabularTestKind.allCases
    /// Queries per row, feature and first-token test, samples of the sample test (`--queries`); the
    /// feature-values test asks min(this, 5).
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
    /// Sampling temperature of the sample test (`--sample-temperature`; tabmemcheck's 0.7).
    public var sampleTemperature = 0.7
    /// Data rows the dataset-name test shows after the header (tabmemcheck's 5).
    public var datasetNameRows = 5
    /// Other names of datasets for the dataset-name test, by dataset name (`--aliases`, `--aliases-file`); the
    /// dataset's own name is always one.
    public var datasetAliases: [String: [String]] = [:]

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case mode, tests, queries, prefixRows, seed, feature, headerCutRows, headerCharacters, rowFewShot, featureFewShot, fewShotDatasets, maxRows
        case sampleTemperature, datasetNameRows, datasetAliases
    }

    /// Decodes options written by any version: a key that is absent keeps its default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TabularOptions()
        mode = try c.decodeIfPresent(TabularMode.self, forKey: .mode) ?? d.mode
        tests = try c.decodeIfPresent([TabularTestKind].self, forKey: .tests) ?? d.tests
        queries = try c.decodeIfPresent(Int.self, forKey: .queries) ?? d.queries
        prefixRows = try c.decodeIfPresent(Int.self, forKey: .prefixRows) ?? d.prefixRows
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        feature = try c.decodeIfPresent(String.self, forKey: .feature)
        headerCutRows = try c.decodeIfPresent([Int].self, forKey: .headerCutRows) ?? d.headerCutRows
        headerCharacters = try c.decodeIfPresent(Int.self, forKey: .headerCharacters) ?? d.headerCharacters
        rowFewShot = try c.decodeIfPresent(Int.self, forKey: .rowFewShot) ?? d.rowFewShot
        featureFewShot = try c.decodeIfPresent(Int.self, forKey: .featureFewShot) ?? d.featureFewShot
        fewShotDatasets = try c.decodeIfPresent(Int.self, forKey: .fewShotDatasets) ?? d.fewShotDatasets
        maxRows = try c.decodeIfPresent(Int.self, forKey: .maxRows) ?? d.maxRows
        sampleTemperature = try c.decodeIfPresent(Double.self, forKey: .sampleTemperature) ?? d.sampleTemperature
        datasetNameRows = try c.decodeIfPresent(Int.self, forKey: .datasetNameRows) ?? d.datasetNameRows
        datasetAliases = try c.decodeIfPresent([String: [String]].self, forKey: .datasetAliases) ?? d.datasetAliases
    }
}
