import Foundation
import ContamText
import ContamIndex
import ContamDetect
import ContamModel

/// What `contam probe compress` asks: the prefix form of the adversarial compression ratio (Schwarzschild et al.
/// 2024). Their ratio searches, with gradients, for the shortest prompt that elicits a text; an API allows only
/// prompts we can write, so this searches the text's own prefixes: the shortest prefix whose greedy continuation
/// reproduces the rest. Ratio = tokens of the rest / tokens of that prefix: an upper bound on the prompt their
/// search would find, so a ratio above 1 is evidence of memorization and a ratio at or below 1 is not evidence against.
public struct ProbeCompressOptions: Sendable {
    public var mode: ModelRequest.Kind = .completion
    /// Texts longer than this many index tokens are cut to it (the searched text is the first `maxTokens`).
    public var maxTextTokens = 256
    public init() {}
}

/// One text's outcome: the JSON object `--json` prints with `"kind": "compress"`.
public struct CompressResult: Codable, Sendable, Equatable {
    public var kind = "compress"
    public var id: String
    public var location: String
    /// Index tokens of the searched text.
    public var tokens: Int
    /// The shortest eliciting prefix found (tokens and original text), nil when even the longest prefix does not elicit the rest.
    public var prefixTokens: Int?
    public var elicitingPrefix: String?
    /// Tokens of the rest / tokens of the prefix; nil when none was found.
    public var ratio: Double?
    public var memorized: Bool
    /// Requests the binary search sent or read from the cache.
    public var requests: Int
    /// Occurrences of the text in `--index` (nil without one).
    public var duplicates: Int?

    enum CodingKeys: String, CodingKey {
        case kind, id, location, tokens, ratio, memorized, requests, duplicates
        case prefixTokens = "prefix_tokens", elicitingPrefix = "eliciting_prefix"
    }
}

public struct CompressSummary: Codable, Sendable, Equatable {
    public var kind = "summary"
    public var model: String
    public var endpoint: String
    public var mode: String
    public var texts: Int
    /// Texts with a ratio above 1.
    public var memorized: ProbeRate
    /// Texts for which some prefix elicited the rest.
    public var found: Int
    public var medianRatio: Double?
    public var requestsSent: Int
    public var cacheHits: Int

    enum CodingKeys: String, CodingKey {
        case kind, model, endpoint, mode, texts, memorized, found
        case medianRatio = "median_ratio", requestsSent = "requests_sent", cacheHits = "cache_hits"
    }
}

public struct CompressReport: Sendable, Equatable {
    public var results: [CompressResult]
    public var summary: CompressSummary
}

/// Binary search over prefix lengths, one greedy request per step, the texts in parallel (the client bounds it).
public struct ProbeCompressRunner: Sendable {
    public let client: ModelClient
    public let options: ProbeCompressOptions
    public let corpus: (any CorpusQuerying)?
    let judge: ExtractionJudge
    let tokenizer: Tokenizer

    public init(client: ModelClient, options: ProbeCompressOptions, corpus: (any CorpusQuerying)? = nil) {
        self.client = client
        self.options = options
        self.corpus = corpus
        let tokenizerOptions = corpus?.tokenizerOptions ?? TokenizerOptions()
        judge = ExtractionJudge(tokenizerOptions: tokenizerOptions)
        tokenizer = Tokenizer(options: tokenizerOptions)
    }

    public func run(texts: [(id: String, location: String, text: String)], progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> CompressReport {
        let before = client.statistics
        let results = try await withThrowingTaskGroup(of: (Int, CompressResult).self) { group in
            for (k, text) in texts.enumerated() {
                group.addTask { (k, try await self.search(text)) }
            }
            var results = [CompressResult?](repeating: nil, count: texts.count)
            var done = 0
            for try await (k, result) in group {
                results[k] = result
                done += 1
                progress?(done, texts.count)
            }
            return results.compactMap { $0 }
        }
        let after = client.statistics
        let ratios = results.compactMap(\.ratio).sorted()
        let median = ratios.isEmpty ? nil : ratios.count % 2 == 1 ? ratios[ratios.count / 2] : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
        let summary = CompressSummary(model: client.configuration.model, endpoint: client.configuration.endpoint.absoluteString, mode: options.mode.rawValue,
                                      texts: results.count, memorized: ProbeRate(results.filter(\.memorized).count, of: results.count),
                                      found: results.filter { $0.ratio != nil }.count, medianRatio: median,
                                      requestsSent: after.requestsSent - before.requestsSent, cacheHits: after.cacheHits - before.cacheHits)
        return CompressReport(results: results, summary: summary)
    }

    /// The shortest prefix p (1 ≤ p < m) whose greedy continuation reproduces the other m − p tokens exactly, found by
    /// binary search: p = m − 1 first (if even that fails, there is none), then halving. Assumes that a longer prefix
    /// elicits whenever a shorter one does, as the ratio's definition does; a model that breaks it makes the ratio a
    /// lower bound of the best prefix.
    func search(_ text: (id: String, location: String, text: String)) async throws -> CompressResult {
        let bytes = Array(text.text.utf8)
        let tokens = Array(tokenizer.tokens(in: bytes).prefix(options.maxTextTokens))
        var result = CompressResult(id: text.id, location: text.location, tokens: tokens.count, prefixTokens: nil, elicitingPrefix: nil, ratio: nil,
                                    memorized: false, requests: 0, duplicates: corpus.map { $0.count(of: tokens.map(\.text)[...]) })
        guard tokens.count >= 2 else { return result }
        func original(_ range: Range<Int>) -> String {
            String(decoding: bytes[tokens[range.lowerBound].byteRange.lowerBound..<tokens[range.upperBound - 1].byteRange.upperBound], as: UTF8.self)
        }
        func elicits(_ p: Int) async throws -> Bool {
            result.requests += 1
            let prompt = original(0..<p)
            let rest = tokens[p...].map(\.text)
            let label = "text \(text.id) (\(text.location)), prefix of \(p) tokens"
            let maxTokens = 2 * rest.count + 8
            let request: ModelRequest = options.mode == .chat
                ? .chat([.system(ProbeExtractRunner.chatInstruction), .user(prompt)], maxTokens: maxTokens, label: label)
                : .completion(prompt, maxTokens: maxTokens, label: label)
            return judge.judge(continuation: try await client.complete(request).text, truth: rest).isExact
        }
        var high = tokens.count - 1
        guard try await elicits(high) else { return result }
        var low = 1
        while low < high {
            let middle = (low + high) / 2
            if try await elicits(middle) { high = middle } else { low = middle + 1 }
        }
        result.prefixTokens = high
        result.elicitingPrefix = original(0..<high)
        result.ratio = Double(tokens.count - high) / Double(high)
        result.memorized = result.ratio! > 1
        return result
    }
}

public enum ProbeCompressRenderer {
    public static func human(_ report: CompressReport, colour: Bool) -> String {
        let s = report.summary
        var out = ReportText.bold("contam probe compress", colour) + " — \(s.model) at \(s.endpoint), \(s.mode) mode: the shortest prefix of each text whose greedy continuation reproduces the rest\n"
        out += "\(s.requestsSent) requests sent, \(s.cacheHits) answers from the cache\n\n"
        let rows = report.results.map { r in
            [r.id, String(r.tokens), r.prefixTokens.map(String.init) ?? "none", r.ratio.map { String(format: "%.2f", $0) } ?? "–", r.memorized ? "memorized" : "no evidence",
             r.duplicates.map(String.init) ?? "", String((r.elicitingPrefix ?? "").prefix(50)).replacingOccurrences(of: "\n", with: "⏎ ")]
        }
        out += ReportText.table(header: ["ID", "TOKENS", "PREFIX", "RATIO", "VERDICT", "IN INDEX", "ELICITING PREFIX"], rows: rows) { column, row, text in
            column == 4 && report.results[row].memorized ? ReportText.styled(text, ReportText.Colour.red, colour) : text
        }
        out += "\nRatio above 1 (memorized): \(s.memorized.text); a prefix found for \(s.found) of \(s.texts)" + (s.medianRatio.map { String(format: ", median ratio %.2f", $0) } ?? "") + ".\n"
        out += "The ratio is the prefix form of the adversarial compression ratio: an upper bound on the prompt a gradient search would find.\n"
        return out
    }

    public static func markdown(_ report: CompressReport) -> String {
        let s = report.summary
        var out = "### contam probe compress: `\(s.model)`\n\n| id | tokens | prefix | ratio | verdict |\n|---|---:|---:|---:|---|\n"
        for r in report.results { out += "| \(ReportText.markdownCell(r.id)) | \(r.tokens) | \(r.prefixTokens.map(String.init) ?? "none") | \(r.ratio.map { String(format: "%.2f", $0) } ?? "–") | \(r.memorized ? "**memorized**" : "no evidence") |\n" }
        return out + "\nRatio above 1: \(s.memorized.text).\n"
    }

    public static func jsonLines(_ report: CompressReport) -> [String] {
        report.results.map(ReportText.jsonLine) + [ReportText.jsonLine(report.summary)]
    }
}
