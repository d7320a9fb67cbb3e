import Foundation
import Testing
import ContamStorage
import ContamTestSupport

/// A `contam serve` process of the built binary on a free port: started, its URL read from stdout, stopped by
/// a signal. Its stderr is collected for the assertions on messages and the exit.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let url: String
    private let errors = LockedData()
    private let errorReader = DispatchGroup()

    /// Starts `contam serve ARGUMENTS --port 0` and waits (up to 60 s) for the line with its URL.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: try CLI.binary)
        process.arguments = ["serve"] + arguments + ["--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errors = self.errors
        DispatchQueue.global().async(group: errorReader) { errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
        let line = LockedBox<String?>(nil)
        let ready = DispatchSemaphore(value: 0)
        Thread {
            var bytes: [UInt8] = []
            while true {
                let byte = out.fileHandleForReading.readData(ofLength: 1)
                guard let first = byte.first, first != 0x0A else { break }
                bytes.append(first)
            }
            line.value = String(decoding: bytes, as: UTF8.self)
            ready.signal()
        }.start()
        _ = ready.wait(timeout: .now() + 60)
        guard let url = line.value, let port = URL(string: url)?.port else {
            process.terminate()
            process.waitUntilExit()
            errorReader.wait()
            throw CLI.CommandFailed(arguments: ["serve"] + arguments, result: CLI.Result(status: process.terminationStatus, stdout: line.value ?? "", stderr: String(decoding: errors.get(), as: UTF8.self)))
        }
        self.url = url
        self.port = port
    }

    /// Sends `signal` and waits (up to 60 s) for the exit: the status and everything written to stderr. A server
    /// still running then is killed and recorded as an issue, so a lost signal fails the test instead of hanging it.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, sourceLocation: SourceLocation = #_sourceLocation) -> (status: Int32, stderr: String) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            Issue.record("contam serve \(process.arguments ?? []) still running 60 s after signal \(signal); killed", sourceLocation: sourceLocation)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        errorReader.wait()
        return (process.terminationStatus, String(decoding: errors.get(), as: UTF8.self))
    }

    func connect() throws -> RawHTTPConnection { try RawHTTPConnection(port: port) }

    /// POSTs `object` as JSON on a fresh connection.
    func post(_ path: String, _ object: [String: Any]) throws -> RawHTTPResponse {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return try connect().exchange("POST", path, body: body)
    }

    func get(_ path: String) throws -> RawHTTPResponse { try connect().exchange("GET", path) }
}

/// Two JSON values equal as values (key order and number spelling aside).
func sameJSON(_ a: Any?, _ b: Any?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return NSArray(array: [a]).isEqual(NSArray(array: [b]))
}

func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}

/// `contam serve` end to end: every endpoint against the CLI's own answers, every error status, fan-out over
/// two servers against one server holding both shards, a killed remote, load, and SIGTERM under load.
@Suite(.serialized) struct ServeCLITests {
    static let phrases = ["free software", "the GNU General Public License", "warranty", "you may convey verbatim copies", "Permission is hereby granted",
                          "no such phrase zebra quartz", "the", "copyright notice and this permission notice"]

    /// The licenses corpus as one index, and as the two parts of a --shard 2 split with their merge.
    struct Split {
        var whole: String
        var parts: [String]
        var merged: String
    }

    private static let splitBuild = Result { () throws -> Split in
        let corpus = ["corpora/licenses"]
        let parts = try (1...2).map { try CLI.buildIndex(corpus, named: "part\($0).idx", options: ["--shard", "\($0)/2"]) }
        let merged = try temporaryDirectory("serve-merged") + "/merged.idx"
        let result = try CLI.run(["merge"] + parts + ["-o", merged, "--quiet"])
        guard result.status == 0 else { throw CLI.CommandFailed(arguments: ["merge"], result: result) }
        return Split(whole: try CLI.buildIndex(corpus, named: "licenses.idx"), parts: parts, merged: merged)
    }

    static func split() throws -> Split { try splitBuild.get() }

    @Test func everyEndpointGivesTheCLIsAnswer() throws {
        let index = try Self.split().whole
        let server = try ServeProcess(["lic=\(index)", "--quiet"])
        defer { server.stop() }
        #expect(try server.get("/healthz").json?["status"] as? String == "ok")
        let list = try #require(try server.get("/v1/indexes").json?["indexes"] as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["lic"])
        for phrase in Self.phrases {
            let count = try CLI.run(["query", index, "count", phrase, "--json"])
            #expect(sameJSON(try server.post("/v1/count", ["query": phrase]).json, jsonObject(count.stdout)), "\(phrase)")
            let locate = try CLI.run(["query", index, "locate", phrase, "--json", "--limit", "3"])
            #expect(sameJSON(try server.post("/v1/locate", ["query": phrase, "limit": 3]).json, jsonObject(locate.stdout)), "\(phrase)")
            let longest = try CLI.run(["query", index, "longest", phrase + " and then some words nobody wrote", "--json"])
            #expect(sameJSON(try server.post("/v1/longest", ["query": phrase + " and then some words nobody wrote"]).json, jsonObject(longest.stdout)), "\(phrase)")
            let infini = try server.post("/", ["index": "lic", "query_type": "count", "query": phrase]).json
            #expect(infini?["count"] as? Int == jsonObject(count.stdout)?["count"] as? Int)
        }
        let longText = "you may convey verbatim copies of the Program's source code as you receive it, in any medium, provided that you conspicuously"
        let has = try CLI.run(["query", index, "has", longText, "--json"])
        #expect(sameJSON(try server.post("/v1/has", ["query": longText]).json, jsonObject(has.stdout)))

        // /v1/check gives, item by item, the objects of `contam check --json`.
        let texts = [longText, "the weather in the mountains was cold and clear for the whole week", Self.phrases[4] + ", free of charge, to any person obtaining a copy"]
        let items = try temporaryDirectory("serve-check") + "/items.jsonl"
        try texts.enumerated().map { JSONOutput.line(["id": "i\($0.offset)", "text": $0.element]) }.joined(separator: "\n").write(toFile: items, atomically: true, encoding: .utf8)
        let cli = try CLI.run(["check", index, items, "--json"])
        let cliLines = cli.stdout.split(separator: "\n").compactMap { jsonObject(String($0)) }
        let served = try server.post("/v1/check", ["items": texts.enumerated().map { ["id": "i\($0.offset)", "text": $0.element] }])
        #expect(served.status == 200)
        let servedItems = try #require(served.json?["items"] as? [[String: Any]])
        #expect(servedItems.count == cliLines.count)
        for (a, b) in zip(servedItems, cliLines) {
            var a = a, b = b
            a["source"] = nil; b["source"] = nil
            #expect(sameJSON(a, b))
        }

        // Documents, and trace spans that point at them.
        let document = try server.get("/v1/documents/0/0")
        #expect(document.status == 200)
        #expect((document.json?["text"] as? String)?.isEmpty == false)
        let trace = try server.post("/v1/trace", ["text": longText, "min_match": 5])
        #expect((trace.json?["span_count"] as? Int ?? 0) >= 1)
    }

    @Test func queryWithServerPrintsWhatTheLocalQueryPrints() throws {
        let index = try Self.split().whole
        let server = try ServeProcess(["lic=\(index)", "--quiet"])
        defer { server.stop() }
        let longText = "you may convey verbatim copies of the Program's source code as you receive it, in any medium, provided that you"
        for (mode, text) in [("count", "free software"), ("locate", "free software"), ("longest", longText), ("has", longText), ("has", "zebra quartz nothing"),
                             ("count", "no such phrase zebra quartz")] {
            for extra in [[], ["--json"], ["--limit", "2", "--context", "30"]] {
                let local = try CLI.run(["query", index, mode, text] + extra)
                let remote = try CLI.run(["query", "lic", mode, text, "--server", server.url] + extra)
                #expect(local.status == remote.status, "\(mode) \(extra)")
                #expect(local.stdout == remote.stdout, "\(mode) \(extra)")
            }
        }
        let unknown = try CLI.run(["query", "nope", "count", "free", "--server", server.url])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown index 'nope'"))
        let gone = try CLI.run(["query", "lic", "count", "free", "--server", "http://127.0.0.1:9"])
        #expect(gone.status == 2)
        #expect(gone.stderr.contains("http://127.0.0.1:9"))
    }

    @Test func checkWithServerPrintsWhatTheLocalCheckPrints() throws {
        // Served under its directory's name, and checked locally from its parent directory by that name, so
        // both reports name the index alike.
        let index = try Self.split().whole
        let parent = URL(fileURLWithPath: index).deletingLastPathComponent().path, name = URL(fileURLWithPath: index).lastPathComponent
        let server = try ServeProcess([index, "--quiet"])
        defer { server.stop() }
        let items = repositoryRoot + "/corpora/items/benchmark.jsonl"
        let html = try temporaryDirectory("serve-check-html")
        for extra in [[], ["--json"], ["--markdown"], ["--method", "all", "--json"], ["--fail-on", "near"], ["--method", "gpt3,palm", "--fail-on", "gpt3:0.5", "--flagged-only"]] {
            let local = try CLI.run(["check", name, items, "--field", "answer", "--quiet"] + extra, directory: parent)
            let remote = try CLI.run(["check", name, items, "--field", "answer", "--quiet", "--server", server.url] + extra, directory: parent)
            #expect(local.status == remote.status, "\(extra)")
            #expect(local.stdout == remote.stdout, "\(extra)")
            #expect(local.stderr == remote.stderr, "\(extra)")
        }
        _ = try CLI.run(["check", name, items, "--field", "answer", "--quiet", "--html", html + "/local.html"], directory: parent)
        _ = try CLI.run(["check", name, items, "--field", "answer", "--quiet", "--html", html + "/remote.html", "--server", server.url], directory: parent)
        let localHTML = try String(contentsOfFile: html + "/local.html", encoding: .utf8), remoteHTML = try String(contentsOfFile: html + "/remote.html", encoding: .utf8)
        #expect(localHTML == remoteHTML)
        let missing = try CLI.run(["check", "nope", items, "--field", "answer", "--server", server.url])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("unknown index 'nope'"))
    }

    @Test func errorsHaveTheirStatus() throws {
        let index = try Self.split().whole
        let server = try ServeProcess(["lic=\(index)", "--quiet", "--max-body-bytes", "2000"])
        defer { server.stop() }
        let connection = try server.connect()
        let cases: [(String, String, String?, Int)] = [
            ("POST", "/v1/count", "{not json", 400),
            ("POST", "/v1/count", #"{"index": "nope", "query": "a"}"#, 400),
            ("POST", "/v1/count", #"{"query": 5}"#, 400),
            ("GET", "/v1/count", nil, 405),
            ("GET", "/nothing/here", nil, 404),
            ("GET", "/v1/documents/0/999999", nil, 404),
            ("GET", "/v1/documents/x/1", nil, 400),
            ("POST", "/", #"{"query_type": "find_cnf", "query": "a AND b"}"#, 400),
            ("POST", "/v1/check", "{\"items\": [{\"text\": \"\(String(repeating: "word ", count: 500))\"}]}", 413),
        ]
        for (method, path, body, status) in cases {
            let response = try connection.exchange(method, path, body: body)
            #expect(response.status == status, "\(method) \(path)")
            #expect(response.json?["status"] as? Int == status)
            #expect((response.json?["error"] as? String)?.isEmpty == false)
            if response.headers["connection"] == "close" { break }
        }
        // With a token: 401 without it, 200 with it; health needs none.
        let guarded = try ServeProcess(["lic=\(index)", "--quiet", "--token-env", "TEST_SERVE_TOKEN"], environment: ["TEST_SERVE_TOKEN": "tok-123"])
        defer { guarded.stop() }
        #expect(try guarded.post("/v1/count", ["query": "free"]).status == 401)
        #expect(try guarded.connect().exchange("POST", "/v1/count", body: #"{"query": "free"}"#, headers: [("Authorization", "Bearer tok-123")]).status == 200)
        #expect(try guarded.get("/healthz").status == 200)
        // The page loads without the token (it holds no data, and asks for the token).
        #expect(try guarded.get("/").status == 200)
        let (status, stderr) = guarded.stop(SIGINT)
        #expect(status == 0)
        #expect(!stderr.contains("tok-123"))
    }

    @Test func badStartsAreRefusedWithAMessage() throws {
        let index = try Self.split().whole
        let none = try CLI.run(["serve"])
        #expect(none.status == 2)
        let missing = try CLI.run(["serve", "/nonexistent/dir.idx"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/dir.idx"))
        let noToken = try CLI.run(["serve", index, "--token-env", "CONTAM_TEST_UNSET_VARIABLE"])
        #expect(noToken.status == 2)
        #expect(noToken.stderr.contains("CONTAM_TEST_UNSET_VARIABLE"))
        let unreachable = try CLI.run(["serve", "--remote", "http://127.0.0.1:9", "--remote-timeout", "0.5"])
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("http://127.0.0.1:9"))
        let server = try ServeProcess([index, "--quiet"])
        defer { server.stop() }
        let inUse = try CLI.run(["serve", index, "--port", String(server.port)])
        #expect(inUse.status == 2)
        #expect(inUse.stderr.contains("cannot listen on 127.0.0.1:\(server.port)"))
        // Named by its directory when no NAME= is given.
        #expect((try server.get("/v1/indexes").json?["indexes"] as? [[String: Any]])?.first?["name"] as? String == "licenses.idx")
        let open = try ServeProcess([index, "--host", "0.0.0.0", "--quiet"])
        #expect(open.stop().stderr.contains("without a token"))
    }

    @Test func fanOutEqualsOneServerHoldingBothShards() throws {
        let split = try Self.split()
        let single = try ServeProcess(["lic=\(split.merged)", "--quiet"])
        defer { single.stop() }
        let first = try ServeProcess(["lic=\(split.parts[0])", "--quiet"])
        defer { first.stop() }
        let second = try ServeProcess(["lic=\(split.parts[1])", "--quiet"])
        defer { second.stop() }
        let front = try ServeProcess(["--remote", first.url, "--remote", second.url, "--quiet"])
        defer { front.stop() }

        let one = try #require(try single.get("/v1/indexes").json?["indexes"] as? [[String: Any]]).first
        let union = try #require(try front.get("/v1/indexes").json?["indexes"] as? [[String: Any]]).first
        for key in ["name", "shards", "documents", "tokens", "kind"] { #expect(sameJSON(one?[key], union?[key]), "\(key)") }

        let longText = "you may convey verbatim copies of the Program's source code as you receive it, in any medium, provided that you conspicuously"
        for phrase in Self.phrases + [longText] {
            for (path, body) in [("/v1/count", ["query": phrase]), ("/v1/locate", ["query": phrase, "limit": 25]), ("/v1/longest", ["query": phrase + " plus words nobody wrote"]),
                                 ("/v1/has", ["query": longText])] as [(String, [String: Any])] {
                let expected = try single.post(path, body), answered = try front.post(path, body)
                #expect(expected.status == answered.status, "\(path) \(phrase)")
                #expect(sameJSON(expected.json, answered.json), "\(path) \(phrase): \(expected.text) vs \(answered.text)")
            }
            for offset in [1, 7, 30, 100] {
                let body: [String: Any] = ["query": phrase, "limit": 9, "offset": offset]
                #expect(sameJSON(try single.post("/v1/locate", body).json, try front.post("/v1/locate", body).json), "locate offset \(offset) \(phrase)")
            }
            for type in ["count", "prob", "find"] {
                var expected = try #require(try single.post("/", ["query_type": type, "query": phrase]).json)
                var answered = try #require(try front.post("/", ["query_type": type, "query": phrase]).json)
                expected["latency"] = nil; answered["latency"] = nil
                #expect(sameJSON(expected, answered), "\(type) \(phrase)")
            }
        }
        // Trace: the same spans, counts, ranks and sources as one index holding both parts.
        let generation = Self.phrases.joined(separator: " and ") + ". " + longText + " THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND"
        for minMatch in [2, 4, 8] {
            let body: [String: Any] = ["text": generation, "min_match": minMatch, "max_sources": 4]
            let expected = try single.post("/v1/trace", body), answered = try front.post("/v1/trace", body)
            #expect(expected.status == 200)
            #expect((expected.json?["span_count"] as? Int ?? 0) > 0)
            #expect(sameJSON(expected.json, answered.json), "trace min_match \(minMatch): \(expected.text.prefix(300)) vs \(answered.text.prefix(300))")
        }
        // Check: the parts' partial results combine into the merged index's answer, for every method.
        let items: [[String: Any]] = [generation, longText, "the weather in the mountains was cold and clear", Self.phrases[4] + ", free of charge, to any person obtaining"]
            .enumerated().map { ["id": "i\($0.offset)", "text": $0.element] }
        for methods in [nil, ["all"]] as [[String]?] {
            var body: [String: Any] = ["items": items]
            if let methods { body["methods"] = methods }
            let expected = try single.post("/v1/check", body), answered = try front.post("/v1/check", body)
            #expect(expected.status == 200)
            #expect(sameJSON(expected.json, answered.json), "check \(methods ?? []): \(expected.text.prefix(400)) vs \(answered.text.prefix(400))")
        }
        let shards = one?["shards"] as? Int ?? 0
        for shard in 0..<shards {
            for doc in 0..<3 {
                let expected = try single.get("/v1/documents/\(shard)/\(doc)"), answered = try front.get("/v1/documents/\(shard)/\(doc)")
                var a = expected.json ?? [:], b = answered.json ?? [:]
                #expect(expected.status == answered.status)
                a["index"] = nil; b["index"] = nil
                #expect(sameJSON(a, b), "document \(shard)/\(doc)")
            }
        }
        #expect(try front.get("/v1/documents/\(shards)/0").status == 404)
        #expect(try front.get("/").headers["content-type"]?.hasPrefix("text/html") == true)

        // A remote that goes away is an error naming it, never a lower count.
        second.stop(SIGKILL)
        let failed = try front.post("/v1/count", ["query": "free software"])
        #expect(failed.status == 503)
        #expect((failed.json?["error"] as? String)?.contains(second.url.trimmingCharacters(in: CharacterSet(charactersIn: "/"))) == true)
        #expect(front.stop().status == 0)
    }

    @Test func partsThatTokenizeDifferentlyAreRefusedAtStart() throws {
        let split = try Self.split()
        let folded = try ServeProcess(["lic=\(split.parts[0])", "--quiet"])
        defer { folded.stop() }
        let cased = try ServeProcess(["lic=\(try CLI.buildIndex(["corpora/licenses"], named: "cased.idx", options: ["--keep-case"]))", "--quiet"])
        defer { cased.stop() }
        let front = try CLI.run(["serve", "--remote", folded.url, "--remote", cased.url, "--port", "0"])
        #expect(front.status == 2)
        #expect(front.stderr.contains("cannot be a shard of the same index"))
    }

    @Test func loadOfKeepAliveCountsAndChecksHasNoErrorAndNoWrongAnswer() throws {
        let index = try Self.split().whole
        let server = try ServeProcess(["lic=\(index)", "--quiet", "--queue", "256"])
        var counts: [String: Int] = [:]
        for phrase in Self.phrases {
            counts[phrase] = jsonObject(try CLI.run(["query", index, "count", phrase, "--json"]).stdout)?["count"] as? Int
        }
        let expected = counts
        let checkBody = String(decoding: try JSONSerialization.data(withJSONObject: ["items": [["id": "a", "text": Self.phrases[3] + " of the Program's source code as you receive it"]]]), as: UTF8.self)
        let checkExpected = try server.connect().exchange("POST", "/v1/check", body: checkBody).text
        let errors = LockedBox([String]())
        let answered = LockedBox(0)
        let connections = 64, perConnection = 20_000 / 64 + 1, checkers = 4, checksEach = 50
        DispatchQueue.concurrentPerform(iterations: connections + checkers) { worker in
            do {
                let connection = try server.connect()
                if worker >= connections {
                    for _ in 0..<checksEach {
                        let response = try connection.exchange("POST", "/v1/check", body: checkBody)
                        if response.status != 200 || response.text != checkExpected { errors.update { $0.append("check: \(response.status)") } }
                    }
                    return
                }
                for k in 0..<perConnection {
                    let phrase = Self.phrases[(worker + k) % Self.phrases.count]
                    let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": phrase]), as: UTF8.self)
                    let response = try connection.exchange("POST", "/v1/count", body: body)
                    if response.status != 200 || response.json?["count"] as? Int != expected[phrase] {
                        errors.update { $0.append("\(phrase): \(response.status) \(response.text)") }
                    }
                    answered.update { $0 += 1 }
                }
            } catch {
                errors.update { $0.append("\(error)") }
            }
        }
        #expect(errors.value.isEmpty, "\(errors.value.prefix(5))")
        #expect(answered.value >= 20_000)
        #expect(server.stop().status == 0)
    }

    @Test func sigtermUnderLoadFinishesInFlightRequestsAndExitsZero() throws {
        let index = try Self.split().whole
        let server = try ServeProcess(["lic=\(index)", "--quiet"])
        let expected = jsonObject(try CLI.run(["query", index, "count", "free software", "--json"]).stdout)?["count"] as? Int
        let wrong = LockedBox([String]())
        let completed = LockedBox(0)
        let group = DispatchGroup()
        for _ in 0..<16 {
            DispatchQueue.global().async(group: group) {
                guard let connection = try? server.connect() else { return }
                while true {
                    guard let response = try? connection.exchange("POST", "/v1/count", body: #"{"query": "free software"}"#) else { return }
                    if response.status == 200 {
                        if response.json?["count"] as? Int != expected { wrong.update { $0.append(response.text) } }
                        completed.update { $0 += 1 }
                    } else if response.status != 503 {
                        wrong.update { $0.append("status \(response.status)") }
                    }
                    if response.headers["connection"] == "close" { return }
                }
            }
        }
        while completed.value < 500 { usleep(10_000) }
        let (status, stderr) = server.stop(SIGTERM)
        group.wait()
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("stopping"))
        #expect(wrong.value.isEmpty, "\(wrong.value.prefix(3))")
    }
}
