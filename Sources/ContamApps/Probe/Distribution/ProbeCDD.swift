import Foundation
import ContamStatistics
import ContamText
import ContamModel

/// What `contam probe cdd` asks (Dong et al. 2024, *Generalization or Memorization*; docs/probe.md).
public struct ProbeCDDOptions: Sendable {
    /// Samples per item (the paper's n = 50) at `temperature` (the paper's 0.8), beside one greedy answer.
    public var samples = 50
    public var temperature = 0.8
    /// A sample counts as "at the greedy output" when its token edit distance is at most α × l, l the longest output.
    public var alpha = 0.05
    /// An item is contaminated when the fraction of samples at the greedy output exceeds ξ.
    public var xi = 0.01
    public var maxTokens = 128
    public var mode: ModelRequest.Kind = .chat
    public var seed: UInt64 = 0
    public init() {}
}

/// One item's outcome: the JSON object `--json` prints with `"kind": "cdd"` (keys are a contract).
public struct CDDItemResult: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable { case contaminated, clean }

    public var kind = "cdd"
    public var id: String
    public var location: String
    public var control: Bool
    /// The fraction of samples within α × l tokens of the greedy output.
    public var peakedness: Double
    public var verdict: Verdict
    /// Samples within the distance, of `samples`; l and α × l in tokens.
    public var within: Int
    public var samples: Int
    public var maxLength: Int
    public var distanceLimit: Double
    public var greedy: String
    /// The first few samples, as the model wrote them.
    public var sampled: [String]

    enum CodingKeys: String, CodingKey {
        case kind, id, location, control, peakedness, verdict, within, samples, greedy, sampled
        case maxLength = "max_length", distanceLimit = "distance_limit"
    }

    /// Peakedness and verdict of a greedy output and its samples, in tokens of `tokenizer` (token-level Levenshtein
    /// distance: one insertion, deletion or substitution of a token each).
    public static func judge(greedy: String, samples: [String], alpha: Double, xi: Double, tokenizer: Tokenizer) -> (peakedness: Double, within: Int, maxLength: Int, limit: Double, verdict: Verdict) {
        let greedyTokens = tokenizer.tokens(in: greedy).map(\.text)
        let sampleTokens = samples.map { tokenizer.tokens(in: $0).map(\.text) }
        let maxLength = ([greedyTokens.count] + sampleTokens.map(\.count)).max() ?? 0
        let limit = alpha * Double(maxLength)
        let within = sampleTokens.filter { Double(Levenshtein.distance($0, greedyTokens)) <= limit }.count
        let peakedness = samples.isEmpty ? 0 : Double(within) / Double(samples.count)
        return (peakedness, within, maxLength, limit, peakedness > xi ? .contaminated : .clean)
    }
}

/// The summary object of `--json` (`"kind": "summary"`).
public struct CDDSummary: Codable, Sendable, Equatable {
    public var kind = "summary"
    public var model: String
    public var endpoint: String
    public var mode: String
    public var samples: Int
    public var temperature: Double
    public var alpha: Double
    public var xi: Double
    public var items: Int
    public var contaminated: ProbeRate
    public var meanPeakedness: Double?
    /// The same on `--control` items, and Fisher's one-sided p that the benchmark has more contaminated items.
    public var control: ProbeRate?
    public var pValue: Double?
    public var verdict: MemorizationVerdict
    public var reason: String
    public var requestsSent: Int
    public var cacheHits: Int

    enum CodingKeys: String, CodingKey {
        case kind, model, endpoint, mode, samples, temperature, alpha, xi, items, contaminated, control, verdict, reason
        case meanPeakedness = "mean_peakedness", pValue = "p_value", requestsSent = "requests_sent", cacheHits = "cache_hits"
    }
}

public struct CDDReport: Sendable, Equatable {
    public var results: [CDDItemResult]
    public var summary: CDDSummary
}

/// Asks for one greedy answer and n samples per item, then judges the peakedness: `contam probe cdd`.
public struct ProbeCDDRunner: Sendable {
    public let client: ModelClient
    public let options: ProbeCDDOptions
    let tokenizer = Tokenizer(options: TokenizerOptions())

    public init(client: ModelClient, options: ProbeCDDOptions) {
        self.client = client
        self.options = options
    }

    /// The greedy request of an item's prompt, then its seeded samples.
    public func requests(prompt: String, label: String) -> [ModelRequest] {
        func request(_ temperature: Double, _ label: String) -> ModelRequest {
            options.mode == .chat ? .chat([.user(prompt)], maxTokens: options.maxTokens, temperature: temperature, label: label)
                : .completion(prompt, maxTokens: options.maxTokens, temperature: temperature, label: label)
        }
        return [request(0, label)] + (0..<options.samples).map { k in
            request(options.temperature, "\(label), sample \(k + 1)").sample(k, runSeed: options.seed)
        }
    }

    /// Runs `items` (and `control`): (id, location, prompt) each. The first failed request stops the run (answers
    /// so far are cached).
    public func run(items: [(id: String, location: String, prompt: String)], control: [(id: String, location: String, prompt: String)] = [],
                    progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> CDDReport {
        let all = items.map { ($0, false) } + control.map { ($0, true) }
        let per = 1 + options.samples
        let requests = all.flatMap { entry in self.requests(prompt: entry.0.prompt, label: "\(entry.1 ? "control " : "")item \(entry.0.id) (\(entry.0.location))") }
        let before = client.statistics
        let answers = try await client.completeAllOrThrow(requests, progress: progress)
        let after = client.statistics
        var results: [CDDItemResult] = []
        for (k, entry) in all.enumerated() {
            let texts = answers[(k * per)..<((k + 1) * per)].map(\.text)
            let judged = CDDItemResult.judge(greedy: texts[0], samples: Array(texts.dropFirst()), alpha: options.alpha, xi: options.xi, tokenizer: tokenizer)
            results.append(CDDItemResult(id: entry.0.id, location: entry.0.location, control: entry.1, peakedness: judged.peakedness, verdict: judged.verdict,
                                         within: judged.within, samples: options.samples, maxLength: judged.maxLength, distanceLimit: judged.limit,
                                         greedy: texts[0], sampled: Array(texts.dropFirst().prefix(3))))
        }
        return CDDReport(results: results, summary: summarize(results, requestsSent: after.requestsSent - before.requestsSent, cacheHits: after.cacheHits - before.cacheHits))
    }

    /// Verdicts over the benchmark: with a control, memorized when Fisher's p < 0.01 and at least 2 items are
    /// contaminated, inconclusive when p < 0.05; without, inconclusive at most (a peaked answer may be a short or a
    /// formulaic one: docs/probe.md).
    func summarize(_ results: [CDDItemResult], requestsSent: Int, cacheHits: Int) -> CDDSummary {
        let benchmark = results.filter { !$0.control }
        let control = results.filter(\.control)
        let hits = benchmark.filter { $0.verdict == .contaminated }.count
        let rate = ProbeRate(hits, of: benchmark.count)
        var controlRate: ProbeRate?
        var p: Double?
        var verdict = MemorizationVerdict.noEvidence
        var reason: String
        if !control.isEmpty {
            let controlHits = control.filter { $0.verdict == .contaminated }.count
            controlRate = ProbeRate(controlHits, of: control.count)
            p = PairedTests.fisherUpperTail(hits: hits, trials: benchmark.count, controlHits: controlHits, controlTrials: control.count)
            if let p, p < 0.01, hits >= 2 { verdict = .memorized } else if let p, p < 0.05 { verdict = .inconclusive }
            reason = "\(hits)/\(benchmark.count) benchmark items peaked against \(controlHits)/\(control.count) control items"
        } else {
            verdict = hits > 0 ? .inconclusive : .noEvidence
            reason = "\(hits)/\(benchmark.count) items peaked; no --control items to compare with"
        }
        let peaks = benchmark.map(\.peakedness)
        return CDDSummary(model: client.configuration.model, endpoint: client.configuration.endpoint.absoluteString, mode: options.mode.rawValue,
                          samples: options.samples, temperature: options.temperature, alpha: options.alpha, xi: options.xi, items: benchmark.count,
                          contaminated: rate, meanPeakedness: peaks.isEmpty ? nil : peaks.reduce(0, +) / Double(peaks.count),
                          control: controlRate, pValue: p, verdict: verdict, reason: reason, requestsSent: requestsSent, cacheHits: cacheHits)
    }
}

/// Renders a CDD run: a table of items, the summary, Markdown and JSON lines.
public enum ProbeCDDRenderer {
    public static func human(_ report: CDDReport, colour: Bool) -> String {
        let s = report.summary
        var out = ReportText.bold("contam probe cdd", colour) + " — \(s.model) at \(s.endpoint), \(s.mode) mode: \(s.samples) samples at temperature \(s.temperature) beside the greedy answer; α = \(s.alpha), ξ = \(s.xi)\n"
        out += "\(s.requestsSent) requests sent, \(s.cacheHits) answers from the cache\n\n"
        let rows = report.results.map { r in
            [r.control ? "control" : "item", r.id, String(format: "%.2f", r.peakedness), "\(r.within)/\(r.samples)", r.verdict.rawValue, String(r.greedy.prefix(60)).replacingOccurrences(of: "\n", with: "⏎ ")]
        }
        out += ReportText.table(header: ["SET", "ID", "PEAK", "AT GREEDY", "VERDICT", "GREEDY ANSWER"], rows: rows) { column, row, text in
            column == 4 && report.results[row].verdict == .contaminated ? ReportText.styled(text, ReportText.Colour.red, colour) : text
        }
        out += "\nContaminated: \(s.contaminated.text)" + (s.control.map { "; control \($0.text)" } ?? "") + (s.pValue.map { String(format: "; Fisher p = %.3g", $0) } ?? "") + "\n"
        out += "Overall: " + ReportText.paint(s.verdict.rawValue, verdict: s.verdict, colour) + " (\(s.reason)).\n"
        return out
    }

    public static func markdown(_ report: CDDReport) -> String {
        let s = report.summary
        var out = "### contam probe cdd: `\(s.model)`\n\n| set | id | peakedness | at greedy | verdict |\n|---|---|---:|---:|---|\n"
        for r in report.results { out += "| \(r.control ? "control" : "item") | \(ReportText.markdownCell(r.id)) | \(String(format: "%.2f", r.peakedness)) | \(r.within)/\(r.samples) | \(r.verdict.rawValue) |\n" }
        out += "\nContaminated: \(s.contaminated.text)" + (s.control.map { "; control \($0.text)" } ?? "") + (s.pValue.map { String(format: "; Fisher p = %.3g", $0) } ?? "") + ". Overall: **\(s.verdict.rawValue)** (\(s.reason)).\n"
        return out
    }

    public static func jsonLines(_ report: CDDReport) -> [String] {
        report.results.map(ReportText.jsonLine) + [ReportText.jsonLine(report.summary)]
    }
}
