import ContamStorage

/// The formats a corpus input can have. Detected from the file name (see `detect(path:)`), overridable with `--format`.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Plain text: one document per file, or one per line with `--lines`.
    case text
    /// JSON Lines: one JSON object per line, the document text in a named string field.
    case jsonl
    /// RFC 4180 CSV: one document per record, a named column or the whole raw row.
    case csv

    /// The file name extensions (lowercase, without the dot) that select this format.
    public var extensions: [String] {
        switch self {
        case .text: return ["txt", "text", "md", "rst"]
        case .jsonl: return ["jsonl", "json", "ndjson"]
        case .csv: return ["csv"]
        }
    }

    /// The format a file name implies, from the extension before any compression suffix (`.gz`, `.bz2`, `.xz`,
    /// `.zst`, … — `CompressionFormat.strippingSuffix`), and whether there is one. Returns nil when the name has
    /// no supported extension. Case-insensitive: `A.JSONL.GZ` is jsonl, compressed.
    public static func detect(path: String) -> (format: InputFormat, compressed: Bool)? {
        let compressed = CompressionFormat.detect(path: path) != nil
        let inner = CompressionFormat.strippingSuffix(path)
        let name = (inner.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? inner).lowercased()
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return nil }
        guard let ext = parts.last, let format = allCases.first(where: { $0.extensions.contains(ext) }) else { return nil }
        return (format, compressed)
    }

    /// Whether a path's name ends in a compression suffix (`.gz`, `.gzip`, `.bgz`, `.bz2`, `.xz`, `.zst`,
    /// `.zstd`), whatever comes before. The readers decompress by content; this is the name's claim.
    public static func isCompressed(path: String) -> Bool {
        CompressionFormat.detect(path: path) != nil
    }

    /// A human list of the supported extensions, for error messages.
    public static var supportedExtensionsSummary: String {
        allCases.flatMap { $0.extensions }.map { "." + $0 }.joined(separator: " ") + " (each optionally followed by .gz, .bz2, .xz or .zst)"
    }
}
