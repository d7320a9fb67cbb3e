import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One response as `RawHTTPConnection` read it.
public struct RawHTTPResponse: Sendable {
    public var status: Int
    /// Names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The body as a JSON object, nil when it is not one.
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

/// A TCP connection to a test server that sends exactly the bytes it is given and reads responses one by
/// one (status line, headers, a Content-Length body): for keep-alive, pipelining, garbage, trickled heads
/// and disconnects, which no HTTP client library will send on purpose.
public final class RawHTTPConnection: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// The server closed the connection (a read returned 0).
    public private(set) var closedByPeer = false

    /// Connects to 127.0.0.1:`port`; reads wait at most `timeout` seconds.
    public init(port: Int, timeout: Double = 30) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw Failure(description: "connect to port \(port): \(reason)")
        }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { Glibc.close(descriptor) }

    /// Sends every byte (false when the server has closed).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// A request with `Content-Length` (and `Content-Type: application/json` when there is a body).
    public static func request(_ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = [], close: Bool = false) -> String {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if close { head += "Connection: close\r\n" }
        return head + "\r\n" + (body ?? "")
    }

    /// Sends one request and reads its response.
    public func exchange(_ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = []) throws -> RawHTTPResponse {
        guard send(Self.request(method, path, body: body, headers: headers)) else { throw Failure(description: "the server closed the connection") }
        return try readResponse()
    }

    /// Reads one response (throws when the connection closes or times out first).
    public func readResponse() throws -> RawHTTPResponse {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil { try readMore() }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = head[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headEnd! + 4
        while buffer.count < bodyStart + length { try readMore() }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return RawHTTPResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closes the connection within the read timeout (all data before it is discarded).
    public func waitForClose() -> Bool {
        while !closedByPeer {
            do { try readMore() } catch { return closedByPeer }
        }
        return true
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer += chunk[0..<n]
            return
        }
        if n == 0 { closedByPeer = true; throw Failure(description: "the server closed the connection") }
        // A signal (SIGCHLD of a finished child process) interrupts a read; try again.
        if errno == EINTR { return }
        throw Failure(description: "read: \(String(cString: strerror(errno)))")
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}
