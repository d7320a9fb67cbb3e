import Foundation

/// Writes a document store (a shard's `store.zst.bin`): all documents' raw text as one byte stream cut into
/// independent zstd frames of ~256 KiB, so one document is read back by decompressing only the frames
/// it spans. Frames are compressed on a background queue (the second core) while the caller goes on.
///
/// Payload layout: the frames back to back, then a table of `frameCount + 1` entries
/// (`compressedOffset` u64, `uncompressedOffset` u64) — the last entry holds the totals — then
/// `frameCount` as u64. Header count = total uncompressed bytes, parameter = frameCount; its kind is the
/// caller's (the index layout names its files and kinds, `ShardFile` in ContamIndex).
// @unchecked Sendable: the frame table, the file writer and the compressor are touched only on `queue`
// (until `finish`, which drains it first); the caller thread owns `pending` and `byteCount`.
public final class ZstdBlockStoreWriter: @unchecked Sendable {
    /// Uncompressed bytes per frame unless told otherwise. A passage shown from the store decompresses the one
    /// or two frames around it, so the frame size is the cost of every located hit: 16 KiB decompresses in about
    /// 15 us, at 0.323 bytes a byte of text against 0.273 for 256 KiB frames (bench-small, zstd level 3;
    /// BENCHMARKS.md, issue 17). Readers take any frame size the frame table describes.
    public static let defaultFrameBytes = 16 * 1024
    /// The header's element width: the count is of (uncompressed) bytes.
    public static let elementBits: UInt32 = 8

    private let writer: BinaryFileWriter
    private let frameBytes: Int
    private var pending: [UInt8] = []
    private var table: [(compressed: UInt64, uncompressed: UInt64)] = []
    private var compressedBytes: UInt64 = 0
    private var uncompressedBytes: UInt64 = 0
    private let queue = DispatchQueue(label: "contam.store.compress")
    private let compressor: ZstdCompressor
    private var backgroundError: Error?
    private let errorLock = NSLock()
    private let inFlight = DispatchSemaphore(value: 4)

    /// Total uncompressed bytes appended so far.
    public private(set) var byteCount: UInt64 = 0

    /// Creates `path` as a store whose header has kind `kind`; frames of `frameBytes`, zstd level `level`.
    public init(path: String, kind: String, frameBytes: Int = ZstdBlockStoreWriter.defaultFrameBytes, level: Int32 = 3) throws {
        writer = try BinaryFileWriter(path: path, header: BinaryFileHeader(kind: kind, elementBits: Self.elementBits, count: 0))
        self.frameBytes = frameBytes
        compressor = ZstdCompressor(level: level)
        pending.reserveCapacity(frameBytes)
    }

    /// Appends one document's bytes; returns its offset in the uncompressed stream.
    @discardableResult
    public func append(_ bytes: UnsafeRawBufferPointer) throws -> UInt64 {
        try rethrowBackgroundError()
        let offset = byteCount
        byteCount += UInt64(bytes.count)
        var remaining = bytes
        while !remaining.isEmpty {
            let take = min(frameBytes - pending.count, remaining.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: remaining[..<take]))
            remaining = UnsafeRawBufferPointer(rebasing: remaining[take...])
            if pending.count == frameBytes { submitFrame() }
        }
        return offset
    }

    /// Appends a byte array.
    @discardableResult
    public func append(_ bytes: [UInt8]) throws -> UInt64 {
        try bytes.withUnsafeBytes { try append($0) }
    }

    private func submitFrame() {
        let frame = pending
        pending.removeAll(keepingCapacity: true)
        inFlight.wait()
        queue.async { [self] in
            defer { inFlight.signal() }
            do {
                let compressed = try frame.withUnsafeBytes { try compressor.compress($0) }
                table.append((compressedBytes, uncompressedBytes))
                try writer.append(compressed)
                compressedBytes += UInt64(compressed.count)
                uncompressedBytes += UInt64(frame.count)
            } catch {
                errorLock.lock(); if backgroundError == nil { backgroundError = error }; errorLock.unlock()
            }
        }
    }

    private func rethrowBackgroundError() throws {
        errorLock.lock(); defer { errorLock.unlock() }
        if let backgroundError { throw backgroundError }
    }

    /// Compresses the last frame, writes the frame table and the header, and closes the file.
    public func finish() throws {
        if !pending.isEmpty { submitFrame() }
        queue.sync {}
        try rethrowBackgroundError()
        var entries = [UInt64]()
        entries.reserveCapacity(table.count * 2 + 3)
        for entry in table { entries.append(entry.compressed); entries.append(entry.uncompressed) }
        entries.append(compressedBytes)
        entries.append(uncompressedBytes)
        entries.append(UInt64(table.count))
        try writer.append(integers: entries)
        try writer.finish(count: uncompressedBytes, parameter: UInt64(table.count))
    }
}

/// Reads documents back from a store `ZstdBlockStoreWriter` wrote (mmap'd). Reading a byte range decompresses only the
/// frames it spans (16 KiB each by default: ~15 us; stores of older builds have 256 KiB frames). Short reads (a
/// passage around a hit, `cachedReadBytes` or less) go through a cache of decompressed frames shared by all
/// callers (`cacheBytes` in all), so hits near each other and repeated queries decompress a frame once.
/// Thread-safe: the cache and the decoders it keeps are behind a lock; decompression runs outside it.
///
/// `table` and `frames` point into `file`'s mapping; they are private and `file` is a stored `let`, so
/// they are valid for as long as this object exists (what makes every read below safe).
public final class ZstdBlockStoreReader: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a `let` over a read-only mapping.

    /// The opened store file.
    public let file: BinaryFile
    private let frameCount: Int
    private let table: UnsafeRawBufferPointer
    private let frames: UnsafeRawBufferPointer
    /// Total uncompressed bytes.
    public let byteCount: UInt64
    /// Reads of at most this many bytes go through the frame cache; longer ones (a whole large document)
    /// decompress into the result directly and leave the cache as it was.
    public static let cachedReadBytes = 64 * 1024
    /// The most decompressed bytes the frame cache holds.
    public static let cacheBytes = 4 << 20
    private let cache = LockedBox(FrameCache())

    /// Opens `path` (whose header must have kind `kind`) and checks its frame table (O(frames), no frame is
    /// read): it fits the payload, starts at 0, grows strictly in both columns (no frame is empty) and ends at
    /// the frames' size and the header's byte count. After it, every frame range a read takes lies inside the
    /// file. Throws `StorageError.corruptHeader` naming the file.
    public init(path: String, kind: String) throws {
        file = try BinaryFile(path: path, kind: kind)
        // Kept past the closure in the private buffers: `file` keeps the mapping for self's lifetime.
        let payload = file.payload.withUnsafeBytes { $0 }
        // Each frame takes 16 bytes of table, so a count above payload / 16 cannot fit (and cannot overflow below).
        guard let frames = Int(exactly: file.header.parameter), frames <= payload.count / 16 else {
            throw StorageError.corruptHeader(path: path, detail: "\(file.header.parameter) frames in a \(payload.count)-byte payload")
        }
        frameCount = frames
        // BinaryFile checked that the header's count fits an Int.
        byteCount = file.header.count
        let tableBytes = (frameCount + 1) * 16 + 8
        guard payload.count >= tableBytes else {
            throw StorageError.corruptHeader(path: path, detail: "frame table does not fit")
        }
        let tableStart = payload.count - tableBytes
        table = UnsafeRawBufferPointer(rebasing: payload[tableStart..<(payload.count - 8)])
        self.frames = UnsafeRawBufferPointer(rebasing: payload[..<tableStart])
        let storedCount = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: payload.count - 8, as: UInt64.self))
        guard storedCount == UInt64(frameCount), entry(frameCount).compressed == UInt64(self.frames.count), entry(frameCount).uncompressed == byteCount else {
            throw StorageError.corruptHeader(path: path, detail: "frame table totals do not match the file")
        }
        guard entry(0) == (0, 0) else {
            throw StorageError.corruptHeader(path: path, detail: "the frame table does not start at 0")
        }
        for frame in 0..<frameCount {
            let (start, next) = (entry(frame), entry(frame + 1))
            guard next.compressed > start.compressed, next.uncompressed > start.uncompressed else {
                throw StorageError.corruptHeader(path: path, detail: "frame \(frame) spans \(start.compressed)..<\(next.compressed) compressed, \(start.uncompressed)..<\(next.uncompressed) uncompressed bytes")
            }
        }
    }

    /// Frame table entry `index` (0...frameCount; the last one holds the totals).
    private func entry(_ index: Int) -> (compressed: UInt64, uncompressed: UInt64) {
        assert(index >= 0 && index <= frameCount, "ZstdBlockStoreReader: no frame table entry \(index) of \(frameCount + 1)")
        return (UInt64(littleEndian: table.loadUnaligned(fromByteOffset: index * 16, as: UInt64.self)),
         UInt64(littleEndian: table.loadUnaligned(fromByteOffset: index * 16 + 8, as: UInt64.self)))
    }

    /// The bytes at `offset ..< offset + length` of the uncompressed stream. Throws `StorageError` naming the file
    /// when the range lies outside the store or a frame does not decompress to its size.
    public func bytes(offset: UInt64, length: Int) throws -> [UInt8] {
        guard length > 0 else { return [] }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(length))
        guard !overflow, end <= byteCount else {
            throw StorageError.corruptHeader(path: file.path, detail: "document range \(offset)+\(length) beyond the store's \(byteCount) bytes")
        }
        // First frame whose uncompressed start is <= offset.
        var low = 0
        var high = frameCount - 1
        while low < high {
            let mid = (low + high + 1) >> 1
            if entry(mid).uncompressed <= offset { low = mid } else { high = mid - 1 }
        }
        let cached = length <= Self.cachedReadBytes
        var result = [UInt8]()
        result.reserveCapacity(length)
        var decoder: ZstdDecompressor?
        var frame = low
        while UInt64(result.count) < UInt64(length) && frame < frameCount {
            let uStart = entry(frame).uncompressed, uEnd = entry(frame + 1).uncompressed
            // Opening proved the table strictly increasing and within the frames and the byte count, so these
            // conversions and ranges hold.
            let from = Int(max(offset, uStart) - uStart)
            let to = Int(min(end, uEnd) - uStart)
            if cached {
                let plain = try cachedFrame(frame)
                result.append(contentsOf: plain[from..<to])
            } else {
                if decoder == nil { decoder = ZstdDecompressor() }
                let plain = try decompressFrame(frame, decoder: decoder!)
                result.append(contentsOf: plain[from..<to])
            }
            frame += 1
        }
        return result
    }

    /// Frame `frame` decompressed, from the cache or decompressed now (outside the lock) and cached.
    private func cachedFrame(_ frame: Int) throws -> [UInt8] {
        let (hit, spare) = cache.update { cache -> ([UInt8]?, ZstdDecompressor?) in
            if let hit = cache.frame(frame) { return (hit, nil) }
            return (nil, cache.decoders.popLast())
        }
        if let hit { return hit }
        let decoder = spare ?? ZstdDecompressor()
        let plain = try decompressFrame(frame, decoder: decoder)
        cache.update { cache in
            cache.insert(frame, plain, limit: Self.cacheBytes)
            if cache.decoders.count < 2 { cache.decoders.append(decoder) }
        }
        return plain
    }

    /// Decompresses frame `frame` (0..<frameCount); the decoder throws when it does not decompress to its size.
    private func decompressFrame(_ frame: Int, decoder: ZstdDecompressor) throws -> [UInt8] {
        let (cStart, uStart) = entry(frame)
        let (cEnd, uEnd) = entry(frame + 1)
        var plain = [UInt8](repeating: 0, count: Int(uEnd - uStart))
        try plain.withUnsafeMutableBytes { out in
            try decoder.decompress(UnsafeRawBufferPointer(rebasing: frames[Int(cStart)..<Int(cEnd)]), into: out, path: file.path)
        }
        return plain
    }

    /// Empties the frame cache (the next reads decompress again: for benchmarks of a first query).
    public func dropCachedFrames() {
        cache.update { $0 = FrameCache() }
    }
}

/// Decompressed frames by number, the least recently used dropped first once over a byte limit, and idle decoders.
struct FrameCache {
    private var entries: [Int: (bytes: [UInt8], lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0
    private var byteCount = 0
    var decoders: [ZstdDecompressor] = []

    mutating func frame(_ frame: Int) -> [UInt8]? {
        guard let entry = entries[frame] else { return nil }
        clock &+= 1
        entries[frame] = (entry.bytes, clock)
        return entry.bytes
    }

    mutating func insert(_ frame: Int, _ bytes: [UInt8], limit: Int) {
        guard entries[frame] == nil, bytes.count <= limit else { return }
        while byteCount + bytes.count > limit, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            byteCount -= oldest.value.bytes.count
            entries[oldest.key] = nil
        }
        clock &+= 1
        entries[frame] = (bytes, clock)
        byteCount += bytes.count
    }
}
