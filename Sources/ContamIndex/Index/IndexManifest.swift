import Foundation
import ContamStorage
import ContamText
import ContamCorpus

/// `INDEX/manifest.json`: what an index holds and how it was built. Read first by every command;
/// its tokenizer options are applied to every query.
public struct IndexManifest: Codable, Equatable, Sendable {
    public static let fileName = "manifest.json"
    public static let formatName = "contam-index"

    /// One shard: a directory of binary files.
    public struct Shard: Codable, Equatable, Sendable {
        public var directory: String
        public var documents: Int
        public var tokens: Int
        public var vocabularySize: Int
        /// Bits per token id and per suffix-array entry in the packed files.
        public var tokenBits: Int
        public var suffixBits: Int
        /// Input files of this shard's documents (`DocumentRecord.sourceIndex` indexes this list).
        public var sources: [String]
        /// The shard's n-gram sketch (`sketch.bloom`), when built (absent with --no-sketch).
        public var sketch: NGramSketchParameters? = nil
        /// Each file of the shard as the build left it, by file name (`ShardFile.fileName`); written by
        /// `write(directory:)`, nil in indexes from before it.
        public var files: [String: FileRecord]? = nil
    }

    /// One file of a shard as the build wrote it: its size and the payload checksum its header records. A
    /// file of another build (or of another shard) has another checksum, so checking both on open (O(1): the
    /// header is read anyway) binds every file to this manifest; `verify` then proves the payloads.
    public struct FileRecord: Codable, Equatable, Sendable {
        /// Bytes, header included.
        public var bytes: Int
        /// The header's XXH64 of the payload, as 16 hex digits (JSON numbers do not all hold a UInt64).
        public var checksum: String

        public init(bytes: Int, checksum: UInt64) {
            self.bytes = bytes
            self.checksum = IndexManifest.hex(checksum)
        }

        /// The record of `file` as opened.
        public init(_ file: BinaryFile) {
            self.init(bytes: file.file.byteCount, checksum: file.header.checksum)
        }
    }

    /// 16 lowercase hex digits.
    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// Corpus figures gathered while building.
    public struct CorpusStatistics: Codable, Equatable, Sendable {
        public var documents: Int = 0
        public var tokens: Int = 0
        public var textBytes: Int = 0
        public var inputFiles: Int = 0
        public var emptyDocumentsSkipped: Int = 0
        public var badRecordsSkipped: Int = 0
        /// The first few reasons records were skipped (file:line and what was wrong).
        public var badRecordReasons: [String] = []
        public var invalidUTF8Replaced: Int = 0
        /// How many files and directories the input walks did not read (nil in manifests written before
        /// contam recorded it), and the first `maximumSkippedInputsListed` of them with the reason.
        public var skippedInputCount: Int?
        public var skippedInputs: [SkippedInput]?
        public init() {}

        /// How many skipped inputs a manifest lists by name.
        public static let maximumSkippedInputsListed = 1000

        /// The figures of a build: what the shards hold and what the corpus reader counted.
        init(documents: Int, tokens: Int, inputFiles: Int, read: ContamCorpus.CorpusStatistics, skipped: [SkippedInput]) {
            self.documents = documents
            self.tokens = tokens
            self.inputFiles = inputFiles
            textBytes = read.textBytes
            emptyDocumentsSkipped = read.emptyDocumentsSkipped
            badRecordsSkipped = read.recordsSkipped
            badRecordReasons = read.skipReasons
            invalidUTF8Replaced = read.invalidUTF8Replaced
            skippedInputCount = skipped.count
            skippedInputs = Array(skipped.prefix(Self.maximumSkippedInputsListed))
        }
    }

    public var format: String = IndexManifest.formatName
    public var formatVersion: UInt32 = BinaryFileHeader.currentVersion
    public var contamVersion: String = ContamVersion.string
    public var createdAt: String
    public var buildCommand: String
    public var tokenizer: TokenizerOptions
    public var shards: [Shard]
    public var corpus: CorpusStatistics
    public var buildSeconds: Double
    /// The JSON field behind `kind`: true for a sketch-only index, absent (nil) for a full one. Only `kind`
    /// reads it.
    var sketchOnly: Bool? = nil
    /// What the index holds: a suffix array, vocabulary and document store per shard, or only n-gram sketches.
    public var kind: IndexKind {
        get { sketchOnly == true ? .sketchOnly : .full }
        set { sketchOnly = newValue == .sketchOnly ? true : nil }
    }
    /// The part of the input files this index holds (`--shard K/N`); nil for all of them.
    public var part: InputPart? = nil
    /// With `part`: the fingerprint of the whole split (`splitFingerprint(files:part:tokenizer:)`), alike in
    /// every part of it; nil in manifests from before it and for sketch-only parts.
    public var splitFingerprint: String? = nil
    /// `--format` when it overrode the formats the file names say (nil: by name, also in older manifests).
    public var inputFormat: String? = nil
    /// `--lines`: one document per line of a text file (nil in older manifests: false).
    public var linesAreDocuments: Bool? = nil

    /// Whether documents from `sourcePath` are that file's text as it is (plain text, read whole or by
    /// line), so a line within a document is a line of the file: the reports then show the line of a match.
    public func documentsAreFileText(sourcePath: String) -> Bool {
        let format = inputFormat.flatMap(InputFormat.init(rawValue:)) ?? InputFormat.detect(path: sourcePath)?.format
        return format == .text
    }
    /// XXH64 (16 hex digits) of the manifest file's bytes with these 16 digits read as zeros; written by
    /// `write`, checked by `read` on the bytes as they are (no re-encoding, so it does not depend on how a
    /// JSON encoder formats). Nil in indexes from before it.
    public var manifestChecksum: String? = nil

    /// The JSON key of `manifestChecksum`, found in the file's bytes by `read`.
    static let checksumKey = Array("\"manifestChecksum\"".utf8)
    /// The value `write` hashes in place of the checksum.
    static let checksumPlaceholder = String(repeating: "0", count: 16)

    /// The range of the 16 hex digits of `manifestChecksum`'s value in a manifest's bytes, or nil when the
    /// key is absent or not followed by a 16-digit string.
    static func checksumDigits(in bytes: [UInt8]) -> Range<Int>? {
        let key = checksumKey
        guard bytes.count >= key.count,
              let keyStart = (0...(bytes.count - key.count)).first(where: { bytes[$0..<($0 + key.count)].elementsEqual(key) }),
              let quote = bytes[(keyStart + key.count)...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let digits = (quote + 1)..<(quote + 17)
        guard digits.upperBound < bytes.count, bytes[digits.upperBound] == UInt8(ascii: "\""),
              bytes[digits].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else { return nil }
        return digits
    }

    /// The checksum of manifest bytes whose checksum digits are at `digits`: XXH64 with the digits zeroed.
    static func checksum(of bytes: [UInt8], digits: Range<Int>) -> String {
        var unsealed = bytes
        unsealed.replaceSubrange(digits, with: Array(checksumPlaceholder.utf8))
        return hex(XXHash64.hash(unsealed))
    }

    /// Reads and validates `dir/manifest.json`.
    public static func read(directory: String) throws -> IndexManifest {
        let path = "\(directory)/\(fileName)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw IndexError.notAnIndex(path: directory, detail: "no such directory")
        }
        guard isDirectory.boolValue else {
            throw IndexError.notAnIndex(path: directory, detail: "it is a file, not an index directory; build one with 'contam index CORPUS -o DIR'")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IndexError.notAnIndex(path: directory, detail: "no \(fileName) inside; build one with 'contam index CORPUS -o DIR'")
        }
        // Check the format name and version before decoding the rest, so other versions get a clear message.
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw IndexError.badManifest(path: path, detail: "not a JSON object")
        }
        guard object["format"] as? String == formatName else {
            throw IndexError.badManifest(path: path, detail: "not a contam manifest (format is \(object["format"].map { "\($0)" } ?? "missing"))")
        }
        if let version = object["formatVersion"] as? Int, version != Int(BinaryFileHeader.currentVersion) {
            throw IndexError.badManifest(path: path, detail: "index format version \(version), but this contam reads version \(BinaryFileHeader.currentVersion); rebuild the index")
        }
        let manifest: IndexManifest
        do {
            manifest = try JSONDecoder().decode(IndexManifest.self, from: data)
        } catch {
            throw IndexError.badManifest(path: path, detail: "\(error)")
        }
        if let recorded = manifest.manifestChecksum {
            let bytes = [UInt8](data)
            guard let digits = checksumDigits(in: bytes), checksum(of: bytes, digits: digits) == recorded else {
                throw IndexError.damaged(path: path, index: directory, detail: "checksum mismatch (the manifest was changed after the build)")
            }
        }
        if let problem = manifest.shardListProblem {
            throw IndexError.damaged(path: path, index: directory, detail: problem)
        }
        return manifest
    }

    /// The encoder of `write`.
    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// What is wrong with the file `file` of shard `entry`, opened as `opened`, against the manifest's
    /// record of it, or nil when it matches or the manifest has no record (an index from before records).
    static func fileProblem(_ opened: BinaryFile, file: ShardFile, entry: Shard) -> String? {
        guard let record = entry.files?[file.fileName] else { return nil }
        let found = FileRecord(opened)
        guard found == record else {
            return "not the file this index was built with: \(fileName) records \(record.bytes) bytes with checksum \(record.checksum), the file has \(found.bytes) bytes with checksum \(found.checksum)"
        }
        return nil
    }

    /// What is wrong with the shard list, or nil when it is sound: it must name at least one shard, each in a
    /// directory of its own directly inside the index, with no negative figure. (The figures are checked
    /// against the shard's files when the shard is opened.)
    var shardListProblem: String? {
        guard !shards.isEmpty else { return "no shard" }
        var seen = Set<String>()
        for shard in shards {
            let name = shard.directory
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
                return "shard directory '\(name)' is not a directory name"
            }
            guard seen.insert(name).inserted else { return "shard directory \(name) is listed twice" }
            guard shard.documents >= 0, shard.tokens >= 0, shard.vocabularySize >= 0, shard.tokenBits >= 0, shard.suffixBits >= 0 else {
                return "shard \(name) has a negative size"
            }
        }
        return nil
    }

    /// Writes the manifest into `directory` (pretty-printed, keys sorted, fsync'd), sealed: each shard's
    /// `files` recorded from the files in `directory` (their headers only: O(files)), and the manifest's
    /// own `manifestChecksum`.
    public func write(directory: String) throws {
        var sealed = self
        for (number, entry) in shards.enumerated() {
            var records: [String: FileRecord] = [:]
            for file in ShardFile.files(of: entry, kind: kind) {
                records[file.fileName] = FileRecord(try file.open(inShard: "\(directory)/\(entry.directory)"))
            }
            sealed.shards[number].files = records
        }
        sealed.manifestChecksum = Self.checksumPlaceholder
        var data = [UInt8](try Self.encoder.encode(sealed)) + [0x0A]
        guard let digits = Self.checksumDigits(in: data) else {
            throw IndexError.badManifest(path: "\(directory)/\(Self.fileName)", detail: "the encoded manifest has no checksum field")
        }
        data.replaceSubrange(digits, with: Array(Self.checksum(of: data, digits: digits).utf8))
        let writer = try FileWriter(path: "\(directory)/\(Self.fileName)")
        try writer.write(data)
        try writer.close()
    }
}
