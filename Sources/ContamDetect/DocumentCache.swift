import Foundation
import ContamText
import ContamIndex

/// A corpus document fetched for evidence: its raw text, its tokens (with byte ranges into the text)
/// and its metadata.
public struct CachedDocument: Sendable {
    public var ref: CorpusDocumentRef
    public var text: [UInt8]
    public var tokens: [Token]
    public var info: CorpusDocumentInfo
}

/// A bounded, thread-safe cache of documents fetched through `CorpusQuerying.documentTokens`, shared by
/// the threads of one check: benchmark items often come from the same few documents, and fetching one
/// means decompressing a frame and tokenizing the whole document. Evicts oldest-first once the cached
/// documents hold more than `capacityTokens` tokens. Two threads may fetch the same document at once;
/// both get a correct copy.
public final class DocumentCache: @unchecked Sendable {
    public let corpus: any CorpusQuerying
    public let capacityTokens: Int
    private let lock = NSLock()
    private var documents: [CorpusDocumentRef: CachedDocument] = [:]
    private var order: [CorpusDocumentRef] = []
    private var orderStart = 0
    private var cachedTokens = 0
    private var infos: [CorpusDocumentRef: CorpusDocumentInfo] = [:]
    private var texts: [CorpusDocumentRef: LocatedText] = [:]
    private var textOrder: [CorpusDocumentRef] = []
    private var cachedTextBytes = 0
    /// Number of fetches that missed the cache (for benchmarks).
    public private(set) var misses = 0

    public init(corpus: any CorpusQuerying, capacityTokens: Int = 4_000_000) {
        self.corpus = corpus
        self.capacityTokens = capacityTokens
    }

    /// A document's metadata only (cheap: no text is fetched), cached.
    public func info(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo {
        lock.lock()
        if let info = infos[ref] ?? documents[ref]?.info {
            lock.unlock()
            return info
        }
        lock.unlock()
        let info = try corpus.documentInfo(ref)
        lock.lock(); defer { lock.unlock() }
        if infos.count > 100_000 { infos.removeAll(keepingCapacity: true) }
        infos[ref] = info
        return info
    }

    /// The label reports show for a match starting at document token `tokenOffset`: the document's external
    /// id, else `file:line`, where the line is the match's own line in the file for plain-text documents (a whole
    /// file is one document) and the record's first line otherwise (JSON, CSV).
    public func label(_ ref: CorpusDocumentRef, tokenOffset: Int) throws -> String {
        let info = try info(ref)
        if let id = info.externalID { return id }
        return try location(ref, tokenOffset: tokenOffset)
    }

    /// `file:line` of document token `tokenOffset` (see `label`), whatever the document's id.
    public func location(_ ref: CorpusDocumentRef, tokenOffset: Int) throws -> String {
        let info = try info(ref)
        return "\(info.sourcePath):\(try line(ref, info: info, tokenOffset: tokenOffset))"
    }

    /// The line of the source file on which document token `tokenOffset` starts (see `label`). Plain-text
    /// documents are fetched (and cached) to count the newlines before the token; others answer from `info`.
    func line(_ ref: CorpusDocumentRef, info: CorpusDocumentInfo, tokenOffset: Int) throws -> Int {
        guard corpus.documentsAreFileText(sourcePath: info.sourcePath), tokenOffset >= 0 else { return info.recordNumber }
        let text: [UInt8]
        let start: Int
        if let fast = corpus as? any CorpusTokenIDs {
            let located = try located(ref, fast: fast)
            guard tokenOffset < located.starts.count else { return info.recordNumber }
            (text, start) = (located.text, Int(located.starts[tokenOffset]))
        } else {
            let document = try document(ref)
            guard tokenOffset < document.tokens.count else { return info.recordNumber }
            (text, start) = (document.text, document.tokens[tokenOffset].byteRange.lowerBound)
        }
        let newlines = text.withUnsafeBufferPointer { bytes in
            // Safe: start <= text.count (a token's offset lies inside its text).
            UnsafeBufferPointer(rebasing: bytes[..<min(start, bytes.count)]).reduce(0) { $0 &+ ($1 == 0x0A ? 1 : 0) }
        }
        return info.recordNumber + newlines
    }

    /// The passage of document tokens `tokenRange` in original text. With `CorpusTokenIDs`, only the raw text
    /// is fetched and scanned once by the tokenizer without allocating per token (token byte offsets are
    /// cached with it); otherwise the whole document's tokens are fetched. Nil when the range is outside the document.
    public func passage(_ ref: CorpusDocumentRef, tokenRange: Range<Int>, contextBytes: Int) throws -> SourcePassage? {
        guard let fast = corpus as? any CorpusTokenIDs else {
            var source = SourcePassage(document: try document(ref), tokenRange: tokenRange, contextBytes: contextBytes)
            source?.label = try label(ref, tokenOffset: tokenRange.lowerBound)
            return source
        }
        let label = try label(ref, tokenOffset: tokenRange.lowerBound)
        let located = try self.located(ref, fast: fast)
        guard !tokenRange.isEmpty, tokenRange.lowerBound >= 0, tokenRange.upperBound <= located.starts.count else { return nil }
        // Passage.extract reads only the first and last token of the range.
        let first = Token(text: "", byteRange: Int(located.starts[tokenRange.lowerBound])..<Int(located.ends[tokenRange.lowerBound]))
        let last = Token(text: "", byteRange: Int(located.starts[tokenRange.upperBound - 1])..<Int(located.ends[tokenRange.upperBound - 1]))
        guard let passage = Passage.extract(text: located.text, tokens: [first, last], tokenRange: 0..<2, contextBytes: contextBytes) else { return nil }
        return SourcePassage(document: ref, label: label, tokenRange: tokenRange, passage: passage)
    }

    /// A document's raw text with the byte offsets of its tokens.
    struct LocatedText {
        var text: [UInt8]
        var starts: [UInt32]
        var ends: [UInt32]
    }

    /// Start and end byte offsets of every token of `text`: one scan of the tokenizer, no allocation per token.
    static func tokenOffsets(_ text: [UInt8], tokenizer: Tokenizer) -> (starts: [UInt32], ends: [UInt32]) {
        var starts: [UInt32] = []
        var ends: [UInt32] = []
        starts.reserveCapacity(text.count / 4)
        ends.reserveCapacity(text.count / 4)
        text.withUnsafeBytes { raw in
            tokenizer.forEachToken(in: raw) { _, range in
                starts.append(UInt32(truncatingIfNeeded: range.lowerBound))
                ends.append(UInt32(truncatingIfNeeded: range.upperBound))
            }
        }
        return (starts, ends)
    }

    private func located(_ ref: CorpusDocumentRef, fast: any CorpusTokenIDs) throws -> LocatedText {
        lock.lock()
        if let located = texts[ref] {
            lock.unlock()
            return located
        }
        lock.unlock()
        let text = try fast.documentText(ref)
        let (starts, ends) = Self.tokenOffsets(text, tokenizer: Tokenizer(options: corpus.tokenizerOptions))
        let located = LocatedText(text: text, starts: starts, ends: ends)
        lock.lock(); defer { lock.unlock() }
        misses += 1
        if texts.updateValue(located, forKey: ref) == nil {
            textOrder.append(ref)
            cachedTextBytes += text.count + 8 * starts.count
            // Evicted oldest-first past about `capacityTokens` × 12 bytes (a token is ~4 bytes of text + 8 of offsets).
            while cachedTextBytes > capacityTokens * 12, textOrder.count > 1 {
                let evicted = textOrder.removeFirst()
                if let old = texts.removeValue(forKey: evicted) { cachedTextBytes -= old.text.count + 8 * old.starts.count }
            }
        }
        return located
    }

    /// The document, from the cache or fetched from the corpus. Throws what the corpus throws (a corrupt store).
    public func document(_ ref: CorpusDocumentRef) throws -> CachedDocument {
        lock.lock()
        if let cached = documents[ref] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let (text, tokens) = try corpus.documentTokens(ref)
        let info = try corpus.documentInfo(ref)
        let document = CachedDocument(ref: ref, text: text, tokens: tokens, info: info)
        lock.lock(); defer { lock.unlock() }
        misses += 1
        if documents.updateValue(document, forKey: ref) == nil {
            order.append(ref)
            cachedTokens += tokens.count
            while cachedTokens > capacityTokens && orderStart < order.count - 1 {
                if let evicted = documents.removeValue(forKey: order[orderStart]) { cachedTokens -= evicted.tokens.count }
                orderStart += 1
            }
            if orderStart > 4096 && orderStart * 2 > order.count {
                order.removeFirst(orderStart)
                orderStart = 0
            }
        }
        return document
    }
}
