import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import ContamModel
import ContamTestSupport

@Suite struct SocketHTTPTransportTests {
    func post(_ server: TestHTTPServer, timeout: Double = 5) async throws -> HTTPExchange {
        try await SocketHTTPTransport().post(server.baseURL.appendingPathComponent("completions"), headers: [("X-Test", "1")], body: Data("{}".utf8), timeout: timeout)
    }

    @Test func contentLengthChunkedAndReadToClose() async throws {
        let bodies: [TestHTTPServer.Reply] = [
            .raw(["HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello", " world"]),
            .raw(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "6;ext=1\r\n world\r\n0\r\n\r\n"]),
            .raw(["HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello", " world"]),
        ]
        for (number, reply) in bodies.enumerated() {
            let server = try TestHTTPServer { _, _ in reply }
            defer { server.stop() }
            let exchange: HTTPExchange
            do { exchange = try await post(server) } catch { Issue.record("case \(number): \(error)"); continue }
            #expect(exchange.status == 200)
            #expect(String(decoding: exchange.body, as: UTF8.self) == "hello world")
            let request = try #require(server.requests.first)
            #expect(request.method == "POST" && request.path == "/v1/completions")
            #expect(request.headers["x-test"] == "1" && request.headers["host"] == "127.0.0.1:\(server.port)")
            #expect(String(decoding: request.body, as: UTF8.self) == "{}")
        }
    }

    @Test func headersAndStatus() async throws {
        let server = try TestHTTPServer { _, _ in .json("{}", status: 429, headers: ["Retry-After": "3"]) }
        defer { server.stop() }
        let exchange = try await post(server)
        #expect(exchange.status == 429 && exchange.headers["retry-after"] == "3")
    }

    @Test func brokenResponsesAreURLErrors() async throws {
        let cases: [(TestHTTPServer.Reply, URLError.Code)] = [
            (.close, .networkConnectionLost),
            (.raw(["garbage\r\n\r\n"]), .badServerResponse),
            (.raw(["HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ntoo short"]), .networkConnectionLost),
            (.raw(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]), .badServerResponse),
            (.hang(seconds: 2), .timedOut),
        ]
        for (reply, code) in cases {
            let server = try TestHTTPServer { _, _ in reply }
            defer { server.stop() }
            await #expect { _ = try await post(server, timeout: 1) } throws: { error in
                (error as? URLError)?.code == code
            }
        }
    }

    @Test func refusedAndUnknownHosts() async throws {
        let port = TestHTTPServer.closedPort()
        await #expect { _ = try await SocketHTTPTransport().post(URL(string: "http://127.0.0.1:\(port)/v1")!, headers: [], body: Data(), timeout: 2) } throws: { error in
            (error as? URLError)?.code == .cannotConnectToHost
        }
        await #expect { _ = try await SocketHTTPTransport().post(URL(string: "http://no-such-host.invalid/v1")!, headers: [], body: Data(), timeout: 2) } throws: { error in
            (error as? URLError)?.code == .cannotFindHost
        }
    }
}
