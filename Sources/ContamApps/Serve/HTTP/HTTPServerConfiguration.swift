import Foundation

/// The limits and options of `HTTPServer` (`contam serve`); every field has the default the command uses.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind: an IPv4 literal or "localhost".
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 asks the kernel for any free port (read `HTTPServer.boundPort` after `start()`).
    public var port: Int = 8080
    /// Threads that run the handler.
    public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Requests waiting for a worker; one more gets 429 with `Retry-After: 1`.
    public var queueLimit: Int = 64
    /// Largest request body (413 beyond).
    public var maxBodyBytes: Int = 1 << 20
    /// Largest request line plus header fields (431 beyond).
    public var maxHeaderBytes: Int = 16 << 10
    /// Time a client has to send the whole head of a request (408 and close beyond: slowloris).
    public var headerTimeout: Duration = .seconds(10)
    /// Time an idle keep-alive connection is kept open.
    public var idleTimeout: Duration = .seconds(30)
    /// Time a handler has to answer (504 and close beyond); sets `HTTPRequest.deadline`.
    public var requestTimeout: Duration = .seconds(30)
    /// Open connections; one more gets 503 and is closed.
    public var maxConnections: Int = 256
    /// When set, every request but `GET /healthz` needs `Authorization: Bearer TOKEN` (401 otherwise).
    public var token: String?
    /// Access-log lines as JSON objects rather than human text.
    public var logJSON: Bool = false
    /// Where access-log lines go (one call per line, without the newline); default stderr.
    public var logSink: @Sendable (String) -> Void = HTTPServerConfiguration.standardErrorSink
    /// The `endpoint` label of the metrics for a path; the default replaces numeric segments by `{n}`.
    public var endpointLabel: @Sendable (String) -> String = HTTPServerConfiguration.numericSegmentsCollapsed

    public init() {}

    /// Writes `line` and a newline to stderr (through `write(2)`: the global `stderr` is not concurrency-safe).
    public static let standardErrorSink: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// "/v1/doc/42" → "/v1/doc/{n}": keeps the metrics' label set small.
    public static let numericSegmentsCollapsed: @Sendable (String) -> String = { path in
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            !segment.isEmpty && segment.allSatisfy(\.isASCII) && segment.allSatisfy(\.isNumber) ? "{n}" : String(segment)
        }.joined(separator: "/")
    }
}
