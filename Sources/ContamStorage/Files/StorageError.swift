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
    /// Compressed input is truncated, corrupt, followed by trailing data, or not what it claims to be;
    /// `offset` is the compressed byte offset where the decoder stopped.
    case decompression(path: String, format: CompressionFormat, offset: Int, detail: String)
    /// Something is at the output path and replacing it (`--force`) was not asked for.
    case outputExists(path: String, occupant: OutputPath.Occupant)
    /// `--force` was given, but what is at the output path is not contam's to replace (a file, or a
    /// directory that is neither an index nor empty).
    case outputNotReplaceable(path: String, occupant: OutputPath.Occupant)
    /// The output would overwrite, replace or write into an input, or write into an index.
    case outputOverlapsInput(path: String, other: String, relation: OutputOverlap)
    /// Something appeared at the output path while the build ran (another build, most likely); it was left
    /// alone and this build's result was kept under another name.
    case outputTaken(path: String, occupant: OutputPath.Occupant, keptAt: String)
    /// Two outputs of one command (such as --html and --write-clean) are the same file.
    case outputsCoincide(path: String, firstOption: String, secondOption: String)
    /// The directory the output was to be created in does not exist.
    case outputParentMissing(path: String, parent: String)

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
        case let .decompression(path, format, offset, detail):
            return "\(path): cannot decompress \(format.rawValue) data at compressed byte \(offset): \(detail)"
        case let .outputExists(path, occupant):
            switch occupant {
            case .index:
                return "\(path): already exists and is an index; pass --force to replace it (the old index is kept until the new one is complete)"
            case .emptyDirectory:
                return "\(path): already exists and is an empty directory; pass --force to replace it"
            case .nothing, .otherDirectory, .file:
                return "\(path): already exists and is \(occupant); contam replaces only an index or an empty directory, even with --force: remove it yourself or choose another output"
            }
        case let .outputNotReplaceable(path, occupant):
            return "\(path): is \(occupant); --force replaces only an index or an empty directory: remove it yourself or choose another output"
        case let .outputOverlapsInput(path, other, relation):
            switch relation {
            case .isInput:
                let spelledOtherwise = other == path ? "" : " (\(other))"
                return "\(path): is also an input\(spelledOtherwise); writing it would destroy that input: choose another output"
            case .insideInput: return "\(path): is inside the input directory \(other): choose an output outside the inputs"
            case .containsInput: return "\(path): contains the input \(other); replacing it would destroy that input: choose another output"
            case .insideIndex: return "\(path): is inside the index \(other); contam never writes into an index: choose another output"
            }
        case let .outputTaken(path, occupant, keptAt):
            return "\(path): \(occupant) appeared there while this build ran (another build?) and was left alone; this build's result is kept at \(keptAt): compare the two, then remove or rename one"
        case let .outputsCoincide(path, firstOption, secondOption):
            return "\(path): given to both \(firstOption) and \(secondOption); the second would overwrite the first: give each its own file"
        case let .outputParentMissing(path, parent):
            return "\(path): cannot create it: the directory \(parent) does not exist"
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

/// How an output path collides with an input (`StorageError.outputOverlapsInput`).
public enum OutputOverlap: Sendable, Equatable {
    /// The output is the input (the same file or directory, however spelled).
    case isInput
    /// The output lies inside an input directory.
    case insideInput
    /// The output is a directory holding the input.
    case containsInput
    /// The output lies inside a contam index (which need not be an input).
    case insideIndex
}
