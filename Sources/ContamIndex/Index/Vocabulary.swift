import ContamStorage
import ContamText

/// A shard's vocabulary, mmap'd from `vocab.bin` (see `VocabularyBuilder.write`): maps a normalized
/// token to its shard-local id through the build's open-addressing table, usually one probe, no allocation.
///
/// The raw buffers below point into `file`'s mapping; they are private and `file` is a stored `let`, so
/// they are valid for as long as this object exists (that is what makes every read below safe).
public final class Vocabulary: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a `let` over a read-only mapping.
    private let file: BinaryFile
    /// Number of distinct tokens (ids are 1...count).
    public let count: Int
    private let slots: UnsafeBufferPointer<UInt32>
    private let slotMask: Int
    private let hashes: UnsafeBufferPointer<UInt64>
    private let offsets: UnsafeBufferPointer<UInt64>
    private let arena: UnsafeRawBufferPointer

    /// Opens and validates `vocab.bin` (sizes of every section are checked against the header).
    public init(path: String) throws {
        file = try BinaryFile(path: path, kind: ShardFile.vocabulary.kind)
        guard file.header.parameter == TokenHash.version else {
            throw StorageError.corruptHeader(path: path, detail: "token hash version \(file.header.parameter), expected \(TokenHash.version)")
        }
        let distinct = Int(file.header.count)
        count = distinct
        // Kept past the closure in the private buffers: `file` keeps the mapping for self's lifetime.
        let payload = file.payload.withUnsafeBytes { $0 }
        guard payload.count >= 8 else { throw StorageError.corruptHeader(path: path, detail: "no slot table") }
        let slotCount = Int(UInt64(littleEndian: payload.loadUnaligned(as: UInt64.self)))
        guard slotCount > 0, slotCount & (slotCount - 1) == 0, slotCount > distinct, slotCount <= payload.count else {
            throw StorageError.corruptHeader(path: path, detail: "slot table of \(slotCount) entries for \(distinct) tokens")
        }
        let slotsBytes = ((slotCount + 1) / 2) * 8
        let hashesBytes = (distinct + 1) * 8
        let offsetsBytes = (distinct + 2) * 8
        guard payload.count >= 8 + slotsBytes + hashesBytes + offsetsBytes else {
            throw StorageError.corruptHeader(path: path, detail: "payload too small for \(distinct) tokens")
        }
        // The payload starts 64 bytes into a page-aligned mapping and every section is a multiple of 8 bytes long,
        // so each section is 8-byte aligned.
        let base = payload.baseAddress!
        slots = UnsafeBufferPointer(start: (base + 8).assumingMemoryBound(to: UInt32.self), count: slotCount)
        slotMask = slotCount - 1
        hashes = UnsafeBufferPointer(start: (base + 8 + slotsBytes).assumingMemoryBound(to: UInt64.self), count: distinct + 1)
        offsets = UnsafeBufferPointer(start: (base + 8 + slotsBytes + hashesBytes).assumingMemoryBound(to: UInt64.self), count: distinct + 2)
        arena = UnsafeRawBufferPointer(rebasing: payload[(8 + slotsBytes + hashesBytes + offsetsBytes)...])
        guard Int(offsets[distinct + 1]) == arena.count else {
            throw StorageError.corruptHeader(path: path, detail: "string pool size mismatch")
        }
    }

    /// The path of `vocab.bin`.
    public var path: String { file.path }
    /// The opened file (for `verify` and `stats`).
    public var binaryFile: BinaryFile { file }

    /// The id of a normalized token, or nil when the shard never saw it. Open addressing: usually one probe.
    public func id(of bytes: UnsafeRawBufferPointer) -> UInt32? {
        let hash = TokenHash.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        // The table is at most half full, so an empty slot ends every probe sequence; a corrupt file with a
        // full table is caught by the probe limit.
        for _ in 0...slotMask {
            let id = Int(slots[slot])
            if id == 0 || id > count { return nil }
            if hashes[id] == hash {
                let start = Int(offsets[id])
                let end = Int(offsets[id + 1])
                if end - start == bytes.count && end <= arena.count && start <= end
                    && (bytes.count == 0 || memcmp(arena.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0) {
                    return UInt32(id)
                }
            }
            slot = (slot + 1) & slotMask
        }
        return nil
    }

    /// The id of a normalized token string, or nil.
    public func id(of token: String) -> UInt32? {
        var token = token
        return token.withUTF8 { id(of: UnsafeRawBufferPointer($0)) }
    }

    /// The normalized text of token `id` (1...count).
    public func token(_ id: UInt32) -> String {
        assert(id >= 1 && Int(id) <= count, "Vocabulary: no token \(id) among \(count)")
        let start = Int(offsets[Int(id)])
        let end = Int(offsets[Int(id) + 1])
        return String(decoding: UnsafeRawBufferPointer(rebasing: arena[start..<end]), as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif
