import ContamStorage

/// The formats a corpus input can have. Detected from the file name (see `detect(path:)`), overridable with `--format`.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Plain text: one document per file, or one per line with `--lines`.
    case text
    /// JSON Lines: one JSON object per line, the document text in a named string field.
    case jsonl
    /// RFC 4180 CSV: one document per record, a named column or the whole raw row.
    case csv
    /// Apache Parquet: one document per row, the text from columns named by field paths (mmap'd, read by seeking,
    /// so never from standard input; its compression is inside the file).
    case parquet

    /// The file name extensions (lowercase, without the dot) that select this format.
    public var extensions: [String] {
        switch self {
        case .text: return Self.textExtensions
        case .jsonl: return ["jsonl", "json", "ndjson"]
        case .csv: return ["csv", "tsv"]
        case .parquet: return ["parquet"]
        }
    }

    /// Prose, markup and source code: a directory of code indexes without `--format`.
    static let textExtensions = [
        "txt", "text", "md", "markdown", "rst", "adoc", "org", "tex", "html", "htm", "xml",
        "py", "pyi", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cs", "java", "kt", "scala", "go", "rs", "swift",
        "m", "mm", "js", "mjs", "jsx", "ts", "tsx", "rb", "php", "pl", "pm", "lua", "r", "jl", "hs", "ml", "ex", "exs",
        "erl", "clj", "sql", "sh", "bash", "zsh", "ps1", "css", "scss", "yaml", "yml", "toml", "ini", "cfg",
    ]

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

    /// Whether a path names tab-separated values (`.tsv`, optionally compressed): CSV read with a tab delimiter.
    public static func isTabSeparated(path: String) -> Bool {
        let name = path.lowercased()
        return name.hasSuffix(".tsv") || name.hasSuffix(".tsv.zst")
    }

    /// A human list of the supported extensions, for error messages.
    public static var supportedExtensionsSummary: String {
        let text = ".txt .md .rst .html and source code (.py .c .java .js .rs …)"
        let others = allCases.filter { $0 != .text && $0 != .parquet }.flatMap { $0.extensions }.map { "." + $0 }.joined(separator: " ")
        return "\(text) \(others) (each optionally followed by .gz, .bz2, .xz or .zst), and .parquet"
    }
}
