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
            (.reset, .networkConnectionLost),
            (.raw(["HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ntoo short"]), .networkConnectionLost),
            (.raw(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"]), .networkConnectionLost),
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

    /// Each reply breaks HTTP with a number or a size; none may trap (they did: a negative Content-Length or a
    /// chunk size near Int.max made a range with lowerBound > upperBound or overflowed).
    @Test func malformedNumbersAndSizesAreErrorsNotTraps() async throws {
        let ok = "HTTP/1.1 200 OK\r\n"
        let chunked = ok + "Transfer-Encoding: chunked\r\n\r\n"
        let cases: [(String, HTTPTransportError?)] = [
            (ok + "Content-Length: -5\r\n\r\nhello", .invalidResponse("the Content-Length '-5' is not a decimal number of bytes")),
            (ok + "Content-Length: +5\r\n\r\nhello", nil),
            (ok + "Content-Length: 5x\r\n\r\nhello", nil),
            (ok + "Content-Length: 0x10\r\n\r\nhello", nil),
            (ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", .invalidResponse("two different Content-Length headers")),
            (ok + "Content-Length: 99999999999999999999999999\r\n\r\nhello", .responseTooLarge(limit: 1024)),
            (ok + "Content-Length: 9223372036854775807\r\n\r\nhello", .responseTooLarge(limit: 1024)),
            (ok + "Content-Length: 5000\r\n\r\nhello", .responseTooLarge(limit: 1024)),
            (ok + "\r\n" + String(repeating: "x", count: 2000), .responseTooLarge(limit: 1024)),
            (chunked + "-5\r\nhello\r\n0\r\n\r\n", .invalidResponse("the chunk size '-5' is not a hexadecimal number")),
            (chunked + "7fffffffffffffff\r\nhello\r\n0\r\n\r\n", .responseTooLarge(limit: 1024)),
            (chunked + "ffffffffffffffffffffffff\r\nhello\r\n0\r\n\r\n", .responseTooLarge(limit: 1024)),
            (chunked + "300\r\n" + String(repeating: "x", count: 768) + "\r\n300\r\n", .responseTooLarge(limit: 1024)),
            (chunked + "5\r\nhelloXX0\r\n\r\n", .invalidResponse("a chunk of 5 bytes is not followed by CRLF")),
            (chunked + String(repeating: "1", count: 5000), .invalidResponse("a chunk-size line is longer than 4 KiB")),
            ("HTTP/1.1 -5 OK\r\nContent-Length: 0\r\n\r\n", .invalidResponse("the status line is 'HTTP/1.1 -5 OK'")),
            ("HTTP/1.1 99999999999999999999 OK\r\n\r\n", nil),
            ("garbage\r\n\r\n", .invalidResponse("the status line is 'garbage'")),
            (ok + "X-Padding: " + String(repeating: "a", count: 70_000), .invalidResponse("the header is longer than 64 KiB")),
            (ok + "X-Padding: " + String(repeating: "a", count: 70_000) + "\r\n\r\n", .invalidResponse("the header is longer than 64 KiB")),
        ]
        let transport = SocketHTTPTransport(maxResponseBytes: 1024)
        for (raw, expected) in cases {
            let server = try TestHTTPServer { _, _ in .raw([raw]) }
            defer { server.stop() }
            do {
                let exchange = try await transport.post(server.baseURL, headers: [], body: Data(), timeout: 5)
                Issue.record("accepted \(raw.prefix(60)): status \(exchange.status)")
            } catch let error as HTTPTransportError {
                if let expected { #expect(error == expected, "\(raw.prefix(60))") } else if case .invalidResponse = error {} else { Issue.record("\(raw.prefix(60)): \(error)") }
            } catch {
                Issue.record("\(raw.prefix(60)): \(error)")
            }
        }
    }

    @Test func strictNumberParsing() {
        #expect(SocketHTTPTransport.decimal("0") == 0 && SocketHTTPTransport.decimal("000120") == 120)
        #expect(SocketHTTPTransport.decimal("123456789012345678901") == Int.max)
        for bad: Substring in ["", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x1", "١٢"] { #expect(SocketHTTPTransport.decimal(bad) == nil, "\(bad)") }
        #expect(SocketHTTPTransport.hexadecimal("fF") == 255 && SocketHTTPTransport.hexadecimal("0000000000000000001") == 1)
        for bad in ["", "-5", "+5", "0x5", "g", "7fffffffffffffff", "1000000000000000"] { #expect(SocketHTTPTransport.hexadecimal(bad) == nil, "\(bad)") }
    }

    /// The timeout is a deadline for the whole request: a server sending a byte every 0.25 s (10 s in all) does not
    /// keep a 1 s request alive (it did: the timeout was per read).
    @Test func tricklingServerHitsTheDeadline() async throws {
        let server = try TestHTTPServer { _, _ in .trickle(head: "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n", body: String(repeating: "x", count: 40), interval: 0.25) }
        defer { server.stop() }
        // `.timedOut` is the whole-request deadline at work: a per-read timeout of 1 s never trips on a byte every
        // 0.25 s, and the 40 bytes would end in a complete answer. No wall-clock bound: a loaded machine can delay
        // any test by a minute.
        await #expect { _ = try await post(server, timeout: 1) } throws: { error in
            (error as? URLError)?.code == .timedOut
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

    /// The in-memory entry point (the fuzz target's) parses as the socket client does, however the bytes arrive.
    @Test func aResponseInMemoryParsesAlikeInAnyPieces() throws {
        let responses = [
            "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world",
        ]
        for response in responses {
            for pieceBytes in [1, 2, 3, 7, 1 << 16] {
                let exchange = try SocketHTTPTransport.response(parsing: Array(response.utf8), pieceBytes: pieceBytes, maxResponseBytes: 1 << 20)
                #expect(exchange.status == 200)
                #expect(String(decoding: exchange.body, as: UTF8.self) == "hello world", "\(pieceBytes)-byte pieces of \(response)")
            }
        }
        let empty = try SocketHTTPTransport.response(parsing: Array("HTTP/1.1 204 No Content\r\n\r\n".utf8), maxResponseBytes: 0)
        #expect(empty.status == 204 && empty.body.isEmpty)
        #expect(throws: URLError.self) { try SocketHTTPTransport.response(parsing: Array("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort".utf8), maxResponseBytes: 1 << 20) }
    }
}
