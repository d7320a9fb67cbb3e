/// A request the API refuses, or cannot finish: the HTTP status and a message naming what is wrong.
/// `handle` turns it into the error shape `{"error": message, "status": status}`.
public struct APIError: Error, CustomStringConvertible, Sendable {
    public var status: Int
    public var message: String
    public var allow: String?

    public init(_ status: Int, _ message: String, allow: String? = nil) {
        self.status = status
        self.message = message
        self.allow = allow
    }

    public var description: String { message }

    /// A parameter missing or of the wrong kind.
    static func badParameter(_ name: String, _ expected: String) -> APIError {
        APIError(400, "\(name): expected \(expected)")
    }

    /// The request ran past its time limit (`HTTPRequest.deadline`) and stopped early.
    static let pastDeadline = APIError(504, "the request ran past the server's time limit and was stopped; ask for less (a shorter text, fewer items, smaller limits)")
}
