import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for client tests: one thread per connection, `Connection: close`,
/// scripted replies. Records every request and the highest number of requests in flight at once.
public final class TestHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data

        public init(method: String, path: String, headers: [String: String], body: Data) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
        }
    }

    public enum Reply: Sendable {
        case respond(status: Int, headers: [String: String], body: String)
        /// Waits, then closes the connection without answering.
        case hang(seconds: Double)
        /// Closes the connection at once without answering.
        case close
        /// Answers after a delay (to observe concurrency).
        case delayed(seconds: Double, body: String)
        /// Writes these bytes as they are (chunked bodies, bodies ended by closing, broken responses), in pieces
        /// separated by short pauses.
        case raw([String])
        /// Writes `head` at once, then `body` one byte every `interval` seconds, stopping when the client has gone.
        case trickle(head: String, body: String, interval: Double)
        /// Closes the connection with a TCP reset (`SO_LINGER` 0) instead of an orderly close.
        case reset

        public static func json(_ body: String, status: Int = 200, headers: [String: String] = [:]) -> Reply {
            .respond(status: status, headers: headers, body: body)
        }
    }

    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request, Int) -> Reply
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var inFlight = 0
    private var maxInFlightValue = 0
    private var stopped = false
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    /// `handler(request, n)` decides the reply to the n-th request (1-based).
    public init(handler: @escaping @Sendable (Request, Int) -> Reply) throws {
        self.handler = handler
        guard let (fd, boundPort) = Self.boundLoopbackSocket(reuseAddress: true) else { throw POSIXError(.EADDRINUSE) }
        guard listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        port = boundPort
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    public var requests: [Request] { lock.lock(); defer { lock.unlock() }; return recorded }
    public var requestCount: Int { requests.count }
    public var maxInFlight: Int { lock.lock(); defer { lock.unlock() }; return maxInFlightValue }

    /// Stops accepting. Only the accept thread closes the listening socket, and this waits for it: closing
    /// the descriptor here would let the thread accept on a recycled descriptor, another test's server.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        _ = acceptLoopEnded.wait(timeout: .now() + 5)
    }

    /// A loopback port on which nothing listens.
    public static func closedPort() -> UInt16 {
        // Bound but never listening, and held for the rest of the process: a connection is refused, and no
        // other process (a parallel test run) can take the port meanwhile, as it could a port closed again.
        boundLoopbackSocket(reuseAddress: false)?.port ?? 9
    }

    /// A TCP socket bound to 127.0.0.1 on a port the system picks, and that port; nil when it cannot be made.
    private static func boundLoopbackSocket(reuseAddress: Bool) -> (fd: Int32, port: UInt16)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        if reuseAddress {
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(fd); return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    private func acceptLoop() {
        defer {
            close(listener)
            acceptLoopEnded.signal()
        }
        while true {
            lock.lock()
            let done = stopped
            lock.unlock()
            if done { return }
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                // Only `stop` ends the loop (its shutdown makes accept fail, and `stopped` is set first). Any other
                // failure is passing: a signal, a client that gave up before being accepted (ECONNABORTED), or
                // descriptors short while other suites run. Returning here closed the listener, and the kernel
                // reset every connection still queued on it: a client saw "closed before the answer was complete".
                let failure = errno
                if failure == EBADF || failure == EINVAL || failure == ENOTSOCK { return }  // not listening any more
                if failure == EMFILE || failure == ENFILE || failure == ENOBUFS || failure == ENOMEM { usleep(10_000) }
                continue
            }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = read(connection, &chunk, chunk.count)
            // A signal (SIGCHLD of a process another test started) interrupts a read; that is not the client closing.
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            buffer += chunk[0..<n]
            headerEnd = Self.find([13, 10, 13, 10], in: buffer)
        }
        guard let headerEnd else { return }
        let headText = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(buffer[(headerEnd + 4)...])
        while body.count < length {
            let n = read(connection, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            body += chunk[0..<n]
        }
        let request = Request(method: requestLine.first.map(String.init) ?? "", path: requestLine.count > 1 ? String(requestLine[1]) : "", headers: headers, body: Data(body))
        lock.lock()
        recorded.append(request)
        let number = recorded.count
        inFlight += 1
        maxInFlightValue = max(maxInFlightValue, inFlight)
        lock.unlock()
        defer { lock.lock(); inFlight -= 1; lock.unlock() }
        switch handler(request, number) {
        case .close:
            return
        case let .hang(seconds):
            Thread.sleep(forTimeInterval: seconds)
        case let .delayed(seconds, body):
            Thread.sleep(forTimeInterval: seconds)
            Self.write(status: 200, headers: [:], body: body, to: connection)
        case let .respond(status, headers, body):
            Self.write(status: status, headers: headers, body: body, to: connection)
        case let .raw(pieces):
            for piece in pieces {
                Self.write(bytes: Array(piece.utf8), to: connection)
                Thread.sleep(forTimeInterval: 0.02)
            }
        case let .trickle(head, body, interval):
            guard Self.write(bytes: Array(head.utf8), to: connection) else { return }
            for byte in body.utf8 {
                Thread.sleep(forTimeInterval: interval)
                guard Self.write(bytes: [byte], to: connection) else { return }
            }
        case .reset:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
    }

    private static func write(status: Int, headers: [String: String], body: String, to connection: Int32) {
        let bodyBytes = Array(body.utf8)
        var head = "HTTP/1.1 \(status) Status\r\nContent-Type: application/json\r\nContent-Length: \(bodyBytes.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        write(bytes: Array(head.utf8) + bodyBytes, to: connection)
    }

    /// Writes all of `bytes`; false when the client has gone (no SIGPIPE: the test process must survive it).
    @discardableResult
    private static func write(bytes: [UInt8], to connection: Int32) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
