import Foundation

/// Which files of a directory walk are read (`--include GLOB`, `--exclude GLOB`, each repeatable).
public struct InputSelection: Sendable, Equatable {
    /// When not empty, a walked file is read only if one of these matches it.
    public var include: [PathGlob]
    /// A walked file or directory that one of these matches is not read (a directory is not entered).
    public var exclude: [PathGlob]
    /// A directory is a Parquet dataset in the Hugging Face layout and only this split's files are read
    /// (`--split train`; `ParquetDataset.files`).
    public var split: String?

    public init(include: [PathGlob] = [], exclude: [PathGlob] = [], split: String? = nil) {
        self.include = include
        self.exclude = exclude
        self.split = split
    }
}

/// A file or directory a walk did not read, and why. Never silent: the commands print the count and
/// the index manifest (and `--json`) keep the names.
public struct SkippedInput: Sendable, Equatable, Codable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// The name says no format contam reads (and no `--format` was given).
        case unknownFormat
        /// `--exclude` matched it.
        case excluded
        /// `--include` was given and matched nothing of it.
        case notIncluded
        /// Its name starts with `.` (`.git`, `.DS_Store`); hidden directories are not entered.
        case hidden
        /// A symbolic link to nothing.
        case danglingLink

        /// The reason in a listing's words.
        public var phrase: String {
            switch self {
            case .unknownFormat: return "unknown format"
            case .excluded: return "excluded"
            case .notIncluded: return "not included"
            case .hidden: return "hidden"
            case .danglingLink: return "dangling link"
            }
        }
    }

    /// The path as the walk saw it; a directory ends with `/`.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// One line for a summary: "14 files in directories not read: 12 of unknown format (.py 10, .toml 2),
    /// 2 hidden; --verbose lists them". `total` counts entries beyond those listed (a manifest keeps the first
    /// thousand); the reasons describe the listed ones. Nil when nothing was skipped.
    public static func summary(_ skipped: [SkippedInput], total: Int? = nil, listed: Bool) -> String? {
        guard !skipped.isEmpty else { return nil }
        let total = max(total ?? skipped.count, skipped.count)
        var parts: [String] = []
        for reason in Reason.allCases {
            let these = skipped.filter { $0.reason == reason }
            guard !these.isEmpty else { continue }
            switch reason {
            case .unknownFormat:
                var byExtension: [String: Int] = [:]
                for entry in these { byExtension[Self.extensionLabel(entry.path), default: 0] += 1 }
                let common = byExtension.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                let shown = common.prefix(5).map { "\($0.key) \($0.value)" }.joined(separator: ", ") + (common.count > 5 ? ", …" : "")
                parts.append("\(these.count) of unknown format (\(shown); pass --format text to read them as text)")
            case .excluded: parts.append("\(these.count) excluded by --exclude")
            case .notIncluded: parts.append("\(these.count) not matched by --include")
            case .hidden: parts.append("\(these.count) hidden (names starting with '.')")
            case .danglingLink: parts.append("\(these.count) dangling symbolic link\(these.count == 1 ? "" : "s")")
            }
        }
        let noun = total == 1 ? "entry" : "entries"
        return "\(total) \(noun) in the input directories not read: \(parts.joined(separator: ", "))" + (listed ? "" : "; --verbose lists them")
    }

    /// ".py", or "no extension" for `Makefile`.
    static func extensionLabel(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "no extension" }
        return String(name[dot...]).lowercased()
    }
}

/// The files a list of inputs names: files as given, directories walked recursively in byte-wise sorted order
/// (the same on every machine and locale), symbolic links followed once, and everything not read recorded as a
/// `SkippedInput`. `-` (standard input) passes through.
public struct InputFiles: Sendable, Equatable {
    /// The files to read, in reading order.
    public var files: [String]
    /// What the directory walks did not read.
    public var skipped: [SkippedInput]

    /// Resolves `inputs`. With `format` nil a walked file is read when its name says a format (`InputFormat.detect`);
    /// with a format every walked file is read as it. Throws `CorpusError` for a missing or unreadable path, a file
    /// named (or matched by `--include`) whose format cannot be told, and a directory from which nothing is read.
    public static func resolve(_ inputs: [String], format: InputFormat?, selection: InputSelection = InputSelection()) throws -> InputFiles {
        var result = InputFiles(files: [], skipped: [])
        let fileManager = FileManager.default
        for input in inputs {
            if input == "-" {
                result.files.append(input)
                continue
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw CorpusError.missingPath(path: input)
            }
            if isDirectory.boolValue, let split = selection.split {
                do {
                    result.files += try ParquetDataset.files(in: input, split: split)
                } catch let error as ParquetError {
                    throw CorpusError.parquet(error)
                }
            } else if isDirectory.boolValue {
                let before = result.files.count
                let skippedBefore = result.skipped.count
                var visited = Set<String>()
                try walk(directory: input, relative: "", format: format, selection: selection, into: &result, visited: &visited)
                if result.files.count == before {
                    let here = result.skipped[skippedBefore...].map(\.path)
                    throw CorpusError.noSupportedFiles(directory: input, found: Array(here.prefix(5)), totalFound: here.count)
                }
            } else {
                guard fileManager.isReadableFile(atPath: input) else {
                    throw CorpusError.unreadablePath(path: input, reason: "permission denied")
                }
                if format == nil && InputFormat.detect(path: input) == nil {
                    throw CorpusError.unknownFormat(path: input)
                }
                result.files.append(input)
            }
        }
        return result
    }

    private static func walk(directory: String, relative: String, format: InputFormat?, selection: InputSelection,
                             into result: inout InputFiles, visited: inout Set<String>) throws {
        let fileManager = FileManager.default
        let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else { return } // a link back up the tree
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: directory)
        } catch {
            throw CorpusError.unreadablePath(path: directory, reason: "cannot list the directory")
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = prefix + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                result.skipped.append(SkippedInput(path: path, reason: .danglingLink))
                continue
            }
            let shownPath = isDirectory.boolValue ? path + "/" : path
            if name.hasPrefix(".") {
                result.skipped.append(SkippedInput(path: shownPath, reason: .hidden))
                continue
            }
            if selection.exclude.contains(where: { $0.matches(relativePath: relativePath) }) {
                result.skipped.append(SkippedInput(path: shownPath, reason: .excluded))
                continue
            }
            if isDirectory.boolValue {
                try walk(directory: path, relative: relativePath, format: format, selection: selection, into: &result, visited: &visited)
                continue
            }
            let included = selection.include.isEmpty || selection.include.contains { $0.matches(relativePath: relativePath) }
            guard included else {
                result.skipped.append(SkippedInput(path: path, reason: .notIncluded))
                continue
            }
            if format == nil && InputFormat.detect(path: path) == nil {
                // Asked for by name: refusing beats skipping what the user selected.
                guard selection.include.isEmpty else { throw CorpusError.unknownFormat(path: path) }
                result.skipped.append(SkippedInput(path: path, reason: .unknownFormat))
                continue
            }
            guard fileManager.isReadableFile(atPath: path) else {
                throw CorpusError.unreadablePath(path: path, reason: "permission denied")
            }
            result.files.append(path)
        }
    }
}
