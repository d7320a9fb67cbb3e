import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client connection of `HTTPServer`, served on its own thread: reads requests one after another
/// (pipelined requests included) under the configuration's deadlines, answers each, and closes when the
/// client asks, a limit is hit, the client goes away or the server stops. The socket is non-blocking; every
/// wait is a `poll` of at most `pollSlice`, so an idle connection notices shutdown promptly.
struct HTTPConnection {
    let descriptor: Int32
    let remote: String
    let server: HTTPServer
    /// Received bytes not yet consumed by a request.
    private var buffer: [UInt8] = []
    /// The peer closed its side.
    private var peerClosed = false
    /// What one `recv` reads into, allocated once per connection.
    private var scratch = [UInt8](repeating: 0, count: HTTPConnection.readChunk)

    static let pollSlice: Duration = .milliseconds(200)
    static let readChunk = 64 << 10

    init(descriptor: Int32, remote: String, server: HTTPServer) {
        self.descriptor = descriptor
        self.remote = remote
        self.server = server
    }

    private var configuration: HTTPServerConfiguration { server.configuration }

    /// The request loop.
    mutating func serve() {
        var first = true
        while true {
            let outcome = readHead(firstRequest: first)
            first = false
            let began = ContinuousClock.now
            let headEnd: Int
            switch outcome {
            case .closed:
                return
            case .failed(let status, let message):
                refuse(status, message)
                record(method: nil, path: nil, status: status, began: began, bytes: 0)
                return
            case .head(let end):
                headEnd = end
            }
            let head: HTTPRequestHead
            do {
                head = try HTTPRequestHead(parsing: buffer[0..<headEnd], maxBodyBytes: configuration.maxBodyBytes)
            } catch {
                refuse(error.status, error.message)
                record(method: nil, path: nil, status: error.status, began: began, bytes: 0)
                return
            }
            let bodyStart = headEnd + 4
            if head.expectsContinue && buffer.count < bodyStart + head.contentLength {
                guard send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
            }
            guard fill(bodyStart + head.contentLength, deadline: ContinuousClock.now + configuration.headerTimeout) else {
                if !peerClosed { refuse(408, "the body did not arrive within \(configuration.headerTimeout)") }
                record(method: head.method, path: head.path, status: 408, began: began, bytes: 0)
                return
            }
            let request = HTTPRequest(method: head.method, target: head.target, path: head.path, query: head.query, headers: head.headers,
                                      body: Array(buffer[bodyStart..<(bodyStart + head.contentLength)]))
            consume(bodyStart + head.contentLength)
            var response = server.respond(to: request)
            let keepOpen = head.keepAlive && !server.isStopping && response.status != 504
            response.headers.append(("Connection", keepOpen ? "keep-alive" : "close"))
            let sent = send(Self.serialized(response))
            record(method: head.method, path: head.path, status: response.status, began: began, bytes: response.body.count)
            if !sent || !keepOpen {
                lingeringClose()
                return
            }
        }
    }

    private enum HeadOutcome {
        /// The head ends at this offset of `buffer` (where its CRLF CRLF starts).
        case head(Int)
        /// Nothing more to do on this connection (client gone, idle too long, or shutdown while idle).
        case closed
        /// Refuse with this status and close.
        case failed(Int, String)
    }

    /// Reads until `buffer` holds a complete head. Waiting for the first byte of a request is idle time
    /// (the idle timeout, or the header timeout for a connection's first request); once a byte has arrived
    /// the whole head must arrive within the header timeout.
    private mutating func readHead(firstRequest: Bool) -> HeadOutcome {
        var scanned = 0
        var headDeadline: ContinuousClock.Instant? = buffer.isEmpty ? nil : ContinuousClock.now + configuration.headerTimeout
        let idleDeadline = ContinuousClock.now + (firstRequest ? configuration.headerTimeout : configuration.idleTimeout)
        while true {
            if let end = Self.headEnd(in: buffer, from: scanned) {
                if end > configuration.maxHeaderBytes { return .failed(431, "the request head is over \(configuration.maxHeaderBytes) bytes") }
                return .head(end)
            }
            if buffer.count > configuration.maxHeaderBytes { return .failed(431, "the request head is over \(configuration.maxHeaderBytes) bytes") }
            scanned = max(0, buffer.count - 3)
            if peerClosed { return .closed }
            if headDeadline == nil && server.isStopping { return .closed }
            let deadline = headDeadline ?? idleDeadline
            switch receive(until: deadline) {
            case .data:
                if headDeadline == nil { headDeadline = ContinuousClock.now + configuration.headerTimeout }
            case .timedOut:
                if headDeadline == nil { return .closed }
                return .failed(408, "the request head did not arrive within \(configuration.headerTimeout)")
            case .closed, .failed:
                return .closed
            case .slice:
                continue
            }
        }
    }

    /// Reads until `buffer` holds `count` bytes; false when the deadline passes or the client goes away.
    private mutating func fill(_ count: Int, deadline: ContinuousClock.Instant) -> Bool {
        while buffer.count < count {
            switch receive(until: deadline) {
            case .data, .slice: continue
            case .timedOut, .closed, .failed: return false
            }
        }
        return true
    }

    private enum ReceiveOutcome { case data, slice, timedOut, closed, failed }

    /// One wait of at most `pollSlice` and one read.
    private mutating func receive(until deadline: ContinuousClock.Instant) -> ReceiveOutcome {
        let now = ContinuousClock.now
        if now >= deadline { return .timedOut }
        if !waitReadable(for: min(Self.pollSlice, deadline - now)) { return .slice }
        let read = scratch.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress, raw.count, 0) }
        if read > 0 {
            buffer.append(contentsOf: scratch[0..<read])
            return .data
        }
        if read == 0 {
            peerClosed = true
            return .closed
        }
        return errno == EAGAIN || errno == EINTR ? .slice : .failed
    }

    private func waitReadable(for duration: Duration) -> Bool {
        var descriptorState = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000))
        return poll(&descriptorState, 1, milliseconds) > 0
    }

    private mutating func consume(_ count: Int) {
        if count >= buffer.count { buffer.removeAll(keepingCapacity: true) } else { buffer.removeFirst(count) }
    }

    /// Writes all of `bytes`; false when the client is gone or does not read within the idle timeout.
    func send(_ bytes: [UInt8]) -> Bool {
        let deadline = ContinuousClock.now + configuration.idleTimeout
        var sent = 0
        while sent < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                sent += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EINTR, ContinuousClock.now < deadline else { return false }
            var descriptorState = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptorState, 1, 200)
        }
        return true
    }

    /// Answers `status` with the error shape and `Connection: close`, before closing; `linger` waits a
    /// moment for the client's unread bytes (not on the accept thread, which must not wait).
    mutating func refuse(_ status: Int, _ message: String, linger: Bool = true) {
        var response = HTTPResponse.error(status, message)
        response.headers.append(("Connection", "close"))
        _ = send(Self.serialized(response))
        if linger { lingeringClose() }
    }

    /// Half-closes and reads what the client is still sending for a moment, so that the answer is not lost
    /// to a reset when the client's unread bytes reach a closed socket.
    private mutating func lingeringClose() {
        shutdown(descriptor, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + .seconds(1)
        var drained = 0
        while !peerClosed && drained < 1 << 22 {
            let before = buffer.count
            switch receive(until: deadline) {
            case .data: drained += buffer.count - before; buffer.removeAll(keepingCapacity: true)
            case .slice: continue
            case .timedOut, .closed, .failed: return
            }
        }
    }

    private func record(method: String?, path: String?, status: Int, began: ContinuousClock.Instant, bytes: Int) {
        let elapsed = ContinuousClock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        server.metrics.record(endpoint: server.endpointLabel(path: path, status: status), status: status, seconds: seconds)
        server.log(remote: remote, method: method, path: path, status: status, bytes: bytes, seconds: seconds)
    }

    /// The offset of the first CRLF CRLF at or after `start`.
    static func headEnd(in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = start
        while index + 3 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }

    /// Status line, the server's headers (Content-Length, Date), the response's, and the body.
    static func serialized(_ response: HTTPResponse) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\nContent-Length: \(response.body.count)\r\n"
        head += "Date: \(HTTPServer.timestamp(format: "%a, %d %b %Y %H:%M:%S GMT"))\r\nServer: contam\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: response.body)
        return bytes
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 417: return "Expectation Failed"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }
}
