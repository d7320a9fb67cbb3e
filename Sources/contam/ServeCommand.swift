import Foundation
import ContamApps
import ContamCommandLine

/// `contam serve INDEX…`: the indexes as an HTTP service (docs/serve.md).
enum ServeCommand: Subcommand {
    static let host = Option.string("--host", value: "address", default: "127.0.0.1",
                                    help: "Address to listen on (default {default}, this machine only; 0.0.0.0 for every interface).")
    static let port = Option.integer("--port", value: "n", default: 8080, range: 0...65535, help: "Port to listen on (default {default}; 0 picks a free one, printed at start).")
    static let workers = Option.integer("--workers", value: "n", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...1_024,
                                        help: "Requests answered at once (default {default}, one per core).")
    static let queue = Option.integer("--queue", value: "n", default: 64, range: 0...100_000, help: "Requests waiting for a worker; one more gets 429 (default {default}).")
    static let maxConnections = Option.integer("--max-connections", value: "n", default: 256, range: 1...100_000,
                                               help: "Open connections; one more gets 503 and is closed (default {default}).")
    static let maxBody = Option.integer("--max-body-bytes", value: "bytes", default: 1 << 20, range: 1...(1 << 30), help: "Largest request body; larger gets 413 (default {default}).")
    static let requestTimeout = Option.number("--request-timeout", value: "seconds", default: 30, range: 0.001...86_400,
                                              help: "Time a request may run; a check or trace past it stops with 504 (default {default}).")
    static let headerTimeout = Option.number("--header-timeout", value: "seconds", default: 10, range: 0.001...3_600,
                                             help: "Time a client has to send a request's head, then its body; past it 408 and close (default {default}).")
    static let idleTimeout = Option.number("--idle-timeout", value: "seconds", default: 30, range: 0.001...86_400,
                                           help: "Time an idle keep-alive connection stays open (default {default}).")
    static let tokenEnv = Option.string("--token-env", value: "name",
                                        help: "Require 'Authorization: Bearer TOKEN' on every request but GET /healthz, TOKEN being the value of environment variable name (never logged).")
    static let remote = Option.strings("--remote", value: "url",
                                       help: "Also answer for the indexes of another 'contam serve' at url, as further shards of the indexes of the same name (repeatable).")
    static let remoteTimeout = Option.number("--remote-timeout", value: "seconds", default: 30, range: 0.001...86_400,
                                             help: "Time a remote has to answer one request, and to be reachable at start (default {default}).")
    static let logJSON = Option.flag("--log-json", help: "Write the access log (stderr) as one JSON object per request.")
    static let quiet = Option.flag("--quiet", "-q", help: "No access log.")

    static let spec = CommandSpec(
        name: "contam serve",
        overview: "Serve indexes over HTTP: an infini-gram-compatible API, contam's own API (count, locate, check, trace) and a web page.",
        arguments: [.init("indexes", help: "Index directories, each as PATH (named by its directory name) or NAME=PATH.", variadic: true, optional: true)],
        options: [host, port, workers, queue, maxConnections, maxBody, requestTimeout, headerTimeout, idleTimeout, tokenEnv, remote, remoteTimeout, logJSON, quiet],
        examples: [
            "contam serve /tmp/licenses.idx --port 8080",
            "contam serve licenses=/tmp/licenses.idx code=/tmp/code.idx --host 0.0.0.0 --token-env CONTAM_TOKEN",
            "contam serve --remote http://node1:8080 --remote http://node2:8080 --port 8080",
            "curl -s localhost:8080/v1/count -d '{\"query\": \"free software\"}'",
        ],
        discussion: """
        Prints the URL it listens on (one line on stdout) once ready. SIGTERM or SIGINT stops it gracefully: no new
        connections, requests already received are answered, then exit 0. Endpoints, limits and error statuses: docs/serve.md.
        Exit codes: 0 stopped by a signal, 2 bad index, usage, address in use or unreachable remote, 3 internal error.
        """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let named = try arguments.positionals.map { try namedIndex($0, arguments: arguments) }
        let remotes = try arguments[Self.remote]
        guard !named.isEmpty || !remotes.isEmpty else { throw arguments.error("give at least one index directory, or --remote URL") }
        var configuration = HTTPServerConfiguration()
        configuration.host = try arguments[Self.host]
        configuration.port = try arguments[Self.port]
        configuration.workers = try arguments[Self.workers]
        configuration.queueLimit = try arguments[Self.queue]
        configuration.maxConnections = try arguments[Self.maxConnections]
        configuration.maxBodyBytes = try arguments[Self.maxBody]
        configuration.requestTimeout = .seconds(try arguments[Self.requestTimeout])
        configuration.headerTimeout = .seconds(try arguments[Self.headerTimeout])
        configuration.idleTimeout = .seconds(try arguments[Self.idleTimeout])
        configuration.logJSON = try arguments[Self.logJSON]
        if try arguments[Self.quiet] { configuration.logSink = { _ in } }
        configuration.token = try token(fromVariable: try arguments[Self.tokenEnv], arguments: arguments)

        let api = named.isEmpty ? nil : try ServeAPI(indexes: named)
        let handler: HTTPHandler
        if let api, remotes.isEmpty {
            handler = api.handle
        } else {
            let federation = try FederatedAPI(local: api, remotes: remotes, token: configuration.token, timeout: .seconds(try arguments[Self.remoteTimeout]))
            handler = federation.handle
        }
        let server = HTTPServer(configuration: configuration, handler: handler)
        let stop = SignalStop(server: server)
        try server.start()
        let url = "http://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(server.boundPort)/"
        if !isLoopback(configuration.host) && configuration.token == nil {
            Console.err("contam serve: warning: listening on \(configuration.host) without a token: anyone who can reach this port can query the indexes; pass --token-env NAME\n")
        }
        let names = named.map(\.name) + (remotes.isEmpty ? [] : ["\(remotes.count) remote\(remotes.count == 1 ? "" : "s")"])
        Console.err("contam serve: serving \(names.joined(separator: ", ")) at \(url) (\(configuration.workers) workers; SIGTERM or Ctrl-C stops)\n")
        Console.line(url)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiter = Thread {
                server.wait()
                continuation.resume()
            }
            waiter.start()
        }
        stop.cancel()
        Console.err("contam serve: stopped\n")
        return 0
    }

    /// `NAME=PATH`, or `PATH` named by its last component.
    static func namedIndex(_ text: String, arguments: ParsedArguments) throws -> (name: String, path: String) {
        if let equals = text.firstIndex(of: "="), !text[..<equals].contains("/") {
            let name = String(text[..<equals]), path = String(text[text.index(after: equals)...])
            guard !name.isEmpty, !path.isEmpty else { throw arguments.error("'\(text)': give NAME=PATH with both parts") }
            return (name, path)
        }
        let name = URL(fileURLWithPath: text).standardizedFileURL.lastPathComponent
        return (name, text)
    }

    /// The bearer token held in environment variable `variable` (`--token-env`), nil without one; an unset or
    /// empty variable is a usage error (a server or client without the token it was asked to use).
    static func token(fromVariable variable: String?, arguments: ParsedArguments) throws -> String? {
        guard let variable else { return nil }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw arguments.error("--token-env \(variable): the environment variable \(variable) is not set or empty")
        }
        return value
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// Write end of `SignalStop`'s pipe, for the signal handler (which may only do async-signal-safe work: one
/// `write`). Set before the handler is installed, never changed after.
nonisolated(unsafe) private var stopSignalPipe: Int32 = -1

/// SIGTERM and SIGINT stop the server gracefully. The handler is installed with `sigaction` before the server
/// says it is ready, so a signal sent as soon as the URL is printed is never lost: a dispatch signal source
/// (used before) registers asynchronously, and a SIGTERM in that window met SIG_IGN and was dropped, leaving the
/// server running. The handler writes a byte to a pipe; a thread reading it stops the server.
/// Unchecked Sendable: the descriptors are set once in `init`.
final class SignalStop: @unchecked Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    init(server: HTTPServer) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            // No pipe (out of descriptors): keep the signals' default action, which ends the process at once.
            (readEnd, writeEnd) = (-1, -1)
            return
        }
        (readEnd, writeEnd) = (ends[0], ends[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        stopSignalPipe = writeEnd
        let readEnd = self.readEnd
        Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                if !server.isStopping { Console.err("contam serve: stopping: answering the requests already received\n") }
                server.shutdown()
            }
        }.start()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(stopSignalPipe, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(SA_RESTART)
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    /// Restores the signals' default action and ends the reading thread.
    func cancel() {
        guard writeEnd >= 0 else { return }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        close(writeEnd)
    }
}
