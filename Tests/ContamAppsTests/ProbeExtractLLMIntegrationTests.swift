import Foundation
import Testing
import ContamIndex
import ContamDetect
import ContamTestSupport
@testable import ContamModel
@testable import ContamApps

/// `probe extract` against a real model (SmolLM2-135M behind llama.cpp; `scripts/llm-integration.sh` starts it and
/// sets CONTAM_LLM_URL): license texts it has very likely seen many times beside text generated now, which it cannot
/// have seen. Asserts only what is robust: the generated text is never extracted, the answers are real, and a
/// second run is served entirely from the cache. What it extracts from the licenses is printed, not asserted.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] != nil, "set CONTAM_LLM_URL: scripts/llm-integration.sh starts a real model"),
       .serialized)
struct ProbeExtractLLMIntegrationTests {
    let endpoint = ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] ?? "http://127.0.0.1:9/v1"
    let model = ProcessInfo.processInfo.environment["CONTAM_LLM_MODEL"] ?? "smollm2"

    func client(cache: String) throws -> ModelClient {
        ModelClient(configuration: .init(endpoint: try ModelClient.endpointURL(endpoint), model: model, timeout: 300, concurrency: 2,
                                         retry: RetryPolicy(maxAttempts: 3, initialDelay: 1), cache: ResponseCache(directory: cache)))
    }

    @Test func licensesBesideUnseenTextThenEntirelyFromTheCache() async throws {
        let directory = try temporaryDirectory("probe-llm")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/corpus", withIntermediateDirectories: true)
        for name in ["GPL-3.txt", "Apache-2.0.txt", "BSD.txt"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/corpora/licenses/" + name, toPath: directory + "/corpus/" + name)
        }
        // Words in an order no training text has: drawn now from a vocabulary of common words.
        var random = SystemRandomNumberGenerator()
        let vocabulary = ["river", "lantern", "seven", "copper", "quietly", "orbit", "marble", "window", "thunder", "paper", "garden", "violet", "engine", "harbor", "silent", "crystal"]
        let unseen = (0..<200).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
        try writeTestFile(atPath: directory + "/corpus/unseen.txt", text: unseen + "\n")
        let build = IndexBuildOptions()
        _ = try IndexBuilder(inputs: [directory + "/corpus"], outputPath: directory + "/index", options: build).build()
        let index = try Index.open(path: directory + "/index")

        var options = ProbeExtractOptions()
        options.prefixTokens = 16
        options.continuationTokens = 24
        options.perDocument = 2
        options.documents = try ExtractionSampler.documents(
            named: ["GPL-3.txt", "Apache-2.0.txt", "BSD.txt", "unseen.txt"].map { directory + "/corpus/" + $0 }, listedIn: "test", corpus: index)
        let cache = directory + "/cache"
        let first = try client(cache: cache)
        let report = try await ProbeExtractRunner(index: index, indexPath: directory + "/index", client: first, options: options).run()
        #expect(report.results.count == 8)
        #expect(first.statistics.requestsSent >= 8 && first.statistics.cacheHits == 0)
        #expect(report.results.filter { !$0.continuation.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.count >= 6, "real answers")
        let unseenProbes = report.results.filter { $0.document.contains("unseen.txt") }
        #expect(unseenProbes.count == 2)
        #expect(unseenProbes.allSatisfy { $0.verdict == .none }, "\(unseenProbes.map(\.continuation))")
        for result in report.results {
            print("probe extract (real model): \(result.document) \(result.verdict.rawValue) score \(result.memorizationScore): \(result.continuation.prefix(80).debugDescription)")
        }

        let second = try client(cache: cache)
        let again = try await ProbeExtractRunner(index: index, indexPath: directory + "/index", client: second, options: options).run()
        #expect(second.statistics.requestsSent == 0 && again.summary.cacheHits == 8)
        #expect(again.results.map(\.continuation) == report.results.map(\.continuation))
    }
}
