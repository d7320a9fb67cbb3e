/// The compressions contam reads corpus and benchmark files in, told from content (`detect(magic:)`) or from
/// the file name (`detect(path:)`). `DecompressingByteSource.open` picks the decoder by content.
public enum CompressionFormat: String, Sendable, CaseIterable, Equatable {
    /// gzip (RFC 1952), including multi-member files and bgzip.
    case gzip
    /// bzip2, including concatenated streams (pbzip2).
    case bzip2
    /// xz (not the legacy `.lzma` format), including concatenated streams and padding.
    case xz
    /// Zstandard, including concatenated and skippable frames.
    case zstd

    /// How many leading bytes `detect(magic:)` looks at; fewer is fine for a shorter file.
    public static let magicByteCount = 10

    /// The file-name suffixes (lowercase, with the dot) that name this compression.
    public var suffixes: [String] {
        switch self {
        case .gzip: return [".gz", ".gzip", ".bgz"]
        case .bzip2: return [".bz2"]
        case .xz: return [".xz"]
        case .zstd: return [".zst", ".zstd"]
        }
    }

    /// The compression the first bytes of a file show, or nil for none of these (plain data, or too few bytes).
    ///
    /// gzip: 1f 8b and deflate (08) as the method; bzip2: "BZh", a block size 1-9, then a block or end-of-stream
    /// magic when the bytes are there; xz: fd 37 7a 58 5a 00; zstd: 28 b5 2f fd, or a skippable frame
    /// (5? 2a 4d 18). Requiring more than two bytes keeps text that happens to start with "BZh" plain.
    public static func detect(magic: [UInt8]) -> CompressionFormat? {
        if magic.starts(with: [0x1F, 0x8B]) && (magic.count < 3 || magic[2] == 0x08) { return .gzip }
        if magic.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if magic.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if magic.count >= 4 && magic[0] & 0xF0 == 0x50 && magic[1...3].elementsEqual([0x2A, 0x4D, 0x18]) { return .zstd }
        if magic.count >= 4 && magic.starts(with: Array("BZh".utf8)) && (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(magic[3]) {
            guard magic.count >= 10 else { return .bzip2 }
            let block: [UInt8] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]  // pi: a compressed block follows
            let end: [UInt8] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]    // sqrt(pi): an empty stream's end
            let next = magic[4..<10]
            if next.elementsEqual(block) || next.elementsEqual(end) { return .bzip2 }
        }
        return nil
    }

    /// The compression a file name's last suffix names (case-insensitive), or nil.
    public static func detect(path: String) -> CompressionFormat? {
        suffixMatch(path)?.format
    }

    /// The name without its compression suffix (`a.jsonl.gz` → `a.jsonl`); other names unchanged.
    public static func strippingSuffix(_ path: String) -> String {
        guard let match = suffixMatch(path) else { return path }
        return String(path.dropLast(match.suffix.count))
    }

    private static func suffixMatch(_ path: String) -> (format: CompressionFormat, suffix: String)? {
        let lowered = path.lowercased()
        for format in allCases {
            for suffix in format.suffixes where lowered.hasSuffix(suffix) && lowered.count > suffix.count {
                // Only a suffix of the file name itself: `dir.gz/` or `/x/.gz` are not compressed names.
                let name = lowered.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
                if name.count > suffix.count { return (format, suffix) }
            }
        }
        return nil
    }
}
