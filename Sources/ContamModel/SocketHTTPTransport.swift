import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client for plain `http://` over POSIX sockets: one connection per request
/// (`Connection: close`), blocking I/O with `poll` on a thread of its own, `Content-Length`, chunked and
/// read-to-close bodies. It exists because URLSession on Linux busy-waits while an answer is pending, and a
/// local model server needs those cores. The timeout is a deadline for the whole request (connect, send, wait,
/// receive). Every number read from the network is parsed strictly and bounded: a head over 64 KiB, a body over
/// `maxResponseBytes`, a negative, non-numeric or oversized length fail with an `HTTPTransportError`; network
/// failures are `URLError`s, like URLSession's.
public final class SocketHTTPTransport: HTTPTransport {
    /// Bytes of a response head (status line and header fields) at most.
    public static let maxHeaderBytes = 64 << 10
    /// Bytes of one chunk-size line at most (the size and its extensions).
    static let maxChunkLineBytes = 4096

    /// Body bytes accepted at most.
    public let maxResponseBytes: Int

    /// `maxResponseBytes`: longer bodies fail with `HTTPTransportError.responseTooLarge` before they are read.
    public init(maxResponseBytes: Int = ModelClient.Configuration.defaultMaxResponseBytes) {
        // At most 2^50 bytes, so that offsets computed from a size under the limit cannot overflow.
        self.maxResponseBytes = min(max(0, maxResponseBytes), 1 << 50)
    }

    public func post(_ url: URL, headers: [(String, String)], body: Data, timeout: Double) async throws -> HTTPExchange {
        let limit = maxResponseBytes
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPExchange, Error>) in
            let thread = Thread {
                do {
                    continuation.resume(returning: try Self.exchange(url, headers: headers, body: body, deadline: Deadline(secondsFromNow: timeout), maxResponseBytes: limit))
                } catch { continuation.resume(throwing: error) }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// The whole exchange, blocking the calling thread until it is done or `deadline` has passed. (Name
    /// resolution is not bounded by the deadline: `getaddrinfo` cannot be interrupted.)
    static func exchange(_ url: URL, method: String = "POST", headers: [(String, String)], body: Data, deadline: Deadline, maxResponseBytes: Int) throws -> HTTPExchange {
        guard url.scheme?.lowercased() == "http", let host = url.host else { throw URLError(.unsupportedURL) }
        let port = url.port ?? 80
        let fd = try connect(host: host, port: port, deadline: deadline)
        defer { close(fd) }
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\(url.port.map { ":\($0)" } ?? "")\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(fd, Array(head.utf8) + body, deadline: deadline)
        var reader = ResponseReader(fd: fd, deadline: deadline)
        return try reader.response(maxBodyBytes: maxResponseBytes)
    }

    /// One exchange on the calling thread (blocking it): `method` (GET or POST) to `url`, with the same
    /// deadline, limits and errors as `post`. For callers that are threads already (`contam serve`'s fan-out).
    public static func exchange(method: String, url: URL, headers: [(String, String)] = [], body: Data = Data(), timeout: Double,
                                maxResponseBytes: Int = ModelClient.Configuration.defaultMaxResponseBytes) throws -> HTTPExchange {
        try exchange(url, method: method, headers: headers, body: body, deadline: Deadline(secondsFromNow: timeout),
                     maxResponseBytes: min(max(0, maxResponseBytes), 1 << 50))
    }

    /// A connected socket to `host:port` (every resolved address tried in turn).
    static func connect(host: String, port: Int, deadline: Deadline) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { throw URLError(.cannotFindHost) }
        defer { freeaddrinfo(list) }
        var lastError = URLError(.cannotConnectToHost)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd < 0 { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            if errno == EINPROGRESS {
                do {
                    try wait(fd, for: Int16(POLLOUT), until: deadline)
                    var code: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
                    if code == 0 { return fd }
                    lastError = URLError(code == ETIMEDOUT ? .timedOut : .cannotConnectToHost)
                } catch {
                    lastError = (error as? URLError) ?? URLError(.cannotConnectToHost)
                }
            }
            close(fd)
        }
        throw lastError
    }

    /// Waits until `fd` is ready for `events`; throws `.timedOut` once `deadline` has passed.
    static func wait(_ fd: Int32, for events: Int16, until deadline: Deadline) throws {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let left = deadline.millisecondsLeft
            if left == 0 { throw URLError(.timedOut) }
            let ready = poll(&descriptor, 1, left)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw URLError(.networkConnectionLost) }
        }
    }

    static func send(_ fd: Int32, _ bytes: [UInt8], deadline: Deadline) throws {
        var sent = 0
        while sent < bytes.count {
            try wait(fd, for: Int16(POLLOUT), until: deadline)
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            throw URLError(.networkConnectionLost)
        }
    }

    /// Reads and parses one response from a socket: status line, headers, then the body by `Content-Length`,
    /// chunked, or to the end of the connection.
    struct ResponseReader {
        let fd: Int32
        let deadline: Deadline
        /// Bytes received and not yet consumed.
        var buffer = [UInt8]()
        /// The peer closed the connection.
        var closed = false
        /// Without a socket (`fd` < 0): the response in memory, handed out `pieceBytes` per `readMore` as
        /// `recv` would, then the end of the stream (the fuzzer and tests).
        private var replay: [UInt8] = []
        private var replayed = 0
        private var pieceBytes = 1

        init(fd: Int32, deadline: Deadline) {
            self.fd = fd
            self.deadline = deadline
        }

        /// A reader that receives `response` from memory, at most `pieceBytes` (at least 1) at a time.
        init(replaying response: [UInt8], pieceBytes: Int) {
            fd = -1
            deadline = Deadline(secondsFromNow: 0)
            replay = response
            self.pieceBytes = max(1, pieceBytes)
        }

        static func invalid(_ what: String) -> HTTPTransportError { .invalidResponse(what) }

        /// One `recv` into `buffer` (sets `closed` at the end of the stream).
        mutating func readMore() throws {
            if fd < 0 {
                let count = min(pieceBytes, replay.count - replayed)
                buffer += replay[replayed..<(replayed + count)]
                replayed += count
                if count == 0 { closed = true }
                return
            }
            try SocketHTTPTransport.wait(fd, for: Int16(POLLIN), until: deadline)
            let start = buffer.count
            buffer += repeatElement(0, count: 1 << 16)
            let n = buffer[start...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            buffer.removeLast(n > 0 ? (1 << 16) - n : 1 << 16)
            if n > 0 { return }
            if n == 0 { closed = true; return }
            if errno == EAGAIN || errno == EINTR { return }
            throw URLError(.networkConnectionLost)
        }

        /// Reads until `buffer` holds at least `count` bytes; the connection closing first is a truncated answer.
        mutating func fill(_ count: Int) throws {
            while buffer.count < count {
                if closed { throw URLError(.networkConnectionLost) }
                try readMore()
            }
        }

        /// The index of the first CRLF at or after `start`, reading more as needed; lines longer than `limit`
        /// bytes are refused with `what` in the error.
        mutating func lineEnd(from start: Int, limit: Int, what: String) throws -> Int {
            var scanned = start
            while true {
                if let end = SocketHTTPTransport.find([13, 10], in: buffer, from: scanned) { return end }
                scanned = max(start, buffer.count - 1)
                if buffer.count - start > limit { throw Self.invalid("\(what) is longer than \(HTTPTransportError.bytes(limit))") }
                if closed { throw URLError(.networkConnectionLost) }
                try readMore()
            }
        }

        mutating func response(maxBodyBytes: Int) throws -> HTTPExchange {
            var headEnd: Int?
            var scanned = 0
            let tooLong = Self.invalid("the header is longer than \(HTTPTransportError.bytes(SocketHTTPTransport.maxHeaderBytes))")
            while headEnd == nil {
                headEnd = SocketHTTPTransport.find([13, 10, 13, 10], in: buffer, from: scanned)
                if let end = headEnd {
                    if end > SocketHTTPTransport.maxHeaderBytes { throw tooLong }
                    break
                }
                if buffer.count > SocketHTTPTransport.maxHeaderBytes { throw tooLong }
                if closed { throw URLError(.networkConnectionLost) }
                scanned = max(0, buffer.count - 3)
                try readMore()
            }
            guard let headEnd else { throw Self.invalid("no header") }
            let lines = String(decoding: buffer[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
            let statusLine = lines[0]
            let statusParts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), statusParts[1].count == 3,
                  let status = SocketHTTPTransport.decimal(statusParts[1]), (100...599).contains(status) else {
                throw Self.invalid("the status line is \(ModelError.snippet(Data(statusLine.utf8)))")
            }
            var headers = [String: String]()
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                // Two different lengths leave the body's end ambiguous (a request smuggling classic).
                if name == "content-length", let earlier = headers[name], earlier != value {
                    throw Self.invalid("two different Content-Length headers")
                }
                headers[name] = value
            }
            buffer.removeFirst(headEnd + 4)
            let body: [UInt8]
            if status == 204 || status == 304 || (100..<200).contains(status) {
                body = []
            } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                body = try chunkedBody(maxBodyBytes: maxBodyBytes)
            } else if let lengthText = headers["content-length"] {
                guard let length = SocketHTTPTransport.decimal(Substring(lengthText)) else {
                    throw Self.invalid("the Content-Length \(ModelError.snippet(Data(lengthText.utf8))) is not a decimal number of bytes")
                }
                guard length <= maxBodyBytes else { throw HTTPTransportError.responseTooLarge(limit: maxBodyBytes) }
                try fill(length)
                body = Array(buffer.prefix(length))
            } else {
                while !closed {
                    try readMore()
                    if buffer.count > maxBodyBytes { throw HTTPTransportError.responseTooLarge(limit: maxBodyBytes) }
                }
                body = buffer
            }
            return HTTPExchange(status: status, headers: headers, body: Data(body))
        }

        /// A chunked body (RFC 9112 §7.1), decoded; trailers are ignored.
        mutating func chunkedBody(maxBodyBytes: Int) throws -> [UInt8] {
            var decoded = [UInt8]()
            var position = 0
            while true {
                let end = try lineEnd(from: position, limit: SocketHTTPTransport.maxChunkLineBytes, what: "a chunk-size line")
                let line = buffer[position..<end]
                let sizeField = line.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first ?? line[...]
                let sizeText = String(decoding: sizeField, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard let size = SocketHTTPTransport.hexadecimal(sizeText) else {
                    if SocketHTTPTransport.isHexadecimal(sizeText) { throw HTTPTransportError.responseTooLarge(limit: maxBodyBytes) }
                    throw Self.invalid("the chunk size \(ModelError.snippet(Data(sizeText.utf8))) is not a hexadecimal number")
                }
                position = end + 2
                if size == 0 { break }
                // Compared before any arithmetic on `size`, so a huge size cannot overflow an index.
                guard size <= maxBodyBytes - decoded.count else { throw HTTPTransportError.responseTooLarge(limit: maxBodyBytes) }
                try fill(position + size + 2)
                guard buffer[position + size] == 13, buffer[position + size + 1] == 10 else {
                    throw Self.invalid("a chunk of \(size) bytes is not followed by CRLF")
                }
                decoded += buffer[position..<(position + size)]
                position += size + 2
                // Drop what was decoded, so the chunked body is not held twice.
                if position > 1 << 20 { buffer.removeFirst(position); position = 0 }
            }
            return decoded
        }
    }

    /// Parses a response held in memory as if received from a socket `pieceBytes` at a time: the same status
    /// line, header and body rules as `post` (the fuzz target and tests call it; there is no socket).
    package static func response(parsing bytes: [UInt8], pieceBytes: Int = 1 << 16, maxResponseBytes: Int) throws -> HTTPExchange {
        var reader = ResponseReader(replaying: bytes, pieceBytes: pieceBytes)
        return try reader.response(maxBodyBytes: min(max(0, maxResponseBytes), 1 << 50))
    }

    /// A non-negative decimal number of ASCII digits only (no sign, no spaces), else nil; a number of more than 18
    /// significant digits comes back as `Int.max`, above any size limit, rather than overflowing.
    static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let significant = text.drop { $0 == "0" }
        guard significant.count <= 18 else { return Int.max }
        return significant.isEmpty ? 0 : Int(significant)
    }

    static func isHexadecimal(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { UInt8(ascii: "0")...UInt8(ascii: "9") ~= $0 || UInt8(ascii: "a")...UInt8(ascii: "f") ~= $0 || UInt8(ascii: "A")...UInt8(ascii: "F") ~= $0 }
    }

    /// A chunk size: hexadecimal digits only; nil when not hexadecimal or longer than 15 significant digits (2^60).
    static func hexadecimal(_ text: String) -> Int? {
        guard isHexadecimal(text) else { return nil }
        let significant = text.drop { $0 == "0" }
        guard significant.count <= 15 else { return nil }
        return significant.isEmpty ? 0 : Int(significant, radix: 16)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard start >= 0, haystack.count >= needle.count + start else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
