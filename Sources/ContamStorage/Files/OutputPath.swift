import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A path a command is about to write (a report, a clean copy, an index directory) and the checks that keep
/// the write from destroying what the command reads: an output may not be one of the inputs, lie inside an
/// input directory, contain an input, or lie inside a contam index. Paths are compared by what they resolve
/// to (symlinks and `..` followed, then device and inode), so another spelling of an input, or a hard link to
/// it, is caught too.
public struct OutputPath: Sendable {
    /// The path as the user gave it; errors name it.
    public let path: String

    public init(_ path: String) { self.path = path }

    /// The manifest every contam index directory holds (`IndexManifest.fileName`; the manifest type lives in a
    /// layer above this one, and a test keeps the two equal).
    public static let indexManifestFileName = "manifest.json"
    /// The manifest's `format` value (`IndexManifest.formatName`).
    public static let indexFormatName = "contam-index"

    /// What is at an output path before anything is written there.
    public enum Occupant: Sendable, Equatable, CustomStringConvertible {
        case nothing
        case emptyDirectory
        /// A directory with a readable contam manifest (of any format version, so an old index can be rebuilt).
        case index
        /// A non-empty directory without a contam manifest: user data, never replaced.
        case otherDirectory
        /// A regular file, a symlink to nowhere, a device: never replaced by a directory.
        case file

        public var description: String {
            switch self {
            case .nothing: return "nothing"
            case .emptyDirectory: return "an empty directory"
            case .index: return "an index"
            case .otherDirectory: return "a non-empty directory that is not a contam index (it has no readable \(OutputPath.indexManifestFileName))"
            case .file: return "a file"
            }
        }

        /// Whether `--force` may replace it: only what contam itself wrote, or nothing worth keeping.
        public var isReplaceable: Bool { self == .index || self == .emptyDirectory }
    }

    /// What is at the path now (a symlink is followed: a link to an index counts as an index).
    public var occupant: Occupant {
        var info = stat()
        guard stat(path, &info) == 0 else {
            // A dangling symlink is still something a directory would replace.
            return lstat(path, &info) == 0 ? .file : .nothing
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return .file }
        if Self.isIndexDirectory(path) { return .index }
        // An unreadable directory may hold anything: treat it as not empty.
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [""]
        return entries.isEmpty ? .emptyDirectory : .otherDirectory
    }

    /// Whether `directory` holds a contam manifest: `manifest.json`, a JSON object whose `format` is contam's.
    public static func isIndexDirectory(_ directory: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(indexManifestFileName)"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["format"] as? String == indexFormatName
    }

    /// Throws `StorageError.outputOverlapsInput` when writing this path could overwrite, replace or write into
    /// one of `inputs` (files or directories; `-`, standard input, and paths that do not exist are skipped), or
    /// when it lies inside a contam index. Call it before the work, so a refused command costs nothing.
    public func refuseOverwriting(inputs: [String]) throws {
        let output = Self.resolved(path)
        let outputIdentity = FileIdentity(of: output)
        let outputAncestors = Self.ancestors(of: output)
        if let index = outputAncestors.first(where: { Self.isIndexDirectory($0.path) }) {
            throw StorageError.outputOverlapsInput(path: path, other: index.path, relation: .insideIndex)
        }
        for input in inputs where input != "-" {
            guard let inputIdentity = FileIdentity(of: input) else { continue }
            if inputIdentity == outputIdentity {
                throw StorageError.outputOverlapsInput(path: path, other: input, relation: .isInput)
            }
            if inputIdentity.isDirectory, outputAncestors.contains(where: { $0.identity == inputIdentity }) {
                throw StorageError.outputOverlapsInput(path: path, other: input, relation: .insideInput)
            }
            if let outputIdentity, outputIdentity.isDirectory,
               Self.ancestors(of: Self.resolved(input)).contains(where: { $0.identity == outputIdentity }) {
                throw StorageError.outputOverlapsInput(path: path, other: input, relation: .containsInput)
            }
        }
    }

    /// Throws `StorageError.outputsCoincide` when this path and `other`, another output of the same command,
    /// name the same file (existing or not, however spelled): the second write would replace the first.
    public func refuseCoinciding(with other: OutputPath, options: (String, String)) throws {
        let (this, that) = (Self.resolved(path), Self.resolved(other.path))
        let same = this == that || FileIdentity(of: this).map { $0 == FileIdentity(of: that) } == true
        if same { throw StorageError.outputsCoincide(path: path, firstOption: options.0, secondOption: options.1) }
    }

    /// The directory `path` is in ("." for a bare name).
    static func parentDirectory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// `path` made absolute, with its longest existing prefix resolved by `realpath` (symlinks, `.`, `..`)
    /// and the rest, which does not exist yet, appended with `.` and `..` applied by hand.
    static func resolved(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var existing = absolute.split(separator: "/").map(String.init)
        var missing: [String] = []
        while true {
            let prefix = "/" + existing.joined(separator: "/")
            if let real = realpath(prefix, nil) {
                defer { free(real) }
                var result = String(cString: real).split(separator: "/").map(String.init)
                for component in missing {
                    switch component {
                    case ".": continue
                    case "..": _ = result.popLast()
                    default: result.append(component)
                    }
                }
                return "/" + result.joined(separator: "/")
            }
            guard let last = existing.popLast() else { return absolute }
            missing.insert(last, at: 0)
        }
    }

    /// The existing directories above a resolved path, nearest first, up to `/`.
    static func ancestors(of resolvedPath: String) -> [(path: String, identity: FileIdentity)] {
        var result: [(path: String, identity: FileIdentity)] = []
        var current = resolvedPath
        while current != "/" {
            current = (current as NSString).deletingLastPathComponent
            if current.isEmpty { current = "/" }
            if let identity = FileIdentity(of: current) { result.append((current, identity)) }
        }
        return result
    }
}

/// A file's device and inode: equal for two paths exactly when they name the same file, however spelled.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let isDirectory: Bool

    /// The identity of what `path` names (symlinks followed); nil when nothing is there.
    init?(of path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        isDirectory = info.st_mode & S_IFMT == S_IFDIR
    }
}
