/// What the sample, feature-values and dataset-name tests score answers against, computed when planning.
public struct TabularKnowledgeReference: Sendable {
    /// Feature names, trimmed.
    public var featureNames: [String] = []
    /// Data rows, each value trimmed.
    public var rows: [[String]] = []
    /// The same rows as a set.
    public var rowSet: Set<[String]> = []
    /// Sample test: the shuffled-columns baseline rate.
    public var shuffledColumnsRate = 0.0
    /// Feature-values test: the numeric columns, the written (non-empty) values of every column, each numeric
    /// column's grid rate, and their mean.
    public var numericColumns: [Int] = []
    public var columnValues: [Set<String>] = []
    public var gridRates: [Double] = []
    public var gridBaseline = 0.0
    /// Dataset-name test: the accepted names, normalized, and those that occur in the prompt.
    public var aliases: [String] = []
    public var aliasesInPrompt: [String] = []

    public init() {}

    /// The trimmed feature names and rows of `dataset`.
    public init(rowsOf dataset: TabularDataset) {
        featureNames = dataset.featureNames.map(TabularPlanner.trimmed)
        rows = dataset.fields.dropFirst().map { $0.map(TabularPlanner.trimmed) }
        rowSet = Set(rows)
    }
}
