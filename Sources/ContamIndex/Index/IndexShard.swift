import Foundation
import ContamStorage
import ContamText

/// One shard of an opened index: its files mmap'd read-only, checked against the manifest and each other.
/// Every part handed out (the suffix array, vocabulary, document table, store) keeps its own mapping
/// alive, so any of them may be kept after the shard and its index are released.
public final class IndexShard: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a `let` over read-only mappings.

    /// The shard's manifest entry.
    public let entry: IndexManifest.Shard
    /// The shard's directory (index path / entry directory).
    public let directory: String
    /// `tokens.bin`, opened.
    public let tokensFile: BinaryFile
    /// `sa.bin`, opened.
    public let suffixFile: BinaryFile
    /// Token string to id, and back.
    public let vocabulary: Vocabulary
    /// Document records and external ids.
    public let documents: DocumentTable
    /// The documents' raw text.
    public let store: ZstdBlockStoreReader
    /// Search over the packed token and suffix arrays.
    public let suffixArray: SuffixArray
    /// `searchGuide`, once built (nil inside: the arrays did not allow one).
    private let builtGuide = LockedBox<SuffixArrayGuide??>(nil)

    /// Opens every file of the shard and checks what makes every later read stay inside its file: each file
    /// against the manifest's record of it (size and header checksum, when the manifest has records), magic,
    /// kind, version and sizes, the manifest's figures against the headers (and the widths the builder
    /// derives from them), the structure of the vocabulary, the document table and the store's frame table,
    /// a sample of the documents' separators, and a sample of the suffix array's separator rows and order
    /// (O(documents + vocabulary + frames); payload checksums are `verify`'s). Throws `IndexError.damaged`
    /// naming the file when the shard is corrupt.
    public init(indexPath: String, entry: IndexManifest.Shard) throws {
        self.entry = entry
        let directory = "\(indexPath)/\(entry.directory)"
        self.directory = directory
        // Each file must be the one the manifest recorded (size and header checksum), checked before the files are
        // read against each other so that a file of another build is the one named. Its header only: O(1) a file.
        if entry.files != nil {
            try IndexError.reportingDamage(index: indexPath) {
                for file in ShardFile.files(of: entry, kind: .full) where file != .sketch {
                    let opened = try file.open(inShard: directory)
                    if let problem = IndexManifest.fileProblem(opened, file: file, entry: entry) {
                        throw IndexError.damaged(path: opened.path, index: indexPath, detail: problem)
                    }
                }
            }
        }
        (tokensFile, suffixFile, vocabulary, documents, store) = try IndexError.reportingDamage(index: indexPath) {
            (try ShardFile.tokens.open(inShard: directory),
             try ShardFile.suffixes.open(inShard: directory),
             try Vocabulary(path: ShardFile.vocabulary.path(inShard: directory)),
             try DocumentTable(recordsPath: ShardFile.documents.path(inShard: directory), idsPath: ShardFile.documentIDs.path(inShard: directory)),
             try ZstdBlockStoreReader(path: ShardFile.store.path(inShard: directory), kind: ShardFile.store.kind))
        }
        func damaged(_ path: String, _ detail: String) -> IndexError { .damaged(path: path, index: indexPath, detail: detail) }
        let tokenCount = entry.tokens
        let manifestName = IndexManifest.fileName
        guard vocabulary.count == entry.vocabularySize else {
            throw damaged(vocabulary.path, "\(vocabulary.count) distinct tokens; \(manifestName) says \(entry.vocabularySize)")
        }
        guard documents.count == entry.documents else {
            throw damaged(documents.recordsPath, "\(documents.count) documents; \(manifestName) says \(entry.documents)")
        }
        // The builder packs token ids 0...vocabulary and positions 0..<tokens at the smallest widths that hold them.
        let tokenBits = PackedIntArray.bitWidth(forMaxValue: UInt64(vocabulary.count))
        let suffixBits = PackedIntArray.bitWidth(forMaxValue: UInt64(max(tokenCount - 1, 0)))
        func expect(_ file: BinaryFile, bits: Int, manifestBits: Int) throws {
            guard tokenCount >= 0, Int(file.header.count) == tokenCount, Int(file.header.elementBits) == bits, manifestBits == bits,
                  let bytes = PackedIntArray.checkedByteCount(count: tokenCount, bitWidth: bits), file.payload.count == bytes else {
                throw damaged(file.path, "\(file.header.count) elements of \(file.header.elementBits) bits in \(file.payload.count) bytes; \(manifestName) says \(tokenCount) of \(manifestBits), the vocabulary and token count need \(bits)")
            }
        }
        try expect(tokensFile, bits: tokenBits, manifestBits: entry.tokenBits)
        try expect(suffixFile, bits: suffixBits, manifestBits: entry.suffixBits)
        guard tokensFile.header.parameter == UInt64(vocabulary.count) + 1 else {
            throw damaged(tokensFile.path, "alphabet of \(tokensFile.header.parameter) symbols for \(vocabulary.count) distinct tokens")
        }
        try documents.validate(tokenCount: tokenCount, storeBytes: store.byteCount, sourceCount: entry.sources.count)
        let tokens = PackedIntArray(bytes: tokensFile.payload, count: tokenCount, bitWidth: tokenBits)
        // Documents end with a separator: read for an evenly spaced sample of them (each read may fault in a page
        // of a cold mapping, so their number is bounded; a token array of another build is the file records' job).
        let suffixArray = SuffixArray(tokens: tokens, suffixes: PackedIntArray(bytes: suffixFile.payload, count: tokenCount, bitWidth: suffixBits))
        self.suffixArray = suffixArray
        try tokensFile.file.withoutReadahead {
            try suffixFile.file.withoutReadahead {
                for document in Self.sample(documents.count) {
                    let record = documents.record(document)
                    // validate proved firstToken + tokenCount < tokenCount.
                    guard tokens[Int(record.firstToken + record.tokenCount)] == 0 else {
                        throw damaged(tokensFile.path, "document \(document) is not followed by a separator")
                    }
                }
                if let problem = Self.suffixArrayProblem(suffixArray, documents: documents.count) { throw damaged(suffixFile.path, problem) }
            }
        }
    }

    /// At most this many documents (and separator rows) are read by the checks on open, with readahead off
    /// (`withoutReadahead`), each read about one page of a cold mapping: on the 105 MB bench index, opening
    /// cold takes 0.35 s instead of 0.21 s without the checks (4,096 samples took 0.56 s).
    static let sampledDocuments = 512

    /// Up to `sampledDocuments` evenly spaced numbers of `0..<count`, the first and last included.
    static func sample(_ count: Int) -> [Int] {
        guard count > sampledDocuments else { return Array(0..<count) }
        return (0..<sampledDocuments).map { $0 * (count - 1) / (sampledDocuments - 1) }
    }

    /// Rows probed in order by `suffixArrayProblem`, and tokens compared for each.
    static let suffixOrderProbes = 128
    static let suffixOrderDepth = 32

    /// What is wrong with the suffix array, as far as a bounded number of reads can tell, or nil: the rows of
    /// the separator suffixes come first (one per document, the text's last position first, since the end of
    /// the text sorts before every token; a sample of them is read), every value read is a position of the
    /// text, and evenly spaced pairs of neighbouring rows are in order over their first tokens. Not a proof (that reads every entry,
    /// `verify`'s checksum does), but it refuses a suffix array of another build or with most of its words hit.
    static func suffixArrayProblem(_ array: SuffixArray, documents: Int) -> String? {
        let n = array.count
        guard n > 0 else { return documents == 0 ? nil : "empty, for \(documents) documents" }
        let tokens = array.tokens, suffixes = array.suffixes
        guard documents <= n, suffixes[0] == UInt64(n - 1) else { return "row 0 is not the text's last position" }
        for row in Self.sample(documents) {
            let position = suffixes[row]
            guard position < UInt64(n), tokens[Int(position)] == 0 else { return "row \(row) is not a document separator" }
        }
        if documents < n {
            let position = suffixes[documents]
            guard position < UInt64(n), tokens[Int(position)] != 0 else { return "row \(documents) is a separator past the \(documents) documents" }
        }
        let probes = min(Self.suffixOrderProbes, n - 1)
        for probe in 0..<probes {
            let row = probe * (n - 1) / max(probes, 1)
            let (first, second) = (suffixes[row], suffixes[row + 1])
            guard first < UInt64(n), second < UInt64(n) else { return "row \(row) or \(row + 1) holds a position past the text's \(n) tokens" }
            var (a, b) = (Int(first), Int(second))
            var order = 0
            for _ in 0..<Self.suffixOrderDepth {
                // The end of the text sorts before every token.
                if a == n || b == n { order = a == n ? (b == n ? 0 : -1) : 1; break }
                if tokens[a] != tokens[b] { order = tokens[a] < tokens[b] ? -1 : 1; break }
                a += 1
                b += 1
            }
            guard order <= 0, first != second else {
                return "rows \(row) and \(row + 1) are out of order over the tokens of \(ShardFile.tokens.fileName) (either file may be the damaged one)"
            }
        }
        return nil
    }

    /// The suffix array's `SuffixArrayGuide`, built at the first call and kept (about 0.06 s and 10 MB for 20 M
    /// tokens, so only `check`-like work asks for it: a count does not need it); nil when the arrays do not
    /// allow one (a damaged file: searches then go unguided, and `verify` names the file).
    public var searchGuide: SuffixArrayGuide? {
        builtGuide.update { built in
            if let guide = built { return guide }
            let guide = SuffixArrayGuide(suffixArray, alphabet: vocabulary.count + 1)
            built = .some(guide)
            return guide
        }
    }

    /// The rows of the suffix array starting with `ids`: through the search guide when something has built it
    /// (a check), unguided otherwise (a command that counts once does not pay for building it). Same count either way.
    public func range(of ids: [UInt32]) -> Range<Int> {
        guard let guide = builtGuide.value ?? nil else { return suffixArray.range(of: ids) }
        return suffixArray.range(of: ids, guide: guide)
    }

    /// Every binary file of the shard, in `ShardFile` order (for `stats`).
    public var files: [BinaryFile] {
        [tokensFile, suffixFile, vocabulary.binaryFile, documents.recordsFile, documents.idsFile, store.file]
    }

    /// Maps normalized token strings to this shard's ids (`SuffixArray.absentToken` for unknown ones).
    public func ids<S: Sequence>(of tokens: S) -> [UInt32] where S.Element == String {
        tokens.map { vocabulary.id(of: $0) ?? SuffixArray.absentToken }
    }

    /// The document containing token position `position`, and the offset of that token inside it; nil when
    /// the position lies outside every document (a separator, or past the end: only a damaged suffix array
    /// hands out such a position, since no match starts at a separator).
    public func document(at position: Int) -> (document: Int, tokenOffset: Int)? {
        guard position >= 0, position < suffixArray.count, documents.count > 0 else { return nil }
        let document = documents.document(containing: position)
        // Opening proved firstToken + tokenCount within the token array, so both conversions are exact.
        let record = documents.record(document)
        let offset = position - Int(record.firstToken)
        guard offset >= 0, offset < Int(record.tokenCount) else { return nil }
        return (document, offset)
    }

    /// The raw text of document `document`. Throws `IndexError.damaged` when the store does not decompress.
    public func text(of document: Int) throws -> [UInt8] {
        let record = documents.record(document)
        // Opening proved the range inside the store (so byteLength fits an Int).
        return try IndexError.reportingDamage(index: (directory as NSString).deletingLastPathComponent) {
            try store.bytes(offset: record.storeOffset, length: Int(record.byteLength))
        }
    }

    /// The passage showing tokens `tokenRange` of document `document` with about `contextBytes` of context each
    /// side, as `Passage.extract` cuts it from the whole document, reading only what it shows: tokenizing starts
    /// at the last token byte checkpoint before the match (`DocumentTable`; the document's start for an index
    /// without them) and covers a window of the store around the match, widened until the passage fits. Every
    /// token read on the way is compared with the token array (by hash), so a checkpoint that does not lead to
    /// the indexed tokens (a damaged file, or a tokenizer option that is not restartable) falls back to
    /// tokenizing the whole document, as an index built with `--strip-markup` always does. nil when `tokenRange` is not inside the document. Throws
    /// `IndexError.damaged` when the store does not decompress.
    public func passage(document: Int, tokenRange: Range<Int>, contextBytes: Int, tokenizer: Tokenizer) throws -> Passage? {
        try windowedPassage(document: document, tokenRange: tokenRange, contextBytes: contextBytes, tokenizer: tokenizer).passage
    }

    /// `passage`, and whether it had to tokenize the whole document (for tests: the windowed path must be the usual one).
    func windowedPassage(document: Int, tokenRange: Range<Int>, contextBytes: Int, tokenizer: Tokenizer) throws -> (passage: Passage?, wholeDocument: Bool) {
        guard document >= 0, document < documents.count else { return (nil, false) }
        let record = documents.record(document)
        // Opening proved the record's tokens and text inside the token array and the store.
        let first = Int(record.firstToken), tokenCount = Int(record.tokenCount), documentLength = Int(record.byteLength)
        guard !tokenRange.isEmpty, tokenRange.lowerBound >= 0, tokenRange.upperBound <= tokenCount, contextBytes >= 0 else { return (nil, false) }
        // Markup is stripped with state that can look ahead (a tag is one only where it closes): a window could
        // tokenize differently from the whole document, so those indexes always read the whole document.
        if tokenizer.options.stripMarkup {
            return (try wholeDocumentPassage(document: document, tokenRange: tokenRange, contextBytes: contextBytes, tokenizer: tokenizer), true)
        }
        let matchFirst = first + tokenRange.lowerBound, matchLast = first + tokenRange.upperBound - 1
        var scanToken = first, scanByte = 0
        if let checkpoint = documents.checkpoint(atOrBefore: matchFirst), checkpoint.tokenPosition > first,
           checkpoint.storeOffset >= record.storeOffset, checkpoint.storeOffset - record.storeOffset < record.byteLength {
            scanToken = checkpoint.tokenPosition
            scanByte = Int(checkpoint.storeOffset - record.storeOffset)
        }
        let tokens = suffixArray.tokens
        var before = contextBytes + 8
        var after = (matchLast - scanToken + 1) * 12 + contextBytes + 64
        for _ in 0..<8 {
            let low = max(0, scanByte - before), high = min(documentLength, scanByte + after)
            let window = try IndexError.reportingDamage(index: (directory as NSString).deletingLastPathComponent) {
                try store.bytes(offset: record.storeOffset + UInt64(low), length: high - low)
            }
            // Tokenize from the checkpoint to the match's last token, each token checked against the token array.
            var position = scanToken
            var matchStart = -1, matchEnd = -1
            var outcome = WindowScan.complete
            window.withUnsafeBytes { bytes in
                let text = UnsafeRawBufferPointer(rebasing: bytes[(scanByte - low)...])
                do {
                    try tokenizer.forEachTokenHash(in: text) { hash, range in
                        // A token touching the window's end may be cut short, unless the document ends there too.
                        if range.upperBound == text.count && high < documentLength { outcome = .needsMore; throw WindowScan.stop }
                        if position == scanToken && scanToken != first && range.lowerBound != 0 { outcome = .mismatch; throw WindowScan.stop }
                        guard position <= matchLast, hash == vocabulary.hash(UInt32(truncatingIfNeeded: tokens[position])) else {
                            outcome = .mismatch; throw WindowScan.stop
                        }
                        if position == matchFirst { matchStart = scanByte + range.lowerBound }
                        if position == matchLast { matchEnd = scanByte + range.upperBound; throw WindowScan.stop }
                        position += 1
                    }
                } catch {}
            }
            if outcome == .complete && matchEnd < 0 { outcome = high < documentLength ? .needsMore : .mismatch }
            switch outcome {
            case .mismatch, .stop:
                return (try wholeDocumentPassage(document: document, tokenRange: tokenRange, contextBytes: contextBytes, tokenizer: tokenizer), true)
            case .needsMore:
                after *= 4
                continue
            case .complete:
                let cut = window.withUnsafeBytes {
                    Passage.extract(window: $0, windowStart: low, documentLength: documentLength, match: matchStart..<matchEnd, contextBytes: contextBytes)
                }
                if let passage = cut { return (passage, false) }
                before *= 4
                after *= 4
            }
        }
        return (try wholeDocumentPassage(document: document, tokenRange: tokenRange, contextBytes: contextBytes, tokenizer: tokenizer), true)
    }

    /// The passage cut from the whole document, tokenized from its start (the definition `passage` follows).
    func wholeDocumentPassage(document: Int, tokenRange: Range<Int>, contextBytes: Int, tokenizer: Tokenizer) throws -> Passage? {
        let text = try text(of: document)
        return Passage.extract(text: text, tokens: tokenizer.tokens(in: text), tokenRange: tokenRange, contextBytes: contextBytes)
    }
}

/// How a scan of a store window for a passage ended.
private enum WindowScan: Error {
    case complete, needsMore, mismatch
    /// Thrown to leave the tokenizer early.
    case stop
}
