import Foundation
import Testing
import ContamTestSupport
@testable import ContamModel
@testable import ContamApps

/// `probe cdd` and `probe compress` against the real model (SmolLM2-135M; `scripts/llm-integration.sh` sets
/// CONTAM_LLM_URL) on text generated now, which it cannot have seen: not contaminated, no ratio above 1.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] != nil, "set CONTAM_LLM_URL: scripts/llm-integration.sh starts a real model"),
       .serialized)
struct ProbeDistributionLLMIntegrationTests {
    let endpoint = ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] ?? "http://127.0.0.1:9/v1"
    let model = ProcessInfo.processInfo.environment["CONTAM_LLM_MODEL"] ?? "smollm2"

    func unseen(_ words: Int) -> String {
        var random = SystemRandomNumberGenerator()
        let vocabulary = ["river", "lantern", "seven", "copper", "quietly", "orbit", "marble", "window", "thunder", "paper", "garden", "violet"]
        return (0..<words).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
    }

    @Test func unseenTextIsNeitherPeakedNorCompressible() async throws {
        let cache = try temporaryDirectory("probe-distribution-llm")
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let client = ModelClient(configuration: .init(endpoint: try ModelClient.endpointURL(endpoint), model: model, timeout: 300, concurrency: 2,
                                                      retry: RetryPolicy(maxAttempts: 3, initialDelay: 1), cache: ResponseCache(directory: cache)))
        var options = ProbeCDDOptions()
        options.samples = 4
        options.maxTokens = 24
        options.mode = .completion
        let items = (0..<2).map { (id: "u\($0)", location: "generated:\($0 + 1)", prompt: "Continue: " + unseen(12)) }
        let cdd = try await ProbeCDDRunner(client: client, options: options).run(items: items)
        #expect(cdd.results.count == 2)
        #expect(cdd.summary.verdict != .memorized)
        print("probe cdd (real model): \(cdd.results.map { "\($0.id) peak \($0.peakedness): \($0.greedy.prefix(60).debugDescription)" })")
        let compress = try await ProbeCompressRunner(client: client, options: ProbeCompressOptions()).run(texts: [(id: "u", location: "generated:1", text: unseen(10))])
        #expect(!compress.results[0].memorized, "\(compress.results[0])")
    }
}
