import Foundation
import Testing
import ContamStorage
import ContamTestSupport
@testable import ContamApps

/// The HTTP layer of `contam serve` with handlers of the tests' own: keep-alive, pipelining, every refusal
/// status, the limits, the token, metrics, the access log and graceful shutdown, over real sockets.
@Suite struct HTTPServerTests {
    /// A server on a free loopback port with `configure` applied; `stop` shuts it down and waits.
    final class Running: @unchecked Sendable {
        let server: HTTPServer
        let log = LockedBox([String]())
        var port: Int { server.boundPort }

        init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }, handler: @escaping HTTPHandler = Running.echo) throws {
            var configuration = HTTPServerConfiguration()
            configuration.port = 0
            configuration.headerTimeout = .seconds(5)
            let log = self.log
            configuration.logSink = { line in log.update { $0.append(line) } }
            configure(&configuration)
            server = HTTPServer(configuration: configuration, handler: handler)
            try server.start()
        }

        func stop() {
            server.shutdown()
            server.wait()
        }

        func connect(timeout: Double = 10) throws -> RawHTTPConnection { try RawHTTPConnection(port: port, timeout: timeout) }

        /// Answers "METHOD PATH BODY" and the query, for checking what the server parsed.
        static let echo: HTTPHandler = { request in
            let query = request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            return .text("\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self)) \(query) deadline=\(request.deadline != nil)")
        }
    }

    @Test func keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws {
        let running = try Running()
        defer { running.stop() }
        let connection = try running.connect()
        // Two requests in one write, then a third on the same connection.
        connection.send(RawHTTPConnection.request("POST", "/a?x=1&y=h%C3%A9+llo", body: "one") + RawHTTPConnection.request("GET", "/b%20c"))
        let first = try connection.readResponse(), second = try connection.readResponse()
        #expect(first.status == 200)
        #expect(first.text == "POST /a one x=1&y=hé llo deadline=true")
        #expect(first.headers["connection"] == "keep-alive")
        #expect(second.text == "GET /b c   deadline=true")
        let third = try connection.exchange("GET", "/third")
        #expect(third.text.hasPrefix("GET /third"))
        // Connection: close is honoured.
        connection.send(RawHTTPConnection.request("GET", "/last", close: true))
        #expect(try connection.readResponse().headers["connection"] == "close")
        #expect(connection.waitForClose())
    }

    @Test func malformedRequestsGetTheirStatusAndTheConnectionCloses() throws {
        let running = try Running { $0.maxHeaderBytes = 2048; $0.maxBodyBytes = 100 }
        defer { running.stop() }
        let cases: [(String, Int)] = [
            ("garbage\r\n\r\n", 400),
            ("GET /x HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400),
            ("POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
            ("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
            ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
            ("GET /x HTTP/2.0\r\n\r\n", 505),
            ("GET http://elsewhere/x HTTP/1.1\r\n\r\n", 400),
            ("GET /x%zz HTTP/1.1\r\n\r\n", 400),
            ("GET /x HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 3000))\r\n\r\n", 431),
            ("POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413),
            ("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413),
            ("POST /x HTTP/1.1\r\nExpect: something\r\nContent-Length: 1\r\n\r\na", 417),
        ]
        for (bytes, status) in cases {
            let connection = try running.connect()
            connection.send(bytes)
            let response = try connection.readResponse()
            #expect(response.status == status, "\(bytes.prefix(60))")
            #expect(response.json?["status"] as? Int == status)
            #expect(response.json?["error"] is String)
            #expect(connection.waitForClose(), "\(bytes.prefix(60))")
        }
        // A head without its end, longer than the limit, is refused before it ends.
        let endless = try running.connect()
        endless.send("GET /x HTTP/1.1\r\nX: " + String(repeating: "b", count: 5000))
        #expect(try endless.readResponse().status == 431)
        // The server is still serving.
        #expect(try running.connect().exchange("GET", "/ok").status == 200)
    }

    @Test func expectContinueGetsA100BeforeTheBody() throws {
        let running = try Running { $0.maxBodyBytes = 10 }
        defer { running.stop() }
        let connection = try running.connect()
        connection.send("POST /e HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        #expect(try connection.readResponse().status == 100)
        connection.send("hello")
        #expect(try connection.readResponse().text.hasPrefix("POST /e hello"))
        // Too large: 413 at once, no 100.
        let large = try running.connect()
        large.send("POST /e HTTP/1.1\r\nContent-Length: 50\r\nExpect: 100-continue\r\n\r\n")
        #expect(try large.readResponse().status == 413)
    }

    @Test func slowHeadsTimeOutAndIdleConnectionsClose() throws {
        let running = try Running { $0.headerTimeout = .milliseconds(400); $0.idleTimeout = .milliseconds(400) }
        defer { running.stop() }
        // A trickled head (slowloris): 408 once the header timeout passes, however steadily bytes arrive.
        let slow = try running.connect()
        let began = Date()
        var status: Int?
        for byte in "GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n".utf8 {
            guard slow.send([byte]) else { break }
            usleep(50_000)
            if Date().timeIntervalSince(began) > 3 { break }
        }
        status = try? slow.readResponse().status
        #expect(status == 408)
        // An idle keep-alive connection is closed after the idle timeout.
        let idle = try running.connect()
        #expect(try idle.exchange("GET", "/one").status == 200)
        #expect(idle.waitForClose())
        // A body that does not arrive: 408.
        let noBody = try running.connect()
        noBody.send("POST /b HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try noBody.readResponse().status == 408)
    }

    @Test func fullQueueGets429AndTheConnectionLimit503() throws {
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let running = try Running({ $0.workers = 1; $0.queueLimit = 0; $0.maxConnections = 3 }) { request in
            if request.path == "/slow" {
                entered.signal()
                gate.wait()
            }
            return .text("done \(request.path)")
        }
        defer { running.stop() }
        let busy = try running.connect()
        busy.send(RawHTTPConnection.request("GET", "/slow"))
        #expect(entered.wait(timeout: .now() + 10) == .success)
        let refused = try running.connect()
        let answer = try refused.exchange("GET", "/other")
        #expect(answer.status == 429)
        #expect(answer.headers["retry-after"] == "1")
        // The server answers health and metrics itself, even when every worker is busy.
        #expect(try refused.exchange("GET", "/healthz").status == 200)
        // Three connections are open (busy, refused, this one); a fourth is refused with 503.
        let third = try running.connect()
        #expect(try third.exchange("GET", "/metrics").status == 200)
        let fourth = try running.connect()
        #expect(try fourth.readResponse().status == 503)
        gate.signal()
        #expect(try busy.readResponse().text == "done /slow")
        #expect(try refused.exchange("GET", "/other").status == 200)
    }

    @Test func theTokenIsRequiredExceptForHealthAndNeverLogged() throws {
        let running = try Running { $0.token = "s3cret-token"; $0.logJSON = true }
        defer { running.stop() }
        let connection = try running.connect()
        let missing = try connection.exchange("GET", "/x")
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try connection.exchange("GET", "/x", headers: [("Authorization", "Bearer wrong")]).status == 401)
        #expect(try connection.exchange("GET", "/metrics").status == 401)
        #expect(try connection.exchange("GET", "/x", headers: [("Authorization", "Bearer s3cret-token")]).status == 200)
        #expect(try connection.exchange("GET", "/healthz").status == 200)
        // A request's line is written just after its response.
        for _ in 0..<50 where running.log.value.count < 5 { usleep(20_000) }
        let lines = running.log.value
        #expect(lines.count == 5)
        #expect(!lines.joined().contains("s3cret"))
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["status"] is Int)
            #expect(object["method"] as? String == "GET")
            #expect(object["ms"] is Double)
        }
    }

    @Test func metricsCountRequestsByEndpointAndStatus() throws {
        let running = try Running(handler: { request in
            request.path == "/v1/documents/3/4" ? .text("doc") : .error(404, "no")
        })
        defer { running.stop() }
        let connection = try running.connect()
        for _ in 0..<3 { _ = try connection.exchange("GET", "/v1/documents/3/4") }
        _ = try connection.exchange("GET", "/random/path/\(UUID().uuidString)")
        let text = try connection.exchange("GET", "/metrics").text
        #expect(text.contains("contam_http_requests_total{endpoint=\"/v1/documents/{n}/{n}\",status=\"200\"} 3"))
        #expect(text.contains("contam_http_requests_total{endpoint=\"unmatched\",status=\"404\"} 1"))
        #expect(text.contains("contam_http_request_duration_seconds_bucket{endpoint=\"/v1/documents/{n}/{n}\",le=\"+Inf\"} 3"))
        #expect(text.contains("contam_http_request_duration_seconds_count{endpoint=\"/v1/documents/{n}/{n}\"} 3"))
        #expect(text.contains("contam_http_requests_in_flight 0"))
        #expect(text.contains("contam_http_queue_depth 0"))
        #expect(text.contains("contam_http_connections 1"))
        // Every sample line is NAME{LABELS} VALUE or NAME VALUE with a numeric value.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line)")
        }
    }

    @Test func clientsThatVanishMidRequestLeaveTheServerServing() throws {
        let running = try Running()
        defer { running.stop() }
        for partial in ["GET /x HTT", "POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc", "\r\n\r\n\r\n"] {
            let connection = try running.connect()
            connection.send(partial)
        }
        for _ in 0..<20 {
            let connection = try running.connect()
            connection.send(RawHTTPConnection.request("GET", "/never-read"))
        }
        #expect(try running.connect().exchange("GET", "/fine").status == 200)
    }

    @Test func shutdownFinishesInFlightRequestsAndRefusesNewOnes() throws {
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let running = try Running(handler: { request in
            if request.path == "/slow" {
                entered.signal()
                gate.wait()
            }
            return .text("answered \(request.path)")
        })
        let inFlight = try running.connect()
        inFlight.send(RawHTTPConnection.request("GET", "/slow"))
        #expect(entered.wait(timeout: .now() + 10) == .success)
        let idle = try running.connect()
        #expect(try idle.exchange("GET", "/quick").status == 200)
        running.server.shutdown()
        // The idle keep-alive connection is closed; no new connection is accepted.
        #expect(idle.waitForClose())
        usleep(300_000)
        #expect(throws: RawHTTPConnection.Failure.self) { try RawHTTPConnection(port: running.port).exchange("GET", "/new") }
        let finished = DispatchSemaphore(value: 0)
        let done = LockedBox(false)
        Thread {
            running.server.wait()
            done.value = true
            finished.signal()
        }.start()
        usleep(200_000)
        #expect(!done.value)
        gate.signal()
        let response = try inFlight.readResponse()
        #expect(response.text == "answered /slow")
        #expect(response.headers["connection"] == "close")
        #expect(finished.wait(timeout: .now() + 10) == .success)
    }

    @Test func anAddressInUseIsAClearError() throws {
        let running = try Running()
        defer { running.stop() }
        var configuration = HTTPServerConfiguration()
        configuration.port = running.port
        let second = HTTPServer(configuration: configuration, handler: Running.echo)
        #expect(throws: HTTPServerError.self) { try second.start() }
        do { try second.start() } catch { #expect("\(error)".contains("cannot listen on 127.0.0.1:\(running.port)")) }
    }

    @Test func headParsingFollowsTheRules() throws {
        func head(_ text: String) throws -> HTTPRequestHead { try HTTPRequestHead(parsing: Array(text.utf8)[...], maxBodyBytes: 1000) }
        #expect(try head("GET / HTTP/1.1").keepAlive)
        #expect(try !head("GET / HTTP/1.1\r\nConnection: close").keepAlive)
        #expect(try !head("GET / HTTP/1.0").keepAlive)
        #expect(try head("GET / HTTP/1.0\r\nConnection: Keep-Alive").keepAlive)
        #expect(try head("POST / HTTP/1.1\r\ncontent-length:  12 ").contentLength == 12)
        #expect(try head("\r\nGET /a%2Fb?q=%2B+1&flag HTTP/1.1").path == "/a/b")
        #expect(try head("GET /?q=%2B+1&flag HTTP/1.1").query == ["q": "+ 1", "flag": ""])
        #expect(try head("GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2").headers.map(\.name) == ["x-a", "x-a"])
        #expect(throws: HTTPParseError.self) { try head("GET /%FF HTTP/1.1") }
        #expect(throws: HTTPParseError.self) { try head("GET  / HTTP/1.1") }
        #expect(throws: HTTPParseError.self) { try head("G(T / HTTP/1.1") }
        #expect(throws: HTTPParseError.self) { try head("GET / HTTP/1.1\r\nBad Name: x") }
    }
}
