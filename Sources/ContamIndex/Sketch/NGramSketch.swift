import Foundation
import ContamStorage

/// What fixes a sketch's bit layout and how it was sized; recorded in the file header's parameter block
/// and in the manifest. Two sketches combine (bitwise OR) only when `ngramSizes`, `blockCount`,
/// `hashFunctions`, `seed` and `hashVersion` are equal.
public struct NGramSketchParameters: Codable, Equatable, Sendable {
    /// The n of the n-grams inserted (one filter holds all of them; each n hashes differently).
    public var ngramSizes: [Int]
    public var blockCount: Int
    public var hashFunctions: Int
    public var seed: UInt64
    public var hashVersion: UInt64 = NGramHash.version
    /// The n-gram count the filter was sized for, and the false-positive rate aimed at.
    public var expectedNGrams: Int
    public var targetFalsePositiveRate: Double

    /// Sizes a filter for `expectedNGrams` n-grams at `targetFalsePositiveRate`.
    public init(ngramSizes: [Int], expectedNGrams: Int, targetFalsePositiveRate: Double, seed: UInt64 = NGramSketchParameters.defaultSeed) {
        let sizing = BloomFilter.sizing(keys: expectedNGrams, targetRate: targetFalsePositiveRate)
        self.ngramSizes = ngramSizes
        blockCount = sizing.blockCount
        hashFunctions = sizing.hashFunctions
        self.seed = seed
        self.expectedNGrams = expectedNGrams
        self.targetFalsePositiveRate = targetFalsePositiveRate
    }

    public static let defaultSeed: UInt64 = 0x636F_6E74_616D_0001

    /// Why `other` cannot be OR'd into a sketch with these parameters, or nil when it can.
    public func mismatch(with other: NGramSketchParameters) -> String? {
        var differences: [String] = []
        if ngramSizes != other.ngramSizes { differences.append("n-gram sizes \(ngramSizes) vs \(other.ngramSizes)") }
        if blockCount != other.blockCount { differences.append("\(blockCount * 512) vs \(other.blockCount * 512) bits") }
        if hashFunctions != other.hashFunctions { differences.append("\(hashFunctions) vs \(other.hashFunctions) hash functions") }
        if seed != other.seed { differences.append("seed \(seed) vs \(other.seed)") }
        if hashVersion != other.hashVersion { differences.append("hash version \(hashVersion) vs \(other.hashVersion)") }
        return differences.isEmpty ? nil : differences.joined(separator: ", ")
    }
}

/// A Bloom filter of the hashed token n-grams of a corpus (README.md, "The n-gram sketch"): "has this n-gram been seen?"
/// in O(n) with no suffix array, no vocabulary and no document store; false positives at a known rate,
/// never a false negative.
///
/// File `ShardFile.sketch` ("sketch.bloom"): a `BinaryFileHeader` of its kind (elementBits 512 = bits per block, count =
/// blocks, parameter = `NGramHash.version`), then a 64-byte parameter block of little-endian u64:
/// hash functions, seed, n-gram sizes as a bit mask (bit n-1 for n), expected n-grams, target rate
/// (Double bits), n-grams inserted, block bits, zero; then the blocks, 64 bytes each (the payload
/// starts at file offset 128, so a mapping keeps blocks cache-line aligned).
public final class NGramSketch: @unchecked Sendable {
    /// The sketch's file name in a shard directory (`ShardFile.sketch.fileName`).
    public static let fileName = ShardFile.sketch.fileName
    /// The sketch file's header kind (`ShardFile.sketch.kind`).
    public static let fileKind = ShardFile.sketch.kind
    static let parameterBlockBytes = 64

    public let parameters: NGramSketchParameters
    public let filter: BloomFilter
    /// N-gram occurrences inserted (duplicates counted each time), over all sizes.
    public internal(set) var insertedNGrams: Int
    /// The file it was read from, if any.
    public let path: String?
    private let file: BinaryFile?

    /// An empty sketch with these parameters.
    public init(parameters: NGramSketchParameters) throws {
        self.parameters = parameters
        filter = try BloomFilter(blockCount: parameters.blockCount, hashFunctions: parameters.hashFunctions, seed: parameters.seed)
        insertedNGrams = 0
        path = nil
        file = nil
    }

    /// Opens `path` read-only (mmap); checks the header, the parameter block and the size (not the checksum).
    public init(path: String) throws {
        let file = try BinaryFile(path: path, kind: Self.fileKind)
        let header = file.header
        guard header.parameter == NGramHash.version else {
            throw StorageError.corruptHeader(path: path, detail: "n-gram hash version \(header.parameter), but this contam uses version \(NGramHash.version); rebuild the sketch")
        }
        guard header.elementBits == UInt32(BloomFilter.blockBits), header.count >= 1, header.count < UInt64(Int.max / 64),
              file.payload.count == Self.parameterBlockBytes + Int(header.count) * 64 else {
            throw StorageError.corruptHeader(path: path, detail: "\(header.count) blocks of \(header.elementBits) bits in \(file.payload.count) bytes")
        }
        let payload = file.payload
        func field(_ i: Int) -> UInt64 { UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        let k = Int(truncatingIfNeeded: field(0)), mask = field(2)
        let sizes = (1...NGramHash.maximumN).filter { mask & (1 << UInt64($0 - 1)) != 0 }
        guard k >= 1, k <= 32, !sizes.isEmpty, field(6) == UInt64(BloomFilter.blockBits), field(3) < UInt64(Int.max), field(5) < UInt64(Int.max) else {
            throw StorageError.corruptHeader(path: path, detail: "sketch parameters: \(k) hash functions, n-gram size mask \(mask), block bits \(field(6))")
        }
        var parameters = NGramSketchParameters(ngramSizes: sizes, expectedNGrams: 1, targetFalsePositiveRate: 0.5)
        parameters.blockCount = Int(header.count)
        parameters.hashFunctions = k
        parameters.seed = field(1)
        parameters.expectedNGrams = Int(field(3))
        parameters.targetFalsePositiveRate = Double(bitPattern: field(4))
        self.parameters = parameters
        insertedNGrams = Int(field(5))
        // Kept past the closure by the filter, which holds `file` (and so the mapping) as its owner.
        guard let bits = payload.withUnsafeBytes({ $0.baseAddress }).map({ $0 + Self.parameterBlockBytes }), Int(bitPattern: bits) % 8 == 0 else {
            throw StorageError.corruptHeader(path: path, detail: "misaligned mapping")
        }
        filter = BloomFilter(mapping: bits, blockCount: parameters.blockCount, hashFunctions: k, seed: parameters.seed, owner: file)
        self.path = path
        self.file = file
    }

    /// The opened file (nil for a sketch built in memory).
    public var binaryFile: BinaryFile? { file }

    /// Reads the whole file and compares its checksum (for `verify`).
    public func verifyChecksum() throws {
        try file?.verifyChecksum()
    }

    /// Writes the sketch to `path` (header, parameter block, blocks; fsync'd).
    public func write(to path: String) throws {
        let writer = try BinaryFileWriter(path: path, header: ShardFile.sketch.header(count: UInt64(parameters.blockCount), parameter: NGramHash.version))
        var mask: UInt64 = 0
        for n in parameters.ngramSizes { mask |= 1 << UInt64(n - 1) }
        let block: [UInt64] = [UInt64(parameters.hashFunctions), parameters.seed, mask, UInt64(parameters.expectedNGrams),
                               parameters.targetFalsePositiveRate.bitPattern, UInt64(insertedNGrams), UInt64(BloomFilter.blockBits), 0]
        try writer.append(integers: block)
        #if _endian(big)
        #error("sketch blocks are written in host order; add a byte swap for big-endian hosts")
        #endif
        // Written straight from the filter's memory (no copy through the writer's buffer).
        try filter.withUnsafeBytes { try writer.appendHashingConcurrently($0) }
        try writer.finish()
    }

    // MARK: Building

    /// Inserts every n-gram (of every configured size) of one document given as token hashes.
    public func insert(documentTokenHashes hashes: [UInt64]) {
        let inserter = BatchInserter(sketch: self)
        hashes.withUnsafeBufferPointer { document in
            for n in parameters.ngramSizes { NGramHash.forEachNGram(of: document, n: n) { inserter.add($1) } }
        }
        inserter.flush()
    }

    /// Inserts `count` n-gram hashes, 256 at a time (`BloomFilter.insert(batch:count:)`), and counts them.
    func insert(hashes: UnsafePointer<UInt64>, count: Int) {
        var done = 0
        while done < count {
            let batch = min(BatchInserter.capacity, count - done)
            filter.insert(batch: hashes + done, count: batch)
            done += batch
        }
        insertedNGrams += count
    }

    /// Collects n-gram hashes and inserts them 256 at a time (`BloomFilter.insert(batch:count:)`), counting
    /// them. Call `flush()` at the end. (Tried and dropped: prefetching each hash on arrival and setting
    /// bits a batch later, and splitting a batch's two passes across batches; both cost 10 % more CPU.)
    final class BatchInserter {
        static let capacity = BloomFilter.maximumBatch
        let sketch: NGramSketch
        private let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: BatchInserter.capacity)
        /// Hashes in `buffer`, in pointer storage so the per-hash path has no exclusivity check.
        private let count = UnsafeMutablePointer<Int>.allocate(capacity: 1)

        init(sketch: NGramSketch) {
            self.sketch = sketch
            count.initialize(to: 0)
        }

        deinit {
            buffer.deallocate()
            count.deallocate()
        }

        /// Queues `hash`, inserting the batch once it is full.
        @inline(__always)
        func add(_ hash: UInt64) {
            // Safe: n < capacity, since the batch is flushed as soon as it holds `capacity` hashes.
            let n = count.pointee
            buffer[n] = hash
            count.pointee = n &+ 1
            if n &+ 1 == Self.capacity { flush() }
        }

        /// Inserts the queued hashes.
        func flush() {
            sketch.insert(hashes: buffer, count: count.pointee)
            count.pointee = 0
        }
    }

    /// ORs `other` into this (writable) sketch. Throws when the parameters differ.
    public func formUnion(_ other: NGramSketch, otherName: String) throws {
        if let mismatch = parameters.mismatch(with: other.parameters) {
            throw IndexError.incompatibleOptions(path: otherName, detail: "its sketch cannot be combined with the others (\(mismatch)); build every part with the same --sketch-n, --sketch-ngrams, --sketch-fpr and --sketch-seed")
        }
        filter.formUnion(other.filter)
        insertedNGrams += other.insertedNGrams
    }

    // MARK: Queries

    /// True when the n-gram with these normalized tokens may be in the corpus (its count must be one of
    /// `parameters.ngramSizes` for a meaningful answer; other sizes answer false).
    public func contains(tokens: some Collection<String>) -> Bool {
        guard parameters.ngramSizes.contains(tokens.count) else { return false }
        return filter.contains(NGramHash.hash(tokens: tokens))
    }

    /// True when the n-gram with these token hashes may be in the corpus.
    public func contains(tokenHashes: some Collection<UInt64>) -> Bool {
        guard parameters.ngramSizes.contains(tokenHashes.count) else { return false }
        return filter.contains(NGramHash.hash(tokenHashes: tokenHashes))
    }

    /// Bits per inserted n-gram occurrence.
    public var bitsPerNGram: Double { Double(filter.bitCount) / Double(max(insertedNGrams, 1)) }

    /// The number of distinct n-grams the fill suggests (the standard estimate, -m/k · ln(1 - fill)).
    public func estimatedDistinctNGrams(fill: Double) -> Int {
        guard fill < 1 else { return Int.max }
        return Int(-Double(filter.bitCount) / Double(parameters.hashFunctions) * log(1 - fill))
    }
}
