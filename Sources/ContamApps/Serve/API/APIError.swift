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

    /// The error shape, with `Allow` for a 405.
    var response: HTTPResponse {
        var response = HTTPResponse.error(status, message)
        if let allow { response.headers.append(("Allow", allow)) }
        return response
    }

    /// A parameter missing or of the wrong kind.
    static func badParameter(_ name: String, _ expected: String) -> APIError {
        APIError(400, "\(name): expected \(expected)")
    }

    /// The request ran past its time limit (`HTTPRequest.deadline`) and stopped early.
    static let pastDeadline = APIError(504, "the request ran past the server's time limit and was stopped; ask for less (a shorter text, fewer items, smaller limits)")

    /// The one of `candidates` that a request names (`name`, the value of `field`), or the only one when it names
    /// none; a 400 naming the choices otherwise.
    static func pick<T>(_ name: String?, from candidates: [T], field: String = "index", nameOf: (T) -> String) throws -> T {
        let names = candidates.map(nameOf).joined(separator: ", ")
        guard let name else {
            if candidates.count == 1 { return candidates[0] }
            throw APIError(400, "\(field): missing; this server has several indexes (\(names)), name one")
        }
        guard let found = candidates.first(where: { nameOf($0) == name }) else {
            throw APIError(400, "\(field): unknown index '\(name)' (served: \(names))")
        }
        return found
    }
}
