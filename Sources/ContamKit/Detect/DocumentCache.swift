import Foundation

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
