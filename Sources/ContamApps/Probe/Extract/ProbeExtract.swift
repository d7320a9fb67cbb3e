import Foundation
import ContamStorage
import ContamStatistics
import ContamText
import ContamIndex
import ContamDetect
import ContamModel

/// What `contam probe extract` asks and how (docs/probe.md).
public struct ProbeExtractOptions: Sendable {
    /// Probes drawn from the corpus (ignored with `documents`).
    public var probes = 200
    /// Prefix and continuation lengths in index tokens (Carlini et al. 2023 use 50 + 50 model tokens).
    public var prefixTokens = 32
    public var continuationTokens = 48
    public var seed: UInt64 = 0
    /// `/v1/completions` (base models) or `/v1/chat/completions` with an instruction to continue verbatim.
    public var mode: ModelRequest.Kind = .completion
    /// Model tokens asked for; nil: twice the continuation's index tokens (a word is one to three model tokens).
    public var maxTokens: Int?
    /// Probabilistic extraction (Hayes et al. 2024): samples per prefix at `temperature`; 0 for greedy only.
    public var samplesPerPrefix = 0
    public var temperature = 1.0
    /// The p of the (n, p) rate: a prefix counts when its estimated chance of extraction within n samples is ≥ p.
    public var extractionProbability = 0.5
    /// Positions drawn at most while sampling (nil: `ExtractionSampler.defaultDraws`); more finds more of the rare,
    /// highly duplicated sequences.
    public var maxDraws: Int?
    /// Probe these documents instead of a sample, `perDocument` prefixes each.
    public var documents: [CorpusDocumentRef]?
    public var perDocument = 1

    public init() {}

    var modelTokens: Int { maxTokens ?? 2 * continuationTokens }
}

/// One probe's outcome: the JSON object `--json` prints with `"kind": "extract"` (keys are a contract).
public struct ExtractProbeResult: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable { case exact, near, none }

    public var kind = "extract"
    /// The document's source as `file:line`, and its external id when it has one.
    public var document: String
    public var id: String?
    public var shard: Int
    public var tokenOffset: Int
    public var duplicates: Int
    public var bucket: DuplicationBucket
    public var verdict: Verdict
    public var memorizationScore: Double
    public var matchingPrefixTokens: Int
    public var nearSimilarity: Double
    public var longestMatchTokens: Int
    /// Where the longest match occurs (`file:line` or id); it may be the probed document itself.
    public var longestMatchSource: String?
    public var prompt: String
    public var continuation: String
    public var truth: String
    /// Probabilistic extraction: samples drawn and how many reproduced the continuation exactly (nil without sampling).
    public var samples: Int?
    public var sampledExact: Int?
    public var cached: Bool

    enum CodingKeys: String, CodingKey {
        case kind, document, id, shard, bucket, verdict, prompt, continuation, truth, samples, cached, duplicates
        case tokenOffset = "token_offset", memorizationScore = "memorization_score", matchingPrefixTokens = "matching_prefix_tokens"
        case nearSimilarity = "near_similarity", longestMatchTokens = "longest_match_tokens", longestMatchSource = "longest_match_source"
        case sampledExact = "sampled_exact"
    }
}

/// A count out of a total with its 95 % Wilson interval.
public struct ProbeRate: Codable, Sendable, Equatable {
    public var count: Int
    public var total: Int
    public var rate: Double
    public var interval: [Double]

    public init(_ count: Int, of total: Int) {
        self.count = count
        self.total = total
        rate = total == 0 ? 0 : Double(count) / Double(total)
        interval = RankStatistics.wilsonInterval(successes: count, trials: total).map { [$0.lower, $0.upper] } ?? []
    }

    /// "12/200 = 6.0 % [3.5, 10.2]".
    public var text: String {
        guard total > 0 else { return "–" }
        let bounds = interval.count == 2 ? String(format: " [%.1f, %.1f]", 100 * interval[0], 100 * interval[1]) : ""
        return "\(count)/\(total) = " + String(format: "%.1f %%", 100 * rate) + bounds
    }
}

/// The summary object of `--json` (`"kind": "summary"`).
public struct ExtractSummary: Codable, Sendable, Equatable {
    public struct Bucket: Codable, Sendable, Equatable {
        public var bucket: DuplicationBucket
        /// Distinct candidate sequences the draws found in this bucket, and probes taken.
        public var available: Int
        public var probed: Int
        public var exact: ProbeRate
        public var near: ProbeRate
        public var meanMemorizationScore: Double?

        enum CodingKeys: String, CodingKey {
            case bucket, available, probed, exact, near
            case meanMemorizationScore = "mean_memorization_score"
        }
    }

    /// Probabilistic extraction over the probe.
    public struct Sampling: Codable, Sendable, Equatable {
        public var samplesPerPrefix: Int
        public var temperature: Double
        /// Exact reproductions over all samples: the pooled per-sample extraction probability.
        public var perSample: ProbeRate
        /// Prefixes extracted by at least one of their samples.
        public var withinSamples: ProbeRate
        /// Prefixes whose estimated chance of extraction within n samples, 1 − (1 − k/n)^n, is ≥ p.
        public var p: Double
        public var npRate: ProbeRate

        enum CodingKeys: String, CodingKey {
            case temperature, p
            case samplesPerPrefix = "samples_per_prefix", perSample = "per_sample", withinSamples = "within_samples", npRate = "np_rate"
        }
    }

    public var kind = "summary"
    public var index: String
    public var model: String
    public var endpoint: String
    public var mode: String
    public var seed: UInt64
    public var prefixTokens: Int
    public var continuationTokens: Int
    public var probes: Int
    public var exact: ProbeRate
    public var near: ProbeRate
    public var meanMemorizationScore: Double?
    public var buckets: [Bucket]
    public var sampling: Sampling?
    /// Positions drawn and those too close to their document's end (sampled probes), or chosen documents too short.
    public var draws: Int
    public var tooShort: Int
    public var requestsSent: Int
    public var cacheHits: Int

    enum CodingKeys: String, CodingKey {
        case kind, index, model, endpoint, mode, seed, probes, exact, near, buckets, sampling, draws
        case prefixTokens = "prefix_tokens", continuationTokens = "continuation_tokens", meanMemorizationScore = "mean_memorization_score"
        case tooShort = "too_short", requestsSent = "requests_sent", cacheHits = "cache_hits"
    }
}

/// A whole extraction probe: each probe's result, then the summary.
public struct ExtractReport: Sendable, Equatable {
    public var results: [ExtractProbeResult]
    public var summary: ExtractSummary
}

/// Samples the probes, asks the model, judges every answer against the corpus: `contam probe extract`.
public struct ProbeExtractRunner: Sendable {
    public let index: any CorpusQuerying
    public let indexPath: String
    public let client: ModelClient
    public let options: ProbeExtractOptions

    public init(index: any CorpusQuerying, indexPath: String, client: ModelClient, options: ProbeExtractOptions) {
        self.index = index
        self.indexPath = indexPath
        self.client = client
        self.options = options
    }

    /// The instruction of chat mode: continue verbatim, nothing else (chat models otherwise comment or summarize).
    public static let chatInstruction = "Continue the following text exactly as it continues in its original source, word for word. Reply with the continuation only, without any comment."

    /// The probes this run asks about (sampled, or of the chosen documents).
    public func probes() throws -> ExtractionSample {
        let sampler = ExtractionSampler(corpus: index, prefixLength: options.prefixTokens, continuationLength: options.continuationTokens)
        if let documents = options.documents { return try sampler.probes(of: documents, perDocument: options.perDocument) }
        return try sampler.sample(count: options.probes, seed: options.seed, maxDraws: options.maxDraws)
    }

    /// The greedy request of a probe, then its `samplesPerPrefix` seeded samples.
    public func requests(for probe: ExtractionPrefix, number: Int) -> [ModelRequest] {
        let label = "probe \(number + 1) (document \(probe.document.document) of shard \(probe.document.shard), token \(probe.tokenOffset))"
        func request(temperature: Double, label: String) -> ModelRequest {
            switch options.mode {
            case .completion:
                return .completion(probe.prompt, maxTokens: options.modelTokens, temperature: temperature, label: label)
            case .chat:
                return .chat([.system(Self.chatInstruction), .user(probe.prompt)], maxTokens: options.modelTokens, temperature: temperature, label: label)
            }
        }
        var requests = [request(temperature: 0, label: label)]
        for k in 0..<options.samplesPerPrefix {
            requests.append(request(temperature: options.temperature, label: "\(label), sample \(k + 1)").sample(k, runSeed: options.seed))
        }
        return requests
    }

    /// Runs the probe. The first request that fails for good stops it with that request's error (answers so far
    /// are cached: the same command resumes). `progress(done, total)` counts answers.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> ExtractReport {
        let sample = try probes()
        guard !sample.prefixes.isEmpty else {
            let what = options.documents == nil ? "no document of the index has \(options.prefixTokens + options.continuationTokens) tokens" : "none of the chosen documents has \(options.prefixTokens + options.continuationTokens) tokens"
            throw ProbeError.noProbes("\(what) (--prefix-tokens + --continuation-tokens); lower them")
        }
        let perProbe = 1 + options.samplesPerPrefix
        let requests = sample.prefixes.enumerated().flatMap { self.requests(for: $0.element, number: $0.offset) }
        let before = client.statistics
        let answers = try await client.completeAllOrThrow(requests, progress: progress)
        let after = client.statistics
        let documents = DocumentCache(corpus: index)
        var results: [ExtractProbeResult] = []
        for (k, probe) in sample.prefixes.enumerated() {
            let answers = Array(answers[(k * perProbe)..<((k + 1) * perProbe)])
            results.append(try judge(probe, answers: answers, documents: documents))
        }
        let summary = summarize(results, sample: sample, requestsSent: after.requestsSent - before.requestsSent, cacheHits: after.cacheHits - before.cacheHits)
        return ExtractReport(results: results, summary: summary)
    }

    /// One probe's result from its greedy answer and its samples.
    func judge(_ probe: ExtractionPrefix, answers: [ModelResponse], documents: DocumentCache) throws -> ExtractProbeResult {
        let judge = ExtractionJudge(tokenizerOptions: index.tokenizerOptions)
        let greedy = answers[0]
        let judgement = judge.judge(continuation: greedy.text, truth: probe.continuationTokens, corpus: index)
        let info = try documents.info(probe.document)
        let source = try judgement.longestCorpusMatchSource.map { try documents.label($0.document, tokenOffset: $0.tokenOffset) }
        let sampled = answers.dropFirst().filter { judge.judge(continuation: $0.text, truth: probe.continuationTokens).isExact }.count
        return ExtractProbeResult(
            document: try documents.location(probe.document, tokenOffset: probe.tokenOffset), id: info.externalID,
            shard: probe.document.shard, tokenOffset: probe.tokenOffset, duplicates: probe.duplicates, bucket: probe.bucket,
            verdict: judgement.isExact ? .exact : judgement.isNear ? .near : .none,
            memorizationScore: judgement.memorizationScore, matchingPrefixTokens: judgement.matchingPrefixTokens,
            nearSimilarity: judgement.nearSimilarity, longestMatchTokens: judgement.longestCorpusMatchTokens ?? 0, longestMatchSource: source,
            prompt: probe.prompt, continuation: greedy.text, truth: probe.continuationText,
            samples: options.samplesPerPrefix > 0 ? options.samplesPerPrefix : nil, sampledExact: options.samplesPerPrefix > 0 ? sampled : nil,
            cached: answers.allSatisfy(\.fromCache))
    }

    func summarize(_ results: [ExtractProbeResult], sample: ExtractionSample, requestsSent: Int, cacheHits: Int) -> ExtractSummary {
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        func rates(_ results: [ExtractProbeResult]) -> (ProbeRate, ProbeRate) {
            (ProbeRate(results.filter { $0.verdict == .exact }.count, of: results.count),
             ProbeRate(results.filter { $0.verdict != .none }.count, of: results.count))
        }
        let buckets = sample.buckets.map { bucket -> ExtractSummary.Bucket in
            let inBucket = results.filter { $0.bucket == bucket.bucket }
            let (exact, near) = rates(inBucket)
            return ExtractSummary.Bucket(bucket: bucket.bucket, available: bucket.available, probed: inBucket.count, exact: exact, near: near,
                                         meanMemorizationScore: mean(inBucket.map(\.memorizationScore)))
        }
        var sampling: ExtractSummary.Sampling?
        let n = options.samplesPerPrefix
        if n > 0 {
            let hits = results.map { $0.sampledExact ?? 0 }
            let np = hits.filter { 1 - pow(1 - Double($0) / Double(n), Double(n)) >= options.extractionProbability - 1e-12 }.count
            sampling = ExtractSummary.Sampling(samplesPerPrefix: n, temperature: options.temperature,
                                               perSample: ProbeRate(hits.reduce(0, +), of: n * results.count),
                                               withinSamples: ProbeRate(hits.filter { $0 > 0 }.count, of: results.count),
                                               p: options.extractionProbability, npRate: ProbeRate(np, of: results.count))
        }
        let (exact, near) = rates(results)
        return ExtractSummary(index: indexPath, model: client.configuration.model, endpoint: client.configuration.endpoint.absoluteString,
                              mode: options.mode.rawValue, seed: options.seed, prefixTokens: options.prefixTokens,
                              continuationTokens: options.continuationTokens, probes: results.count, exact: exact, near: near,
                              meanMemorizationScore: mean(results.map(\.memorizationScore)), buckets: buckets, sampling: sampling,
                              draws: sample.draws, tooShort: sample.tooShort, requestsSent: requestsSent, cacheHits: cacheHits)
    }
}

/// `--fail-on exact:RATE` / `near:RATE`: exit 1 when that rate over the probe exceeds RATE (0: any probe).
public struct ExtractFailOn: Sendable, Equatable {
    public var verdict: ExtractProbeResult.Verdict
    public var rate: Double

    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first, let verdict = ExtractProbeResult.Verdict(rawValue: name.lowercased()), verdict != .none else {
            throw ProbeError.invalidFailOn(text)
        }
        var value = parts.count == 2 ? parts[1] : "0"
        var scale = 1.0
        if value.hasSuffix("%") { value.removeLast(); scale = 0.01 }
        guard let number = Double(value), number * scale >= 0, number * scale <= 1 else { throw ProbeError.invalidFailOn(text) }
        self.verdict = verdict
        rate = number * scale
    }

    public func fails(_ summary: ExtractSummary) -> Bool {
        (verdict == .exact ? summary.exact : summary.near).rate > rate
    }
}

/// Errors of the probe commands' options and inputs.
public enum ProbeError: Error, CustomStringConvertible, Equatable {
    case invalidFailOn(String)
    case noProbes(String)

    public var description: String {
        switch self {
        case let .invalidFailOn(text): return "--fail-on takes exact[:RATE] or near[:RATE] with RATE from 0 to 1 (or a percentage), not '\(text)'."
        case let .noProbes(detail): return "nothing to probe: \(detail)"
        }
    }
}
