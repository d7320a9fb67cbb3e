import Foundation

/// Errors from the storage layer: files, mappings, index file headers and zstd frames.
/// Each case names the path so a user knows which file to look at.
public enum StorageError: Error, CustomStringConvertible, Equatable {
    /// A system call failed with `errno` (which prints as its `strerror` text).
    case io(path: String, operation: String, errno: SystemErrorCode)
    /// The file does not start with contam's magic bytes.
    case notAnIndexFile(path: String)
    /// The file is a contam file, but of another kind than expected (for example a vocabulary where a suffix array belongs).
    case wrongKind(path: String, expected: String, found: String)
    /// The file was written by another format version.
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    /// The file is shorter or longer than its header says.
    case truncated(path: String, expectedBytes: Int, foundBytes: Int)
    /// The payload does not match the checksum in the header.
    case checksumMismatch(path: String)
    /// The header is self-inconsistent (impossible sizes or widths).
    case corruptHeader(path: String, detail: String)
    /// libzstd reported an error.
    case zstd(path: String, message: String)
    /// The output directory exists and replacing it was not asked for.
    case outputExists(path: String)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            return "\(path): \(operation) failed: \(code)"
        case let .notAnIndexFile(path):
            return "\(path): not a contam index file (bad magic bytes); was it written by another program?"
        case let .wrongKind(path, expected, found):
            return "\(path): expected a contam '\(expected)' file but found a '\(found)' file"
        case let .unsupportedVersion(path, found, supported):
            return "\(path): written by index format version \(found), but this contam reads version \(supported); rebuild the index with this version of contam"
        case let .truncated(path, expectedBytes, foundBytes):
            return "\(path): file is \(foundBytes) bytes but its header says \(expectedBytes); the file is truncated or corrupt, rebuild the index"
        case let .checksumMismatch(path):
            return "\(path): checksum mismatch; the file is corrupt, rebuild the index"
        case let .corruptHeader(path, detail):
            return "\(path): corrupt header (\(detail)); rebuild the index"
        case let .zstd(path, message):
            return "\(path): zstd: \(message)"
        case let .outputExists(path):
            return "\(path): already exists; pass --force to replace it (the old index is kept until the new one is complete)"
        }
    }

    /// Builds an `.io` error from the current `errno`.
    static func fromErrno(_ path: String, _ operation: String) -> StorageError {
        .io(path: path, operation: operation, errno: .current)
    }

    /// The system error number of an `.io` error (nil for the other cases).
    public var systemErrorCode: SystemErrorCode? {
        if case let .io(_, _, code) = self { return code }
        return nil
    }
}
