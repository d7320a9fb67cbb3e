import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client for plain `http://` over POSIX sockets: one connection per request
/// (`Connection: close`), blocking I/O with `poll` timeouts on a thread of its own, `Content-Length`, chunked
/// and read-to-close bodies. It exists because URLSession on Linux busy-waits while an answer is pending, and
/// a local model server needs those cores. Errors are `URLError`s, like URLSession's.
public final class SocketHTTPTransport: HTTPTransport {
    public init() {}

    public func post(_ url: URL, headers: [(String, String)], body: Data, timeout: Double) async throws -> HTTPExchange {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPExchange, Error>) in
            let thread = Thread {
                do { continuation.resume(returning: try Self.exchange(url, headers: headers, body: body, timeout: timeout)) } catch { continuation.resume(throwing: error) }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// The whole exchange, blocking the calling thread.
    static func exchange(_ url: URL, headers: [(String, String)], body: Data, timeout: Double) throws -> HTTPExchange {
        guard url.scheme?.lowercased() == "http", let host = url.host else { throw URLError(.unsupportedURL) }
        let port = url.port ?? 80
        let fd = try connect(host: host, port: port, timeout: timeout)
        defer { close(fd) }
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        var head = "POST \(target) HTTP/1.1\r\nHost: \(host)\(url.port.map { ":\($0)" } ?? "")\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(fd, Array(head.utf8) + body, timeout: timeout)
        return try receive(fd, timeout: timeout)
    }

    /// A connected socket to `host:port` (every resolved address tried in turn).
    static func connect(host: String, port: Int, timeout: Double) throws -> Int32 {
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
                    try wait(fd, for: Int16(POLLOUT), timeout: timeout)
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

    /// Waits until `fd` is ready for `events`; throws `.timedOut` after `timeout` seconds of nothing.
    static func wait(_ fd: Int32, for events: Int16, timeout: Double) throws {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        let milliseconds = Int32(min(Double(Int32.max), max(1, timeout * 1000)))
        while true {
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }
            if ready == 0 { throw URLError(.timedOut) }
            if errno != EINTR { throw URLError(.networkConnectionLost) }
        }
    }

    static func send(_ fd: Int32, _ bytes: [UInt8], timeout: Double) throws {
        var sent = 0
        while sent < bytes.count {
            try wait(fd, for: Int16(POLLOUT), timeout: timeout)
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            throw URLError(.networkConnectionLost)
        }
    }

    /// Reads and parses the response: status line, headers, then the body by `Content-Length`, chunked, or
    /// to the end of the connection.
    static func receive(_ fd: Int32, timeout: Double) throws -> HTTPExchange {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var closed = false
        func readMore() throws {
            try wait(fd, for: Int16(POLLIN), timeout: timeout)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer += chunk[0..<n]; return }
            if n == 0 { closed = true; return }
            if errno == EAGAIN || errno == EINTR { return }
            throw URLError(.networkConnectionLost)
        }
        var headerEnd: Int?
        while headerEnd == nil {
            if closed { throw URLError(buffer.isEmpty ? .networkConnectionLost : .badServerResponse) }
            try readMore()
            headerEnd = find([13, 10, 13, 10], in: buffer, from: 0)
            if buffer.count > 1 << 20 && headerEnd == nil { throw URLError(.badServerResponse) }
        }
        guard let headerEnd else { throw URLError(.badServerResponse) }
        let lines = String(decoding: buffer[0..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else { throw URLError(.badServerResponse) }
        var headers = [String: String]()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(buffer[(headerEnd + 4)...])
        buffer = []
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            buffer = body
            var decoded = [UInt8]()
            var position = 0
            while true {
                var lineEnd = find([13, 10], in: buffer, from: position)
                while lineEnd == nil {
                    if closed { throw URLError(.networkConnectionLost) }
                    try readMore()
                    lineEnd = find([13, 10], in: buffer, from: position)
                }
                guard let end = lineEnd else { throw URLError(.badServerResponse) }
                let sizeText = String(decoding: buffer[position..<end], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw URLError(.badServerResponse) }
                position = end + 2
                if size == 0 { break }
                while buffer.count < position + size + 2 {
                    if closed { throw URLError(.networkConnectionLost) }
                    try readMore()
                }
                decoded += buffer[position..<(position + size)]
                position += size + 2
            }
            body = decoded
        } else if let lengthText = headers["content-length"], let length = Int(lengthText) {
            buffer = body
            while buffer.count < length {
                if closed { throw URLError(.networkConnectionLost) }
                try readMore()
            }
            body = Array(buffer[0..<length])
        } else {
            buffer = body
            while !closed { try readMore() }
            body = buffer
        }
        return HTTPExchange(status: status, headers: headers, body: Data(body))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count + start else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
