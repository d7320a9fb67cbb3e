/// Errors about index directories as a whole (the files inside report `StorageError`).
public enum IndexError: Error, CustomStringConvertible, Equatable {
    case notAnIndex(path: String, detail: String)
    case badManifest(path: String, detail: String)
    case incompatibleOptions(path: String, detail: String)
    case emptyCorpus(detail: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .notAnIndex(path, detail):
            return "\(path): not a contam index (\(detail))"
        case let .badManifest(path, detail):
            return "\(path): unreadable manifest: \(detail)"
        case let .incompatibleOptions(path, detail):
            return "\(path): \(detail)"
        case let .emptyCorpus(detail):
            return "the corpus has no tokens to index (\(detail))"
        case let .invalidArgument(message):
            return message
        }
    }
}
