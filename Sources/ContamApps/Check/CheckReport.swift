import ContamText
import ContamDetect

/// Everything the report renderers need: the results, the summary, and the settings they were made with.
public struct CheckReport: Sendable {
    /// The index (or corpus) checked against, as the user named it.
    public var indexPath: String
    public var tokenizerOptions: TokenizerOptions
    public var options: CheckOptions
    /// N used by `gpt3` (when selected).
    public var gpt3NgramLength: Int?
    /// The n of the sketch first pass, when it ran (nil: off, or not applicable to the methods).
    public var firstPassNgramLength: Int?
    public var results: [ItemResult]
    public var summary: CheckSummary
    /// Caveats to print with the summary (approximations, skipped records).
    public var notes: [String]
    /// Set when the index was sketch-only: every verdict came from its n-gram sketches.
    public var sketchOnly: SketchOnlyCheck?

    /// The sketches a sketch-only check used.
    public struct SketchOnlyCheck: Sendable {
        public var ngramSizes: [Int]
        public var falsePositiveRate: Double

        public init(ngramSizes: [Int], falsePositiveRate: Double) {
            self.ngramSizes = ngramSizes
            self.falsePositiveRate = falsePositiveRate
        }
    }

    public init(indexPath: String, tokenizerOptions: TokenizerOptions, options: CheckOptions, gpt3NgramLength: Int?, firstPassNgramLength: Int? = nil,
                sketchOnly: SketchOnlyCheck? = nil, results: [ItemResult], notes: [String] = []) {
        self.sketchOnly = sketchOnly
        self.indexPath = indexPath
        self.tokenizerOptions = tokenizerOptions
        self.options = options
        self.gpt3NgramLength = gpt3NgramLength
        self.firstPassNgramLength = firstPassNgramLength
        self.results = results
        summary = CheckSummary(results: results, methods: options.methods)
        self.notes = notes + Self.methodNotes(options.methods, tokenizerOptions: tokenizerOptions)
        if let sketchOnly {
            let sizes = sketchOnly.ngramSizes.map(String.init).joined(separator: ", ")
            self.notes.append("sketch-only index (\(sizes)-grams, no suffix array): \"clean\" is certain; \"dirty\" rests on Bloom-filter membership, each n-gram probe a false positive with probability about \(sketchOnly.falsePositiveRate) (\"dirty?\": false positives alone would explain the hits, binomial p >= 0.01); \"undecided\" needs a full index to settle")
        }
    }

    /// The caveats that follow from the methods and the index's tokenizer options.
    public static func methodNotes(_ methods: [ContaminationMethod], tokenizerOptions: TokenizerOptions) -> [String] {
        var notes: [String] = []
        if methods.contains(.lmeval13) {
            notes.append(lmevalNote(tokenizerOptions))
        }
        // On a Janitor index the words are the harness's, for gpt3 and gpt4 too.
        guard tokenizerOptions.normalization != .lmeval else { return notes }
        let wordMethods = methods.filter { [.gpt3, .lmeval13, .gpt4].contains($0) }
        // lmeval13's own note covers punctuation (and --drop-punct does not make it exact).
        let punctuationMethods = wordMethods.filter { $0 != .lmeval13 }
        if !punctuationMethods.isEmpty && !tokenizerOptions.dropPunctuation {
            notes.append("\(punctuationMethods.map(\.rawValue).joined(separator: ", ")): the index keeps punctuation, so words must match together with the punctuation between them (may miss hits); build the index with --drop-punct for the exact definitions")
        }
        if !wordMethods.isEmpty && tokenizerOptions.keepCase {
            notes.append("\(wordMethods.map(\.rawValue).joined(separator: ", ")): the index keeps case, so matching is case-sensitive (the definitions lowercase)")
        }
        return notes
    }

    /// Whether `lmeval13` is lm-evaluation-harness's definition on this index, and why not when it is not.
    public static func lmevalNote(_ tokenizerOptions: TokenizerOptions) -> String {
        if tokenizerOptions.normalization == .lmeval {
            return "lmeval13: exact: the index holds lm-eval's Janitor words (normalize_string, then split at white space), so the verdicts are decontaminate.py's (any shared 13-gram, no frequency cutoff)"
        }
        var differences = ["contam's tokenizer splits words at punctuation where the Janitor deletes it inside them (can't -> can t, not cant; 0.5 -> 0 5, not 05)",
                           "makes every CJK ideograph a word where the Janitor keeps a space-free run as one",
                           "applies NFKC and Unicode lowercasing\(tokenizerOptions.foldTypography ? " and folds typographic quotes and dashes" : "")"]
        if !tokenizerOptions.dropPunctuation { differences.append("keeps punctuation tokens between the words, which must match too") }
        return "lmeval13: an approximation on this index: \(differences.joined(separator: ", ")); build the index with --normalize lmeval for the harness's exact definition"
    }

    /// The verbatim totals, counting only items whose spans are known: "3 items share a span of at least
    /// 8 tokens with the corpus (longest 120 tokens)", or "3 of the 160 items fully checked share …".
    public var verbatimSummary: String {
        if sketchOnly != nil {
            return "not computed (sketch-only index); \(summary.verbatimKnown) of \(summary.items) item\(summary.items == 1 ? "" : "s") certainly share no span of at least \(options.minMatch) tokens with the corpus"
        }
        let who = summary.verbatimKnown == summary.items
            ? "\(summary.withVerbatimSpan) item\(summary.withVerbatimSpan == 1 ? "" : "s")"
            : "\(summary.withVerbatimSpan) of the \(summary.verbatimKnown) item\(summary.verbatimKnown == 1 ? "" : "s") fully checked"
        return "\(who) share a span of at least \(options.minMatch) tokens with the corpus (longest \(longestMatchSummary) tokens)"
    }

    /// The longest match over all items: exact, or "< n" when cleared items (whose longest is < n) could
    /// hold it.
    public var longestMatchSummary: String {
        if summary.cleared > 0, let n = firstPassNgramLength, summary.longestMatchTokens < n { return "< \(n)" }
        return "\(summary.longestMatchTokens)"
    }

    /// The near-verbatim count, with the number of items it is over when some are unknown: "2" or
    /// "2 of the 160 items fully checked".
    public var nearVerbatimSummary: String {
        if sketchOnly != nil {
            return "not computed (sketch-only index); \(summary.nearKnown) of \(summary.items) item\(summary.items == 1 ? "" : "s") certainly have none"
        }
        return summary.nearKnown == summary.items ? "\(summary.nearVerbatim)"
            : "\(summary.nearVerbatim) of the \(summary.nearKnown) item\(summary.nearKnown == 1 ? "" : "s") fully checked"
    }

    /// What the sketch first pass did, when it ran.
    public var firstPassSummary: String? {
        guard let n = firstPassNgramLength else { return nil }
        let cleared = summary.cleared
        guard cleared > 0 else {
            return "the \(n)-gram sketch cleared none of the \(summary.items) item\(summary.items == 1 ? "" : "s") (each has a \(n)-gram that may be in the corpus, or too few tokens), so all were fully checked"
        }
        let falsePositives = summary.clearedFalsePositives
        let ruledOut = falsePositives == 0 ? "" : "; \(falsePositives) sketch hit\(falsePositives == 1 ? "" : "s") among them looked up in the suffix array: false positive\(falsePositives == 1 ? "" : "s")"
        return "the \(n)-gram sketch cleared \(cleared) of \(summary.items) item\(summary.items == 1 ? "" : "s") (no \(n)-gram in the corpus, so every selected method is clean\(ruledOut)); their other suffix-array figures were skipped (--no-first-pass computes them)"
    }

    /// The label of the most telling source of an item: the near-verbatim match's document, else the
    /// first source of its longest verbatim span.
    public static func topSource(_ result: ItemResult) -> String? {
        if let near = result.near, let best = near.best, near.isNearVerbatim { return best.source.label }
        let longest = (result.spans ?? []).filter { !$0.sources.isEmpty }.max { $0.tokenCount < $1.tokenCount }
        return longest?.sources.first?.label ?? result.near?.best.flatMap { $0.similarity > 0 ? $0.source.label : nil }
    }
}
