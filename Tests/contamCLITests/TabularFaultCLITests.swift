import Foundation
import Testing
import ContamTestSupport

/// A whole `contam tabular scan` against a faulty endpoint: killed with SIGKILL mid-scan it leaves no corrupt
/// cache entry, and the rerun resumes from the cache, sending only the requests that had no answer yet.
@Suite struct TabularFaultCLITests {
    @Test func killedScanResumesFromAnIntactCache() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let healthy = Flag()
        // Until `healthy`: a rotation of faults (server errors, rate limits, resets, garbage) around slow good answers.
        let server = try TestHTTPServer { _, n in
            if healthy.isSet { return .json(completionJSON("5.1,3.5,1.4,0.2")) }
            switch n % 6 {
            case 0: return .json("{\"error\": \"overloaded\"}", status: 500)
            case 1: return .json("{\"error\": \"slow down\"}", status: 429, headers: ["Retry-After": "0"])
            case 2: return .reset
            case 3: return .raw(["HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n"])
            default: return .delayed(seconds: 0.05, body: completionJSON("5.1,3.5,1.4,0.2"))
            }
        }
        defer { server.stop() }
        let cache = dir.file("cache")
        let arguments = ["tabular", "scan", "corpora/tabular/iris.csv", "corpora/tabular/uci-wine.csv", "--endpoint", "http://127.0.0.1:\(server.port)/v1",
                         "--model", "m", "--completion", "--tests", "row,first-token", "--queries", "6", "--prefix-rows", "3",
                         "--cache-dir", cache, "--retries", "4", "--concurrency", "2", "--quiet", "--json"]
        // First run: killed once a dozen requests have been answered (some good answers are cached by then).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while server.requestCount < 12 && process.isRunning && Date() < deadline { usleep(20_000) }
        #expect(process.isRunning, "the scan should still be running when it is killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // Every entry in the cache is a whole, valid answer; a half-written file can only be a temporary one.
        let entries = (FileManager.default.enumerator(atPath: cache)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }
        #expect(!entries.isEmpty, "a dozen requests in, some answers should be cached")
        for entry in entries {
            let data = try Data(contentsOf: URL(fileURLWithPath: cache + "/" + entry))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(object?["text"] is String && object?["request"] is String, "\(entry) is not a complete cache entry")
        }

        // The rerun against a now healthy server completes and sends only what the cache lacks.
        healthy.set()
        let before = server.requestCount
        let rerun = try CLI.run(arguments)
        #expect(rerun.status == 0 || rerun.status == 1, "\(rerun.stderr)")
        let sent = server.requestCount - before
        let cacheHits = rerun.stdout.components(separatedBy: "\"cacheHits\":").dropFirst().compactMap { Int(String($0.prefix { $0.isNumber })) }.reduce(0, +)
        #expect(cacheHits >= entries.count, "every cached answer is reused: \(cacheHits) hits for \(entries.count) entries")
        #expect(sent > 0 && !rerun.stdout.contains("\"requestsSent\":0,\"cacheHits\":0"))
        // A third run is served entirely from the cache.
        let third = try CLI.run(arguments)
        #expect(third.status == rerun.status)
        #expect(server.requestCount - before == sent, "the third run sent \(server.requestCount - before - sent) requests")
    }
}

/// A flag one thread sets and the server's threads read.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
