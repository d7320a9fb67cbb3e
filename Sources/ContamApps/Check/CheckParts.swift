import Foundation
import ContamDetect
import ContamCorpus
import ContamIndex
import ContamStorage

/// `contam check` over the parts of a `--shard K/N` split, one part per job: `writePartial` checks the items against
/// one part and writes a `PartialCheckResult` (`--partial FILE`); `combine` turns the partial results of every part
/// into the report, verdicts and exit code one check on the merged index gives (`--combine`).
extension CheckPipeline {
    /// Reads the items, records this part's answers about them and writes the partial result to `partialPath`
    /// (atomically; never over an input). Returns the line to print on stderr. Refuses a sketch-only index (merge
    /// sketches with `contam merge`: the OR of the parts is exact and small) and the outputs only `--combine` renders.
    public static func writePartial(_ request: CheckRequest, index: OpenedIndex, partialPath: String,
                                    progress: (any ProgressReporter)? = nil) throws -> String {
        guard case .full(let full) = index else {
            throw IndexError.incompatibleOptions(path: index.path, detail: "--partial records suffix-array answers, and this index was built with --sketch-only; merge sketch-only parts with 'contam merge' (their OR is the whole corpus's sketch) and check the merged sketch")
        }
        try OutputPath(partialPath).refuseOverwriting(inputs: request.itemPaths + [request.indexPath])
        progress?.begin("reading items")
        let set = try ItemReader(options: request.reader).read(paths: request.itemPaths)
        let checker = ContaminationChecker(membership: .suffixArray(full), options: request.options)
        let tokenized = try checker.tokenize(set.items)
        progress?.begin("recording the answers of \(set.items.count) items")
        let recorder = PartialCheckRecorder(index: full, options: request.options, tokenized: tokenized)
        let partial = try recorder.record(items: set.items, tokenized: tokenized, indexPath: request.indexPath,
                                          notes: notes(for: set, listSkippedInputs: request.listSkippedInputs))
        progress?.finish()
        try partial.write(to: partialPath)
        let part = partial.part.index.map { k in "part \(k)/\(partial.part.count ?? 0)" } ?? "a whole index (not a --shard part)"
        return "wrote \(partialPath): \(set.items.count) item\(set.items.count == 1 ? "" : "s") against \(request.indexPath), \(part), \(partial.documents.count) source document\(partial.documents.count == 1 ? "" : "s") recorded; combine the parts with 'contam check --combine'"
    }

    /// The outcome of one check on the merged index, from the partial results at `partialPaths` (one per part, any
    /// order). `request.indexPath` names the merged index in the report; its items, methods and check options come
    /// from the partials (`request.options.threads` is used); `--write-clean` is refused (the partials keep item
    /// texts, not the records' bytes).
    public static func combine(_ request: CheckRequest, partialPaths: [String], allowMissingParts: Bool = false) throws -> CheckOutcome {
        if request.writeCleanPath != nil {
            throw DetectError.badPartial(path: partialPaths.first ?? "--combine", detail: "--write-clean needs the items files themselves, which a partial result does not keep; run 'contam check' on the merged index, or filter the items by the --json report")
        }
        for output in [request.htmlPath].compactMap({ $0 }) {
            try OutputPath(output).refuseOverwriting(inputs: partialPaths)
        }
        let combiner = try PartialCheckCombiner(paths: partialPaths, allowMissingParts: allowMissingParts)
        var options = try combiner.options(threads: request.options.threads, sourcePassages: request.output != .table)
        for rule in request.failOn where !options.methods.contains(rule.method) {
            throw DetectError.badPartial(path: combiner.paths[0], detail: "--fail-on \(rule.method.rawValue) needs the method, and the parts were checked with --method \(options.methods.map(\.rawValue).joined(separator: ",")); add it to the parts' --method")
        }
        options.threads = request.options.threads
        let (report, checker) = try combinedReport(combiner, indexPath: request.indexPath, options: options)
        var outcome = try outcome(report, checker: checker, set: nil, request: request)
        if let note = combiner.missingNote {
            outcome.messages.insert("note: \(note): the report covers only the parts given (--allow-missing-parts)", at: 0)
        }
        return outcome
    }

    /// The report of one check on the merged index from `combiner`'s partials; `options` are the combiner's
    /// (with the caller's threads and passages), `notes` go before the parts' own.
    public static func combinedReport(_ combiner: PartialCheckCombiner, indexPath: String, options: CheckOptions,
                                      notes: [String] = []) throws -> (report: CheckReport, checker: ContaminationChecker) {
        let (results, checker, gpt3N) = try combiner.combine(options: options)
        let report = CheckReport(indexPath: indexPath, tokenizerOptions: checker.membership.tokenizerOptions, options: options,
                                 gpt3NgramLength: options.methods.contains(.gpt3) ? gpt3N : nil, firstPassNgramLength: combiner.firstPassNgramLength,
                                 sketchOnly: nil, results: results, notes: notes + combiner.notes)
        return (report, checker)
    }

    /// `contam check NAME ITEMS --server URL`: the items are read here, checked by the server (which answers with
    /// its partial result, as one part of a split would), and the report is made here exactly as a local check
    /// makes it, in every output, with `--html`, `--write-clean` and `--fail-on`. All items go in one request (the
    /// GPT-3 n-gram length depends on the whole item set), so a server's item or body limit is an error.
    public static func remote(_ request: CheckRequest, client: ServeClient, progress: (any ProgressReporter)? = nil) throws -> CheckOutcome {
        var options = request.options
        for rule in request.failOn where !options.methods.contains(rule.method) { options.methods.append(rule.method) }
        try refuseUnsafeOutputs(request, inputs: request.itemPaths)
        let set = try readItems(request, progress: progress)
        let body: [String: Any] = [
            "index": request.indexPath, "partial": true,
            "items": set.items.map { item -> [String: Any] in
                ["id": item.id, "text": String(decoding: item.text, as: UTF8.self), "source": item.sourcePath, "record": item.recordNumber]
            },
            "methods": options.methods.map(\.rawValue), "min_match": options.minMatch, "max_sources": options.maxSources, "min_span": options.minSpan,
            "similarity": options.similarity, "seed_length": options.seedLength, "first_pass": options.firstPass, "max_item_tokens": options.maxItemTokens,
        ]
        progress?.begin("checking \(set.items.count) items at \(client.baseURL.absoluteString)")
        let data = try client.postText("/v1/check", body)
        let source = "server \(client.baseURL.absoluteString)"
        let combiner = try PartialCheckCombiner(partials: [try PartialCheckResult.decoded(data, source: source)], paths: [source])
        var combined = try combiner.options(threads: request.options.threads, sourcePassages: request.output != .table)
        combined.threads = request.options.threads
        progress?.finish()
        let (report, checker) = try combinedReport(combiner, indexPath: request.indexPath, options: combined,
                                                   notes: notes(for: set, listSkippedInputs: request.listSkippedInputs))
        return try outcome(report, checker: checker, set: set, request: request)
    }
}
