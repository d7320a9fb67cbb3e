/// Why `ServeAPI` could not start.
public enum ServeError: Error, CustomStringConvertible, Sendable {
    case noIndex
    case badName(path: String)
    case duplicateName(String)
    case cannotOpen(name: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .noIndex: return "no index to serve; give at least one index directory"
        case let .badName(path): return "the index at \(path) has an empty name; give each index a name (NAME=PATH)"
        case let .duplicateName(name): return "two indexes are named '\(name)'; give each a different name (NAME=PATH)"
        case let .cannotOpen(name, path, reason): return "index '\(name)' (\(path)) does not open: \(reason)"
        }
    }
}
