import Foundation
import ContamStorage
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP/1.1 server of `contam serve`: keep-alive connections, one thread per open connection (at most
/// `maxConnections`) reading requests with blocking I/O under deadlines, and a bounded pool of `workers`
/// handler slots with a bounded queue (`HTTPAdmission`). Every limit of `HTTPServerConfiguration` is
/// enforced here, before the handler sees a request: the head's size (431) and arrival time (408, against
/// slowloris), the body's size (413), the token (401), the queue (429), shutdown (503). `GET /healthz` and
/// `GET /metrics` are answered by the server itself; everything else goes to the handler.
///
/// Shutdown (`shutdown()`, on SIGTERM/SIGINT in the command) is graceful: the listening socket closes, idle
/// connections close, requests already read are answered (with `Connection: close`), then `wait()` returns.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    private let handler: HTTPHandler
    private let token: BearerToken?
    let metrics = HTTPMetrics()
    let admission: HTTPAdmission

    private struct State {
        var listenDescriptor: Int32 = -1
        var wakeDescriptors: (read: Int32, write: Int32) = (-1, -1)
        var boundPort = 0
        var started = false
        var stopping = false
        var connections = 0
    }
    private let state = LockedBox(State())
    /// Entered by the accept thread and by every connection thread; `wait()` waits for all of them.
    private let running = DispatchGroup()

    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        token = configuration.token.map(BearerToken.init)
        admission = HTTPAdmission(workers: configuration.workers, queueLimit: configuration.queueLimit)
    }

    /// The port bound by `start()` (the kernel's choice when the configuration asked for port 0).
    public var boundPort: Int { state.value.boundPort }

    /// True once `shutdown()` has been called.
    public var isStopping: Bool { state.value.stopping }

    /// Binds and listens, then accepts connections on a thread of its own. Throws `HTTPServerError` when the
    /// address does not resolve or cannot be bound (in use, no permission).
    public func start() throws(HTTPServerError) {
        guard !state.value.started else { return }
        let host = configuration.host, port = configuration.port
        guard (0...65535).contains(port) else { throw .cannotBind(host: host, port: port, reason: "the port must be 0…65535") }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw .cannotBind(host: host, port: port, reason: "the address does not resolve (\(String(cString: gai_strerror(resolved))))")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), first.pointee.ai_protocol)
        guard descriptor >= 0 else { throw .cannotBind(host: host, port: port, reason: SystemErrorCode.current.description) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(descriptor, 1024) == 0 else {
            let reason = SystemErrorCode.current.description
            close(descriptor)
            throw .cannotBind(host: host, port: port, reason: reason)
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 ? Self.endpoint(of: $0).port : port }
        }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            let reason = SystemErrorCode.current.description
            close(descriptor)
            throw .cannotBind(host: host, port: port, reason: "no pipe for shutdown: \(reason)")
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let wakeRead = pipeEnds[0]
        state.update {
            $0.listenDescriptor = descriptor
            $0.wakeDescriptors = (pipeEnds[0], pipeEnds[1])
            $0.boundPort = bound
            $0.started = true
        }
        running.enter()
        let thread = Thread { [self] in
            acceptLoop(listening: descriptor, wake: wakeRead)
            running.leave()
        }
        thread.name = "contam-serve-accept"
        thread.start()
    }

    /// Begins a graceful stop (idempotent): no new connections or requests; requests already read are answered.
    public func shutdown() {
        let wake = state.update { state -> Int32 in
            guard !state.stopping else { return -1 }
            state.stopping = true
            return state.wakeDescriptors.write
        }
        if wake >= 0 {
            var byte: UInt8 = 1
            _ = write(wake, &byte, 1)
        }
    }

    /// Blocks until the server has stopped: the accept thread and every connection thread have ended.
    public func wait() {
        running.wait()
        let descriptors = state.update { state -> [Int32] in
            defer { state.wakeDescriptors = (-1, -1) }
            return [state.wakeDescriptors.read, state.wakeDescriptors.write]
        }
        for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
    }

    // MARK: Accepting

    private func acceptLoop(listening: Int32, wake: Int32) {
        defer { close(listening) }
        var descriptors = [pollfd(fd: listening, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 || isStopping { return }
            guard descriptors[0].revents & Int16(POLLIN) != 0 else { continue }
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listening, $0, &length) }
            }
            if client < 0 {
                // Out of descriptors: wait a moment instead of spinning on a listening socket that stays ready.
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(10_000) }
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            let remote = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Self.endpoint(of: $0).text }
            }
            let admitted = state.update { state -> Bool in
                guard state.connections < configuration.maxConnections else { return false }
                state.connections += 1
                return true
            }
            guard admitted else {
                metrics.recordRejectedConnection()
                var connection = HTTPConnection(descriptor: client, remote: remote, server: self)
                connection.refuse(503, "the server has \(configuration.maxConnections) open connections, its limit; try again", linger: false)
                close(client)
                continue
            }
            var noDelay: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            running.enter()
            let thread = Thread { [self] in
                var connection = HTTPConnection(descriptor: client, remote: remote, server: self)
                connection.serve()
                close(client)
                state.update { $0.connections -= 1 }
                running.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Open connections now.
    var connectionCount: Int { state.value.connections }

    /// "ADDRESS:PORT" of a socket address (IPv6 in brackets), and its port.
    static func endpoint(of address: UnsafePointer<sockaddr>) -> (text: String, port: Int) {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                var raw = v4.pointee.sin_addr
                inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                let port = Int(UInt16(bigEndian: v4.pointee.sin_port))
                return ("\(String(cString: text)):\(port)", port)
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                var raw = v6.pointee.sin6_addr
                inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                let port = Int(UInt16(bigEndian: v6.pointee.sin6_port))
                return ("[\(String(cString: text))]:\(port)", port)
            }
        default:
            return ("unknown", 0)
        }
    }

    // MARK: Answering

    /// The response to one complete request, with the server's own endpoints, the token, shutdown and the
    /// worker pool applied before the handler.
    func respond(to request: HTTPRequest) -> HTTPResponse {
        if request.method == "GET" && request.path == "/healthz" {
            return isStopping ? .json(#"{"status":"shutting down"}"#, status: 503) : .json(#"{"status":"ok"}"#)
        }
        // The page and its assets hold no data; the page asks for the token and sends it with every API call.
        if let token, !WebPage.isPageRequest(request), !token.accepts(authorization: request.header("authorization")) {
            var response = HTTPResponse.error(401, "this server needs Authorization: Bearer TOKEN")
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"contam\""))
            return response
        }
        if request.path == "/metrics" {
            guard request.method == "GET" else {
                var response = HTTPResponse.error(405, "/metrics takes GET, not \(request.method)")
                response.headers.append(("Allow", "GET"))
                return response
            }
            let load = admission.load
            return .text(metrics.exposition(inFlight: load.running, queued: load.waiting, connections: connectionCount),
                         contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        if isStopping { return .error(503, "the server is shutting down") }
        guard admission.enter() else {
            var response = HTTPResponse.error(429, "the server is busy: \(configuration.workers) requests running and \(configuration.queueLimit) waiting; retry")
            response.headers.append(("Retry-After", "1"))
            return response
        }
        defer { admission.leave() }
        var timed = request
        timed.deadline = ContinuousClock.now + configuration.requestTimeout
        return handler(timed)
    }

    /// The metrics label of a request: unknown and unauthenticated paths share one label, so that clients
    /// cannot grow the label set.
    func endpointLabel(path: String?, status: Int) -> String {
        guard let path, status != 404, status != 401 else { return "unmatched" }
        return configuration.endpointLabel(path)
    }

    /// One access-log line (never a header, so never the token).
    func log(remote: String, method: String?, path: String?, status: Int, bytes: Int, seconds: Double) {
        let time = Self.timestamp(format: "%Y-%m-%dT%H:%M:%SZ")
        let milliseconds = (seconds * 1_000_000).rounded() / 1_000
        if configuration.logJSON {
            configuration.logSink("{\"time\":\"\(time)\",\"remote\":\(ReportText.jsonString(remote)),\"method\":\(ReportText.jsonString(method ?? "-")),"
                                  + "\"path\":\(ReportText.jsonString(path ?? "-")),\"status\":\(status),\"bytes\":\(bytes),\"ms\":\(milliseconds)}")
        } else {
            configuration.logSink("\(time) \(remote) \"\(method ?? "-") \(Self.printable(path ?? "-"))\" \(status) \(bytes)B \(milliseconds)ms")
        }
    }

    /// `path` with control characters escaped, so a log line stays one line.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" }) else { return text }
        return text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" ? String(format: "\\x%02X", $0.value) : String($0) }.joined()
    }

    /// The time now in UTC, as `strftime` formats it.
    static func timestamp(format: String) -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var text = [CChar](repeating: 0, count: 64)
        let count = strftime(&text, text.count, format, &parts)
        return String(decoding: text.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Why the server could not start.
public enum HTTPServerError: Error, CustomStringConvertible, Sendable {
    case cannotBind(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case let .cannotBind(host, port, reason): return "cannot listen on \(host):\(port): \(reason)"
        }
    }
}
