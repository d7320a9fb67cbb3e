import Foundation
import Testing
import ContamText
import ContamIndex
import ContamDetect
@testable import ContamModel
@testable import ContamApps
import ContamTestSupport

/// `probe extract` against loopback positive and negative controls: a model that memorized half of a corpus,
/// one that reproduces with a known probability, chat mode, the cache, a failing request.
@Suite(.serialized) struct ProbeExtractTests {
    /// 40 documents of 120 random words; the even-numbered ones are "memorized".
    static let texts: [String] = {
        var random = SeededRandom(seed: 5)
        return (0..<40).map { d in (0..<120).map { _ in "w\(Int.random(in: 0..<20_000, using: &random))" }.joined(separator: d % 3 == 0 ? "  " : " ") + "." }
    }()
    static let corpus = InMemoryCorpus(texts: texts, ids: texts.indices.map { "doc-\($0)" })

    func client(_ server: ScriptedModelServer, cache: ResponseCache? = nil, concurrency: Int = 4) -> ModelClient {
        ModelClient(configuration: .init(endpoint: server.baseURL, model: "memorizer", timeout: 30, concurrency: concurrency,
                                         retry: RetryPolicy(maxAttempts: 1), cache: cache))
    }

    func options(_ probes: Int = 80) -> ProbeExtractOptions {
        var options = ProbeExtractOptions()
        options.probes = probes
        options.prefixTokens = 12
        options.continuationTokens = 16
        options.seed = 3
        return options
    }

    @Test func findsTheMemorizedHalfAndNotTheRest() async throws {
        let memorized = Self.texts.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let server = try ScriptedModelServer.memorizer(memorized)
        defer { server.stop() }
        let report = try await ProbeExtractRunner(index: Self.corpus, indexPath: "memory", client: client(server), options: options()).run()
        #expect(report.results.count == 80)
        let inMemorized = report.results.filter { Int($0.id!.dropFirst(4))! % 2 == 0 }
        let others = report.results.filter { Int($0.id!.dropFirst(4))! % 2 == 1 }
        #expect(inMemorized.count > 20 && others.count > 20)
        #expect(Double(inMemorized.filter { $0.verdict == .exact }.count) >= 0.95 * Double(inMemorized.count))
        #expect(Double(others.filter { $0.verdict != .none }.count) <= 0.02 * Double(others.count))
        #expect(inMemorized.allSatisfy { $0.memorizationScore == 1 && $0.longestMatchTokens >= 16 })
        #expect(others.allSatisfy { $0.memorizationScore < 0.2 })
        #expect(report.summary.exact.count == inMemorized.filter { $0.verdict == .exact }.count)
        #expect(report.summary.exact.interval.count == 2 && report.summary.exact.interval[0] <= report.summary.exact.rate)
        #expect(report.summary.requestsSent == 80 && report.summary.cacheHits == 0)
        #expect(server.requestCount == 80)
    }

    @Test func sampledExtractionEstimatesTheServersProbability() async throws {
        let server = try ScriptedModelServer.memorizer(Self.texts, sampleProbability: 0.3)
        defer { server.stop() }
        var options = options(30)
        options.samplesPerPrefix = 20
        options.temperature = 0.9
        let report = try await ProbeExtractRunner(index: Self.corpus, indexPath: "memory", client: client(server, concurrency: 8), options: options).run()
        #expect(report.results.allSatisfy { $0.verdict == .none && $0.samples == 20 }, "greedy answers are filler")
        let sampling = try #require(report.summary.sampling)
        #expect(sampling.perSample.total == 600)
        #expect(sampling.perSample.interval[0] <= 0.3 && 0.3 <= sampling.perSample.interval[1], "\(sampling.perSample)")
        // With p = 0.3 and n = 20, nearly every prefix is extracted at least once.
        #expect(sampling.withinSamples.count >= 28)
        // The samples are distinct requests: each carries its own seed.
        #expect(server.requestCount == 30 * 21)
    }

    @Test func chatModeSecondRunFromTheCacheAndTheJSONContract() async throws {
        let server = try ScriptedModelServer.memorizer(Self.texts)
        defer { server.stop() }
        let directory = try temporaryDirectory("probe-cache")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = options(8)
        options.mode = .chat
        let first = try await ProbeExtractRunner(index: Self.corpus, indexPath: "memory", client: client(server, cache: ResponseCache(directory: directory)), options: options).run()
        #expect(first.results.allSatisfy { $0.verdict == .exact })
        let second = try await ProbeExtractRunner(index: Self.corpus, indexPath: "memory", client: client(server, cache: ResponseCache(directory: directory)), options: options).run()
        #expect(second.summary.requestsSent == 0 && second.summary.cacheHits == 8)
        #expect(second.results.map(\.continuation) == first.results.map(\.continuation))
        #expect(server.requestCount == 8)
        let lines = ProbeExtractRenderer.jsonLines(second)
        #expect(lines.count == 9)
        let probe = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["kind", "document", "id", "verdict", "memorization_score", "duplicates", "longest_match_tokens", "prompt", "continuation"] {
            #expect(probe[key] != nil, "missing \(key)")
        }
        #expect(probe["kind"] as? String == "extract" && probe["verdict"] as? String == "exact")
        #expect((probe["document"] as? String)?.hasPrefix("memory:") == true)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(lines[8].utf8)) as? [String: Any])
        #expect(summary["kind"] as? String == "summary" && summary["probes"] as? Int == 8)
        let html = ProbeExtractRenderer.html(second)
        #expect(html.contains("<span class=\"same\">") && !html.contains("<script"))
        #expect(ProbeExtractRenderer.human(second, colour: false).contains("Extracted (8;"))
    }

    @Test func aFailedRequestStopsTheProbeNamingIt() async throws {
        let server = try ScriptedModelServer { request in
            ScriptedModelServer.Answer(text: request.prompt.isEmpty ? "" : "x")
        }
        server.stop()
        do {
            _ = try await ProbeExtractRunner(index: Self.corpus, indexPath: "memory", client: client(server), options: options(3)).run()
            Issue.record("a probe against a stopped server succeeded")
        } catch {
            #expect("\(error)".contains("probe "), "\(error)")
        }
    }

    @Test func failOnRules() throws {
        #expect(try ExtractFailOn(parsing: "exact").rate == 0)
        #expect(try ExtractFailOn(parsing: "near:5%").rate == 0.05)
        #expect(throws: ProbeError.invalidFailOn("none")) { try ExtractFailOn(parsing: "none") }
        #expect(throws: ProbeError.invalidFailOn("exact:2")) { try ExtractFailOn(parsing: "exact:2") }
    }
}
