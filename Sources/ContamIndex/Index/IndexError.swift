import Foundation
import ContamStorage

/// Errors about index directories as a whole (the files inside report `StorageError`, which opening an
/// index turns into `damaged` when it means the file is corrupt).
public enum IndexError: Error, CustomStringConvertible, Equatable {
    case notAnIndex(path: String, detail: String)
    /// A file of the index at `index` is corrupt: `path` names it, `detail` says what is wrong. Found on open
    /// by the structural checks, or by a read whose data contradicts the file's own tables.
    case damaged(path: String, index: String, detail: String)
    case badManifest(path: String, detail: String)
    case incompatibleOptions(path: String, detail: String)
    case emptyCorpus(detail: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .notAnIndex(path, detail):
            return "\(path): not a contam index (\(detail))"
        case let .damaged(path, index, detail):
            return "\(path): index damaged: \(detail); run 'contam verify \(index)' and rebuild the index"
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

extension IndexError {
    /// `damaged` for a file of a shard directory (`INDEX/shard-NNNN/FILE`): the index is two levels up.
    static func damagedShardFile(_ path: String, _ detail: String) -> IndexError {
        let index = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        return .damaged(path: path, index: index.isEmpty ? "." : index, detail: detail)
    }

    /// The `damaged` error a storage error of a file of the index at `index` stands for, or nil when the error
    /// is not about damage (an I/O failure other than a missing file, a file of another format version, which
    /// keeps its own "rebuild with this version" message).
    static func damage(_ error: StorageError, index: String) -> IndexError? {
        let path: String
        let detail: String
        switch error {
        case let .truncated(file, expected, found):
            (path, detail) = (file, "the file is truncated or extended: \(found) bytes, but its header says \(expected)")
        case let .corruptHeader(file, what):
            (path, detail) = (file, what)
        case let .checksumMismatch(file):
            (path, detail) = (file, "checksum mismatch")
        case let .notAnIndexFile(file):
            (path, detail) = (file, "not a contam index file (bad magic bytes)")
        case let .wrongKind(file, expected, found):
            (path, detail) = (file, "a '\(found)' file where a '\(expected)' file belongs")
        case let .zstd(file, message):
            (path, detail) = (file, "zstd: \(message)")
        case let .io(file, _, code) where code.rawValue == ENOENT:
            (path, detail) = (file, "the file is missing")
        default:
            return nil
        }
        return .damaged(path: path, index: index, detail: detail)
    }

    /// Runs `body`, turning a storage error that means damage into `damaged` (for the index at `index`).
    static func reportingDamage<T>(index: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StorageError {
            throw damage(error, index: index) ?? error
        }
    }
}
