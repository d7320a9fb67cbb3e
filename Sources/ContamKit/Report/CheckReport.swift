/// Everything the report renderers need: the results, the summary, and the settings they were made with.
public struct CheckReport: Sendable {
    /// The index (or corpus) checked against, as the user named it.
    public var indexPath: String
    public var tokenizerOptions: TokenizerOptions
    public var options: CheckOptions
    /// N used by `gpt3` (when selected).
    public var gpt3NgramLength: Int?
    public var results: [ItemResult]
    public var summary: CheckSummary
    /// Caveats to print with the summary (approximations, skipped records).
    public var notes: [String]

    public init(indexPath: String, tokenizerOptions: TokenizerOptions, options: CheckOptions, gpt3NgramLength: Int?, results: [ItemResult], notes: [String] = []) {
        self.indexPath = indexPath
        self.tokenizerOptions = tokenizerOptions
        self.options = options
        self.gpt3NgramLength = gpt3NgramLength
        self.results = results
        summary = CheckSummary(results: results, methods: options.methods)
        self.notes = notes + Self.methodNotes(options.methods, tokenizerOptions: tokenizerOptions)
    }

    /// The caveats that follow from the methods and the index's tokenizer options.
    public static func methodNotes(_ methods: [ContaminationMethod], tokenizerOptions: TokenizerOptions) -> [String] {
        var notes: [String] = []
        let wordMethods = methods.filter { [.gpt3, .lmeval13, .gpt4].contains($0) }
        if !wordMethods.isEmpty && !tokenizerOptions.dropPunctuation {
            notes.append("\(wordMethods.map(\.rawValue).joined(separator: ", ")): the index keeps punctuation, so words must match together with the punctuation between them (may miss hits); build the index with --drop-punct for the exact definitions")
        }
        if !wordMethods.isEmpty && tokenizerOptions.keepCase {
            notes.append("\(wordMethods.map(\.rawValue).joined(separator: ", ")): the index keeps case, so matching is case-sensitive (the definitions lowercase)")
        }
        return notes
    }

    /// The label of the most telling source of an item: the near-verbatim match's document, else the
    /// first source of its longest verbatim span.
    public static func topSource(_ result: ItemResult) -> String? {
        if let best = result.near.best, result.near.isNearVerbatim { return best.source.label }
        let longest = result.verbatim.spans.filter { !$0.sources.isEmpty }.max { $0.tokenCount < $1.tokenCount }
        return longest?.sources.first?.label ?? result.near.best.flatMap { $0.similarity > 0 ? $0.source.label : nil }
    }
}
