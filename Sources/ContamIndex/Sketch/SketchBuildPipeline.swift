import Dispatch
import ContamStorage
import ContamText

/// The streaming core of `contam index --sketch-only`: documents go in, their n-grams end up in the
/// filter, on two threads. The reading thread (zstd, JSON) gathers documents into batches of about
/// 256 KiB of text and hands each batch to a serial queue. The queue's thread owns the filter and inserts
/// the n-gram hashes (prefetched Bloom inserts, the largest single cost). Tokenizing a batch (tokenizer,
/// token hash and, with one n-gram size, rolling the n-gram hashes in place) goes to whichever thread is
/// free: when the queue has nothing waiting, it gets the raw text; otherwise the reading thread tokenizes
/// the batch itself and queues hashes. So the two cores stay busy whatever the input's mix of reading and
/// tokenizing costs.
///
/// A fixed ring of batches bounds the memory (text, plus up to 8 bytes of token hash per text byte) and
/// makes the reader wait when the queue falls behind. Only the queue's thread writes the filter, so no
/// bit is lost to a race, and the filter is bit-identical to a one-thread build (OR commutes; no n-gram
/// crosses a document).
final class SketchBuildPipeline: @unchecked Sendable {
    /// Which thread tokenizes a batch. Builds use `.whicheverIsFree`; tests pin the others so both paths
    /// are checked whatever the timing.
    enum Tokenizing { case whicheverIsFree, readingThread, queue }

    /// Text gathered before a hand-off (tests use tiny batches to cross every boundary).
    let batchTextBytes: Int
    let tokenizing: Tokenizing
    /// Batches in the ring: enough that neither thread waits on the other's slow stretches (a run of
    /// code, one long document). 658 MB corpus: 3 batches 5.35 s, 6 batches 5.12 s (+5 MB), 12 batches
    /// 5.09 s (+18 MB).
    static let batchCount = 6

    /// What the documents added so far contributed (documents and sources count only with a token).
    struct Totals {
        var documents = 0
        var tokens = 0
        var sourcesWithTokens = Set<Int>()

        mutating func add(_ other: Totals) {
            documents += other.documents
            tokens += other.tokens
            sourcesWithTokens.formUnion(other.sourcesWithTokens)
        }
    }

    /// Documents gathered for one hand-off.
    private final class Batch {
        var documents = DocumentTexts()
        /// Set once the batch is tokenized (by either thread). With one n-gram size, `tokenHashes[0..<ngramCount]`
        /// then hold its n-gram hashes, rolled in place as each document was tokenized; with several sizes,
        /// `tokenHashes[0..<tokenEnds.last]` hold its token hashes and `tokenEnds` each document's end in them.
        var tokenized = false
        var ngramCount = 0
        var tokenHashes: UnsafeMutablePointer<UInt64>
        var tokenCapacity: Int
        var tokenEnds: [Int] = []
        /// What a batch of the usual size needs; a batch that grew past twice this for one long document
        /// gives the memory back when it is reused.
        let usualTextBytes: Int
        let usualTokenCapacity: Int

        init(textBytes: Int) {
            usualTextBytes = textBytes
            usualTokenCapacity = Batch.tokenReservation(textBytes: textBytes)
            tokenCapacity = usualTokenCapacity
            tokenHashes = .allocate(capacity: tokenCapacity)
            documents.reserveCapacity(bytes: textBytes)
        }

        deinit { tokenHashes.deallocate() }

        /// Token hashes reserved for a batch of text: prose and code have about one token per 3 bytes (a
        /// batch above that would copy its hashes to grow); punctuation runs have one per byte (every scalar
        /// is at most one token) and grow the buffer.
        static func tokenReservation(textBytes: Int) -> Int { textBytes / 2 + 1024 }

        func reset() {
            if documents.byteCapacity > 2 * usualTextBytes {
                documents = DocumentTexts()
                documents.reserveCapacity(bytes: usualTextBytes)
            } else {
                documents.removeAll()
            }
            if tokenCapacity > 2 * usualTokenCapacity {
                tokenHashes.deallocate()
                tokenCapacity = usualTokenCapacity
                tokenHashes = .allocate(capacity: tokenCapacity)
            }
            tokenEnds.removeAll(keepingCapacity: true)
            tokenized = false
            ngramCount = 0
        }

        /// Room for at least `count` token hashes, keeping the first `kept`.
        func reserveTokens(_ count: Int, keeping kept: Int = 0) {
            if count <= tokenCapacity { return }
            let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
            grown.update(from: tokenHashes, count: kept)
            tokenHashes.deallocate()
            tokenHashes = grown
            tokenCapacity = count
        }
    }

    private let sketch: NGramSketch
    private let tokenizer: Tokenizer
    private let queue = DispatchQueue(label: "contam.sketch-build")
    /// Batches the reader may still fill before it must wait for the queue.
    private let freeBatches = DispatchSemaphore(value: SketchBuildPipeline.batchCount - 1)
    private let batches: [Batch]
    /// Batches queued whose work has not started: the reader tokenizes itself while this is non-zero.
    private let waiting = LockedBox(0)
    // Reading thread only.
    private var current = 0
    private var readerTotals = Totals()
    // Queue only; read by `finish()` after the queue has drained.
    private let ngramSizes: [Int]
    /// The n-gram size when there is one: batches are then rolled where they are tokenized, so the thread
    /// that owns the filter only inserts.
    private let rolledSize: Int?
    private let inserter: NGramSketch.BatchInserter
    private var queueTotals = Totals()

    init(sketch: NGramSketch, tokenizer: Tokenizer, batchTextBytes: Int = 256 << 10, tokenizing: Tokenizing = .whicheverIsFree) {
        self.sketch = sketch
        self.tokenizing = tokenizing
        self.tokenizer = tokenizer
        self.batchTextBytes = batchTextBytes
        batches = (0..<Self.batchCount).map { _ in Batch(textBytes: batchTextBytes) }
        ngramSizes = sketch.parameters.ngramSizes
        rolledSize = ngramSizes.count == 1 ? ngramSizes[0] : nil
        inserter = NGramSketch.BatchInserter(sketch: sketch)
    }

    deinit {
        queue.sync {}  // never free a batch the queue may still read
    }

    /// Adds one document (reading thread).
    func add(document text: UnsafeRawBufferPointer, sourceIndex: Int) {
        let batch = batches[current]
        batch.documents.append(text, sourceIndex: sourceIndex)
        if batch.documents.byteCount >= batchTextBytes { handOff() }
    }

    /// Inserts what is left, waits for the queue and returns the totals: afterwards the sketch is complete.
    func finish() -> Totals {
        if !batches[current].documents.isEmpty { handOff() }
        queue.sync { inserter.flush() }
        var totals = readerTotals
        totals.add(queueTotals)
        return totals
    }

    /// Queues the current batch (tokenized here if the queue is busy) and moves to the next one, waiting
    /// until it is free.
    private func handOff() {
        let index = current
        let batch = batches[index]
        switch tokenizing {
        case .whicheverIsFree: if waiting.value > 0 { readerTotals.add(tokenize(batch)) }
        case .readingThread: readerTotals.add(tokenize(batch))
        case .queue: break
        }
        waiting.update { $0 += 1 }
        queue.async { [self] in
            let batch = batches[index]
            waiting.update { $0 -= 1 }
            if !batch.tokenized { queueTotals.add(tokenize(batch)) }
            if rolledSize != nil {
                sketch.insert(hashes: batch.tokenHashes, count: batch.ngramCount)
            } else {
                insertNGrams(of: batch)
            }
            freeBatches.signal()
        }
        freeBatches.wait()
        current = (current + 1) % Self.batchCount
        batches[current].reset()
    }

    /// Fills the batch's token hashes (on whichever thread runs it) and returns what it counted.
    private func tokenize(_ batch: Batch) -> Totals {
        batch.reserveTokens(Batch.tokenReservation(textBytes: batch.documents.byteCount))
        var hashes = batch.tokenHashes
        var capacity = batch.tokenCapacity
        var count = 0
        var totals = Totals()
        batch.documents.forEach { _, text, sourceIndex in
            let start = count
            tokenizer.forEachTokenHash(in: text) { hash, _ in
                if count == capacity {
                    batch.reserveTokens(capacity + capacity / 2, keeping: count)
                    hashes = batch.tokenHashes
                    capacity = batch.tokenCapacity
                }
                // Invariant: count < capacity.
                hashes[count] = hash
                count &+= 1
            }
            let tokens = count - start
            if let n = rolledSize {
                // The document's token hashes become its n-gram hashes, in place; the next document follows them.
                count = start + NGramHash.rollInPlace(hashes + start, count: tokens, n: n)
            } else {
                batch.tokenEnds.append(count)
            }
            totals.record(tokens: tokens, sourceIndex: sourceIndex)
        }
        batch.ngramCount = count
        batch.tokenized = true
        return totals
    }

    /// Queue: inserts the n-grams of a batch tokenized with several n-gram sizes, document by document.
    private func insertNGrams(of batch: Batch) {
        var start = 0
        for end in batch.tokenEnds {
            let document = UnsafeBufferPointer(start: batch.tokenHashes + start, count: end - start)
            for n in ngramSizes { NGramHash.forEachNGram(of: document, n: n) { inserter.add($1) } }
            start = end
        }
    }
}

extension SketchBuildPipeline.Totals {
    mutating func record(tokens: Int, sourceIndex: Int) {
        guard tokens > 0 else { return }
        documents += 1
        self.tokens += tokens
        sourcesWithTokens.insert(sourceIndex)
    }
}
