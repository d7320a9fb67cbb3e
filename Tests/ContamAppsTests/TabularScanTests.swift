import Foundation
import Testing
@testable import ContamModel
@testable import ContamApps
import ContamTestSupport

@Suite struct TabularScanTests {
    static let fastRetry = RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.02)

    func options(_ mode: TabularMode) -> TabularOptions {
        var options = TabularOptions()
        options.mode = mode
        options.queries = 8
        return options
    }

    /// A server that has memorized `dataset` and answers over HTTP like a real model would.
    func memorizingServer(_ dataset: TabularDataset) throws -> TestHTTPServer {
        try TestHTTPServer { request, _ in
            guard let modelRequest = TabularFixtures.request(from: request) else { return .json("{}", status: 400) }
            return .json(TabularFixtures.responseBody(TabularFixtures.memorizingAnswer(modelRequest, dataset: dataset), kind: modelRequest.kind))
        }
    }

    @Test func scanIsolatesFailuresAndResumesFromTheCache() async throws {
        let directory = try temporaryDirectory("tabular-scan")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let known = TabularFixtures.randomCSV(rows: 120, seed: 40)
        try writeTestFile(atPath: directory + "/a-known.csv", text: known)
        try writeTestFile(atPath: directory + "/b-ragged.csv", text: "x,y\n1,2\n3\n")
        try writeTestFile(atPath: directory + "/c-unknown.csv", text: TabularFixtures.randomCSV(rows: 120, seed: 41, header: "p,q,r,s,t"))
        let dataset = try TabularDataset.load(path: directory + "/a-known.csv")
        let server = try memorizingServer(dataset)
        defer { server.stop() }
        let files = try TabularInputs.expand([directory])
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["a-known.csv", "b-ragged.csv", "c-unknown.csv"])
        let cache = directory + "/cache"
        for mode in [TabularMode.chat, .completion] {
            var sent = 0
            for run in 0..<2 {
                let client = ModelClient(configuration: .init(endpoint: server.baseURL, model: "m", retry: Self.fastRetry, cache: ResponseCache(directory: cache)))
                let before = server.requestCount
                let reports = await TabularScan(options: options(mode), fewShot: [], client: client).run(files: files)
                #expect(reports.count == 3)
                #expect(reports[0].memorized, "\(mode): \(reports[0].tests.map { "\($0.test.rawValue) \($0.verdict.rawValue)" })")
                #expect(reports[0].tests.allSatisfy { $0.verdict == .memorized })
                #expect(reports[1].failure?.contains("b-ragged.csv:3: this row has 1 field but the header has 2") == true)
                #expect(reports[2].failure == nil && !reports[2].memorized)
                if run == 0 {
                    sent = server.requestCount - before
                    #expect(sent > 0)
                    #expect(reports[0].requestsSent + reports[2].requestsSent == sent)
                } else {
                    #expect(server.requestCount == before, "the second run is served from the cache")
                    #expect(reports[0].cacheHits + reports[2].cacheHits == sent)
                }
            }
        }
    }

    @Test func deadEndpointStopsTheScanAfterThreeDatasets() async throws {
        let directory = try temporaryDirectory("tabular-dead")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var files = [String]()
        for i in 0..<5 {
            let path = directory + "/d\(i).csv"
            try writeTestFile(atPath: path, text: TabularFixtures.randomCSV(rows: 30, seed: UInt64(i)))
            files.append(path)
        }
        let client = ModelClient(configuration: .init(endpoint: URL(string: "http://127.0.0.1:\(TestHTTPServer.closedPort())/v1")!, model: "m", retry: Self.fastRetry))
        var options = options(.completion)
        options.tests = [.row]
        let reports = await TabularScan(options: options, fewShot: [], client: client).run(files: files)
        #expect(reports.count == 5)
        for report in reports[0..<3] {
            #expect(report.failure?.contains("\(report.dataset): row completion, query") == true)
            #expect(report.failure?.contains("could not reach") == true)
        }
        for report in reports[3...] {
            #expect(report.failure?.contains("not run: the endpoint failed for 3 datasets in a row") == true)
        }
        #expect(client.statistics.requestsSent <= 3 * 8 * 2)
    }

    @Test func requestErrorsNameTheDatasetAndQuery() async throws {
        let server = try TestHTTPServer { _, _ in .json(#"{"error":{"message":"model 'nope' not found"}}"#, status: 404) }
        defer { server.stop() }
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 40, seed: 2), name: "wine")
        var options = options(.chat)
        options.tests = [.feature]
        let plan = try TabularPlanner.plan(dataset, options: options, fewShot: [])
        let client = ModelClient(configuration: .init(endpoint: server.baseURL, model: "nope", retry: Self.fastRetry))
        await #expect { _ = try await TabularRunner(client: client).run(plan) } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("wine: feature completion of 'alpha', query ") && text.contains(" of 8: POST http://127.0.0.1:") && text.contains("HTTP 404: model 'nope' not found")
        }
    }

    @Test func offlinePromptsAndScores() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 150, seed: 50), name: "offline")
        let directory = try temporaryDirectory("tabular-offline")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for mode in [TabularMode.chat, .completion] {
            let plan = try TabularPlanner.plan(dataset, options: options(mode), fewShot: [])
            let lines = TabularOffline.promptLines(plan, model: "gpt-x")
            #expect(lines.count == plan.allQueries.count)
            // Answer every request like a batch API would, in the OpenAI Batch output format, shuffled.
            var rng = TabularRandom(seed: 3)
            var output = [String]()
            for line in lines.shuffled(using: &rng) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let id = try #require(object["custom_id"] as? String)
                let url = try #require(object["url"] as? String)
                #expect(object["method"] as? String == "POST")
                let body = try JSONSerialization.data(withJSONObject: try #require(object["body"]))
                #expect((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["model"] as? String == "gpt-x")
                let request = try #require(TabularFixtures.request(from: TestHTTPServer.Request(method: "POST", path: url, headers: [:], body: body)))
                let answer = TabularFixtures.responseBody(TabularFixtures.memorizingAnswer(request, dataset: dataset), kind: request.kind)
                output.append(#"{"id":"batch_req_1","custom_id":"# + "\"\(id)\"" + #","response":{"status_code":200,"request_id":"r","body":"# + answer + #"},"error":null}"#)
            }
            let responses = directory + "/out-\(mode).jsonl"
            try writeTestFile(atPath: responses, text: output.joined(separator: "\n") + "\n")
            let answers = try OpenAIBatch.readAnswers(path: responses)
            let report = try TabularOffline.score(plan, answers: answers, model: "gpt-x", source: responses)
            #expect(report.tests.allSatisfy { $0.verdict == .memorized })
            #expect(report.tests.map(\.test) == TabularTestKind.allCases, "the sample, feature-values and dataset-name tests round-trip too")
            // Another seed asks other questions: the answers do not fit.
            var other = options(mode)
            other.seed = 99
            let otherPlan = try TabularPlanner.plan(dataset, options: other, fewShot: [])
            #expect { try TabularOffline.score(otherPlan, answers: answers, model: "gpt-x", source: responses) } throws: { error in
                "\(error)".contains("answers a different request") && "\(error)".contains("--seed")
            }
            // Missing answers are named.
            var partial = answers
            partial.removeValue(forKey: try #require(plan.allQueries.last).customID(dataset: "offline", model: "gpt-x"))
            #expect { try TabularOffline.score(plan, answers: partial, model: "gpt-x", source: responses) } throws: { error in
                "\(error)".hasPrefix("offline: 1 of \(plan.allQueries.count) requests have no response")
            }
        }
    }

    @Test func responseFileErrorsNameTheLine() throws {
        let directory = try temporaryDirectory("tabular-responses")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/r.jsonl"
        try writeTestFile(atPath: path, text: "{\"custom_id\":\"a\",\"text\":\"x\"}\n\n{\"custom_id\":\"b\",\"response\":{\"status_code\":429,\"body\":{\"error\":{\"message\":\"quota\"}}}}\n{\"custom_id\":\"c\",\"response\":{\"status_code\":200,\"body\":{\"choices\":[{\"message\":{\"content\":\"y\"}}]}}}\n")
        let answers = try OpenAIBatch.readAnswers(path: path)
        #expect(answers["a"] == .text("x"))
        #expect(answers["b"] == .failed("HTTP 429: quota"))
        #expect(answers["c"] == .text("y"))
        try writeTestFile(atPath: path, text: "{\"custom_id\":\"a\",\"text\":\"x\"}\nnot json\n")
        #expect { try OpenAIBatch.readAnswers(path: path) } throws: { "\($0)" == "\(path):2: not a JSON object" }
        try writeTestFile(atPath: path, text: "{\"text\":\"x\"}\n")
        #expect { try OpenAIBatch.readAnswers(path: path) } throws: { "\($0)".hasPrefix("\(path):1: no \"custom_id\"") }
    }

    @Test func inputExpansion() throws {
        let directory = try temporaryDirectory("tabular-inputs")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/sub/.hidden", withIntermediateDirectories: true)
        for name in ["b.csv", "sub/a.CSV", "sub/c.csv.zst", "sub/notes.txt", "sub/.hidden/x.csv"] {
            try writeTestFile(atPath: directory + "/" + name, text: "a\n1\n")
        }
        let files = try TabularInputs.expand([directory]).map { String($0.dropFirst(directory.count + 1)) }
        #expect(files == ["b.csv", "sub/a.CSV", "sub/c.csv.zst"])
        // A hidden directory named explicitly is searched.
        #expect(try TabularInputs.expand([directory + "/sub/.hidden"]) == [directory + "/sub/.hidden/x.csv"])
        try writeTestFile(atPath: directory + "/sub/.hidden/x.csv", text: "")
        try FileManager.default.removeItem(atPath: directory + "/sub/.hidden/x.csv")
        #expect(throws: TabularError.noDatasets(paths: [directory + "/sub/.hidden"])) { try TabularInputs.expand([directory + "/sub/.hidden"]) }
        #expect { try TabularInputs.expand(["/no/such/dir"]) } throws: { "\($0)" == "/no/such/dir: no such file or directory" }
    }
}
