import Foundation
import Testing
import ContamText
@testable import ContamModel
@testable import ContamApps
import ContamTestSupport

/// CDD and the prefix compression ratio: the computations against plain references, then loopback controls.
@Suite(.serialized) struct ProbeDistributionTests {
    /// The textbook recursion, for small inputs.
    func referenceDistance(_ a: ArraySlice<String>, _ b: ArraySlice<String>) -> Int {
        guard let x = a.first else { return b.count }
        guard let y = b.first else { return a.count }
        if x == y { return referenceDistance(a.dropFirst(), b.dropFirst()) }
        return 1 + min(referenceDistance(a.dropFirst(), b), referenceDistance(a, b.dropFirst()), referenceDistance(a.dropFirst(), b.dropFirst()))
    }

    @Test func tokenEditDistanceAgreesWithTheRecursion() {
        var random = SeededRandom(seed: 8)
        for _ in 0..<300 {
            let a = (0..<Int.random(in: 0...6, using: &random)).map { _ in ["x", "y", "z"].randomElement(using: &random)! }
            let b = (0..<Int.random(in: 0...6, using: &random)).map { _ in ["x", "y", "z"].randomElement(using: &random)! }
            #expect(Levenshtein.distance(a, b) == referenceDistance(a[...], b[...]), "\(a) \(b)")
        }
    }

    @Test func peakednessFollowsTheDefinition() {
        let tokenizer = Tokenizer(options: TokenizerOptions())
        let greedy = (1...40).map { "w\($0)" }.joined(separator: " ")
        var oneOff = (1...40).map { "w\($0)" }
        oneOff[3] = "other"
        var threeOff = oneOff
        threeOff[10] = "a"; threeOff[20] = "b"
        // l = 40, α·l = 2: the identical and the one-off samples count, the three-off one does not.
        let judged = CDDItemResult.judge(greedy: greedy, samples: [greedy, oneOff.joined(separator: " "), threeOff.joined(separator: " "), "entirely different"],
                                         alpha: 0.05, xi: 0.01, tokenizer: tokenizer)
        #expect(judged.maxLength == 40 && judged.limit == 2 && judged.within == 2 && judged.peakedness == 0.5 && judged.verdict == .contaminated)
        let flat = CDDItemResult.judge(greedy: greedy, samples: ["a b c", "d e f"], alpha: 0.05, xi: 0.01, tokenizer: tokenizer)
        #expect(flat.within == 0 && flat.verdict == .clean)
    }

    static let texts: [String] = {
        var random = SeededRandom(seed: 21)
        return (0..<12).map { _ in (0..<40).map { _ in "v\(Int.random(in: 0..<50_000, using: &random))" }.joined(separator: " ") }
    }()

    func client(_ server: ScriptedModelServer) -> ModelClient {
        ModelClient(configuration: .init(endpoint: server.baseURL, model: "memorizer", timeout: 30, concurrency: 8, retry: RetryPolicy(maxAttempts: 1)))
    }

    @Test func cddCallsMemorizedItemsContaminatedAndControlsClean() async throws {
        let server = try ScriptedModelServer.memorizer(Array(Self.texts.prefix(6)))
        defer { server.stop() }
        func prompt(_ text: String) -> String { text.split(separator: " ").prefix(10).joined(separator: " ") }
        let items = Self.texts.prefix(6).enumerated().map { (id: "m\($0.offset)", location: "mem:\($0.offset + 1)", prompt: prompt($0.element)) }
        let control = Self.texts.suffix(6).enumerated().map { (id: "c\($0.offset)", location: "ctl:\($0.offset + 1)", prompt: prompt($0.element)) }
        var options = ProbeCDDOptions()
        options.samples = 10
        let report = try await ProbeCDDRunner(client: client(server), options: options).run(items: items, control: control)
        #expect(report.results.filter { !$0.control }.allSatisfy { $0.verdict == .contaminated && $0.peakedness == 1 })
        #expect(report.results.filter(\.control).allSatisfy { $0.verdict == .clean && $0.peakedness == 0 })
        #expect(report.summary.contaminated.count == 6 && report.summary.control?.count == 0)
        #expect(report.summary.verdict == .memorized && (report.summary.pValue ?? 1) < 0.01)
        #expect(server.requestCount == 12 * 11)
        let lines = ProbeCDDRenderer.jsonLines(report)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["kind"] as? String == "cdd" && first["id"] as? String == "m0" && first["verdict"] as? String == "contaminated" && first["peakedness"] as? Double == 1)
        #expect(lines.last?.contains(#""kind":"summary""#) == true)
        #expect(ProbeCDDRenderer.human(report, colour: false).contains("Overall: memorized"))
    }

    @Test func compressFindsShortPrefixesOfMemorizedTextsOnly() async throws {
        let server = try ScriptedModelServer.memorizer(Array(Self.texts.prefix(4)))
        defer { server.stop() }
        let texts = Self.texts.prefix(8).enumerated().map { (id: "t\($0.offset)", location: "texts:\($0.offset + 1)", text: $0.element) }
        let report = try await ProbeCompressRunner(client: client(server), options: ProbeCompressOptions()).run(texts: texts)
        for result in report.results.prefix(4) {
            // One random word is already unique among the memorized texts: the whole rest from one token.
            #expect(result.prefixTokens == 1 && result.ratio == 39 && result.memorized, "\(result)")
            #expect(result.elicitingPrefix == String(Self.texts[Int(result.id.dropFirst())!].split(separator: " ")[0]))
            #expect(result.requests <= 8, "a binary search over 39 lengths")
        }
        #expect(report.results.suffix(4).allSatisfy { $0.ratio == nil && !$0.memorized && $0.requests == 1 })
        #expect(report.summary.memorized.count == 4 && report.summary.found == 4 && report.summary.medianRatio == 39)
        let json = ProbeCompressRenderer.jsonLines(report)
        #expect(json[0].contains(#""kind":"compress""#) && json[0].contains(#""ratio":39"#))
    }

    @Test func compressWithAThresholdPrefix() async throws {
        // A model that continues only prompts of at least 12 words: the search must land on exactly 12.
        let text = Self.texts[0]
        let words = text.split(separator: " ").map(String.init)
        let server = try ScriptedModelServer { request in
            let given = request.prompt.split(separator: " ").count
            return .init(text: given >= 12 ? " " + words[given...].joined(separator: " ") : " nothing")
        }
        defer { server.stop() }
        let report = try await ProbeCompressRunner(client: client(server), options: ProbeCompressOptions()).run(texts: [(id: "x", location: "x:1", text: text)])
        #expect(report.results[0].prefixTokens == 12)
        #expect(abs((report.results[0].ratio ?? 0) - 28.0 / 12.0) < 1e-12 && report.results[0].memorized)
    }
}
