import Foundation
import ContamDetect
import ContamCorpus
import ContamStorage

/// What `contam check` was asked to do, once its arguments are parsed.
public struct CheckRequest: Sendable {
    public enum Output: String, Sendable { case table, json, markdown }

    /// The index as the user named it (for reports).
    public var indexPath: String
    public var itemPaths: [String]
    public var reader = ItemReaderOptions()
    /// List every file the item-directory walks did not read (`--verbose`), not only the count.
    public var listSkippedInputs = false
    public var options = CheckOptions()
    public var output = Output.table
    /// `--html FILE`.
    public var htmlPath: String?
    /// `--write-clean PATH`.
    public var writeCleanPath: String?
    /// `--fail-on` rules.
    public var failOn: [FailOnRule] = []
    /// List only flagged items in the table (`--flagged-only`).
    public var flaggedOnly = false
    /// ANSI colours in the table.
    public var color = false

    public init(indexPath: String, itemPaths: [String]) {
        self.indexPath = indexPath
        self.itemPaths = itemPaths
    }
}

/// What a check produced: the report, the text for stdout, messages for stderr, and the exit code
/// (0, or 1 when a `--fail-on` rule is violated).
public struct CheckOutcome: Sendable {
    public var report: CheckReport
    public var standardOutput: String
    public var messages: [String]
    public var exitCode: Int32
}

/// The whole of `contam check` after argument parsing, on a suffix array (any `CorpusQuerying`) or the
/// n-gram sketches of a sketch-only index, with the same methods, verdicts and reports: reads the items, checks
/// them, writes `--html` and `--write-clean` files (atomically), renders stdout and applies `--fail-on`.
/// Files are written before anything is printed, so a failure leaves no partial output.
public enum CheckPipeline {
    public static func run(_ request: CheckRequest, corpus: any CorpusQuerying, progress: (any ProgressReporter)? = nil) throws -> CheckOutcome {
        try run(request, membership: .suffixArray(corpus), progress: progress)
    }

    public static func run(_ request: CheckRequest, membership: CheckMembership, progress: (any ProgressReporter)? = nil) throws -> CheckOutcome {
        var options = request.options
        // The table shows source labels only; the other outputs show passages.
        if request.output == .table { options.sourcePassages = false }
        for rule in request.failOn where !options.methods.contains(rule.method) { options.methods.append(rule.method) }
        try refuseUnsafeOutputs(request, inputs: request.itemPaths + [request.indexPath])
        let set = try readItems(request, progress: progress)
        let (report, checker) = try check(set, indexPath: request.indexPath, options: options, membership: membership,
                                          listSkippedInputs: request.listSkippedInputs, progress: progress)
        return try outcome(report, checker: checker, set: set, request: request)
    }

    /// Refused before the work, not after it: --html and --write-clean never write over an input (`inputs`) or each other.
    static func refuseUnsafeOutputs(_ request: CheckRequest, inputs: [String]) throws {
        for output in [request.htmlPath, request.writeCleanPath].compactMap({ $0 }) {
            try OutputPath(output).refuseOverwriting(inputs: inputs)
        }
        if let htmlPath = request.htmlPath, let cleanPath = request.writeCleanPath {
            try OutputPath(htmlPath).refuseCoinciding(with: OutputPath(cleanPath), options: ("--html", "--write-clean"))
        }
    }

    /// The request's items; a JSON document cannot be rewritten item by item, so --write-clean of one is refused
    /// here, before the check, not after it.
    static func readItems(_ request: CheckRequest, progress: (any ProgressReporter)?) throws -> ItemSet {
        progress?.begin("reading items")
        let set = try ItemReader(options: request.reader).read(paths: request.itemPaths)
        if request.writeCleanPath != nil, let input = set.inputs.first(where: { $0.cleanCopyRefusal != nil }) {
            throw DetectError.cleanCopyUnsupported(path: input.path, reason: input.cleanCopyRefusal ?? "")
        }
        return set
    }

    /// The outputs of a finished check: the `--html` and `--write-clean` files (`set` is needed for the latter),
    /// stdout, the messages and the `--fail-on` exit code.
    static func outcome(_ report: CheckReport, checker: ContaminationChecker, set: ItemSet?, request: CheckRequest) throws -> CheckOutcome {
        let results = report.results
        var messages: [String] = []
        if let htmlPath = request.htmlPath {
            let html = try HTMLReport.render(report, documents: checker.documents)
            do {
                try Data(html.utf8).write(to: URL(fileURLWithPath: htmlPath), options: .atomic)
            } catch {
                throw DetectError.cannotWrite(path: htmlPath, message: error.localizedDescription)
            }
            messages.append("wrote \(htmlPath) (\(report.summary.flagged) flagged item\(report.summary.flagged == 1 ? "" : "s"))")
        }
        if let cleanPath = request.writeCleanPath, let set {
            // An undecided item is not known to be clean, so it is left out too.
            let (kept, dropped) = try CleanItemsWriter.write(set, dropping: { results[$0].isFlagged || results[$0].isUndecided }, to: cleanPath)
            let undecided = results.filter { !$0.isFlagged && $0.isUndecided }.count
            let flagged = dropped - undecided
            messages.append("wrote \(cleanPath): \(kept) item\(kept == 1 ? "" : "s") kept, \(flagged) flagged item\(flagged == 1 ? "" : "s") left out"
                + (undecided > 0 ? ", and \(undecided) undecided item\(undecided == 1 ? "" : "s") (a sketch-only index cannot clear them)" : ""))
        }
        let standardOutput: String
        switch request.output {
        case .table: standardOutput = TableReport.render(report, color: request.color, flaggedOnly: request.flaggedOnly)
        case .json:
            standardOutput = JSONReport.render(report)
            messages.insert(contentsOf: TableReport.summaryLines(report), at: 0)
        case .markdown: standardOutput = MarkdownReport.render(report)
        }
        var exitCode: Int32 = 0
        for rule in request.failOn {
            let violated = rule.isViolated(by: report.summary)
            messages.append("--fail-on \(rule.explanation(report.summary))\(violated ? ": failing" : "")")
            if violated { exitCode = 1 }
        }
        return CheckOutcome(report: report, standardOutput: standardOutput, messages: messages, exitCode: exitCode)
    }

    /// Checks items already read (`set`) and builds the report: what `run` does between reading the items and
    /// rendering. With `shouldStop`, items are checked one after another on the calling thread and the check
    /// throws `CheckInterrupted` as soon as `shouldStop` returns true (between items); without it they are
    /// spread over `options.threads` threads. Also returns the checker (its document cache feeds `--html`).
    public static func check(_ set: ItemSet, indexPath: String, options: CheckOptions, membership: CheckMembership, listSkippedInputs: Bool = false,
                             progress: (any ProgressReporter)? = nil, shouldStop: (() -> Bool)? = nil) throws -> (report: CheckReport, checker: ContaminationChecker) {
        let checker = ContaminationChecker(membership: membership, options: options)
        progress?.begin("checking \(set.items.count) items")
        let total = set.items.count
        let results: [ItemResult]
        if let shouldStop {
            // One item at a time on the caller's thread, asking between items whether to go on (a server's time limit).
            let tokenized = try checker.tokenize(set.items)
            let evaluator = checker.evaluator(for: tokenized)
            let firstPass = checker.firstPass(for: evaluator)
            var done: [ItemResult] = []
            for k in set.items.indices {
                if shouldStop() { throw CheckInterrupted(itemsDone: k, items: total) }
                done.append(try checker.check(set.items[k], tokenized: tokenized[k], evaluator: evaluator, firstPass: firstPass))
            }
            results = done
        } else {
            results = try checker.check(set.items) { done in progress?.update(done: done, total: total, bytes: false) }
        }
        progress?.finish()
        let notes = notes(for: set, listSkippedInputs: listSkippedInputs)
        let evaluator = checker.evaluator(for: results.map(\.tokenized))
        let gpt3N = options.methods.contains(.gpt3) ? evaluator.gpt3NgramLength : nil
        var sketchOnly: CheckReport.SketchOnlyCheck?
        if case .sketch(let index) = membership {
            sketchOnly = CheckReport.SketchOnlyCheck(ngramSizes: index.sketchNGramSizes, falsePositiveRate: index.sketchFalsePositiveRate)
        }
        let report = CheckReport(indexPath: indexPath, tokenizerOptions: membership.tokenizerOptions, options: options,
                                 gpt3NgramLength: gpt3N, firstPassNgramLength: checker.firstPass(for: evaluator)?.ngramLength,
                                 sketchOnly: sketchOnly, results: results, notes: notes)
        return (report, checker)
    }

    /// The report's notes about reading the items: skipped records, replaced UTF-8, inputs the walks did not read.
    static func notes(for set: ItemSet, listSkippedInputs: Bool) -> [String] {
        var notes: [String] = []
        if set.skippedRecords > 0 {
            notes.append("\(set.skippedRecords) malformed record\(set.skippedRecords == 1 ? "" : "s") skipped (--skip-bad-records), first: \(set.skipReasons.first ?? "")")
        }
        if set.invalidUTF8Replaced > 0 { notes.append("\(set.invalidUTF8Replaced) invalid UTF-8 sequences in items replaced by U+FFFD") }
        if let skipped = SkippedInput.summary(set.skippedInputs, listed: listSkippedInputs) {
            notes.append(skipped + (listSkippedInputs ? ": " + set.skippedInputs.map { "\($0.path) (\($0.reason.phrase))" }.joined(separator: ", ") : ""))
        }
        return notes
    }
}

/// A check stopped by its caller (`CheckPipeline.check(_:…shouldStop:)`) before every item was done.
public struct CheckInterrupted: Error, CustomStringConvertible, Sendable {
    public var itemsDone: Int
    public var items: Int
    public var description: String { "the check stopped after \(itemsDone) of \(items) items" }
}
