/// A shard's vocabulary, mmap'd from `vocab.bin` (see `VocabularyBuilder.write`): maps a normalized
/// token to its shard-local id by binary search over sorted hashes, O(log V), no allocation.
public final class Vocabulary: @unchecked Sendable {
    private let file: BinaryFile
    public let count: Int
    private let sortedHashes: UnsafeBufferPointer<UInt64>
    private let sortedIDs: UnsafeBufferPointer<UInt32>
    private let offsets: UnsafeBufferPointer<UInt64>
    private let arena: UnsafeRawBufferPointer

    /// Opens and validates `vocab.bin` (sizes of every section are checked against the header).
    public init(path: String) throws {
        file = try BinaryFile(path: path, kind: "VOCB")
        guard file.header.parameter == TokenHash.version else {
            throw StorageError.corruptHeader(path: path, detail: "token hash version \(file.header.parameter), expected \(TokenHash.version)")
        }
        let distinct = Int(file.header.count)
        count = distinct
        let hashesBytes = distinct * 8
        let idsBytes = ((distinct + 1) / 2) * 8
        let offsetsBytes = (distinct + 2) * 8
        let payload = file.payload
        guard payload.count >= hashesBytes + idsBytes + offsetsBytes else {
            throw StorageError.corruptHeader(path: path, detail: "payload too small for \(distinct) tokens")
        }
        // The payload starts 64 bytes into a page-aligned mapping, so these sections are 8-byte aligned.
        let base = payload.baseAddress!
        sortedHashes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt64.self), count: distinct)
        sortedIDs = UnsafeBufferPointer(start: (base + hashesBytes).assumingMemoryBound(to: UInt32.self), count: distinct)
        offsets = UnsafeBufferPointer(start: (base + hashesBytes + idsBytes).assumingMemoryBound(to: UInt64.self), count: distinct + 2)
        arena = UnsafeRawBufferPointer(rebasing: payload[(hashesBytes + idsBytes + offsetsBytes)...])
        guard Int(offsets[distinct + 1]) == arena.count else {
            throw StorageError.corruptHeader(path: path, detail: "string pool size mismatch")
        }
    }

    public var path: String { file.path }
    public var binaryFile: BinaryFile { file }

    /// The id of a normalized token, or nil when the shard never saw it.
    public func id(of bytes: UnsafeRawBufferPointer) -> UInt32? {
        let hash = TokenHash.hash(bytes)
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) >> 1
            if sortedHashes[mid] < hash { low = mid + 1 } else { high = mid }
        }
        while low < count && sortedHashes[low] == hash {
            let id = Int(sortedIDs[low])
            let start = Int(offsets[id])
            let end = Int(offsets[id + 1])
            if end - start == bytes.count && (bytes.count == 0 || memcmp(arena.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0) {
                return UInt32(id)
            }
            low += 1
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
        let start = Int(offsets[Int(id)])
        let end = Int(offsets[Int(id) + 1])
        return String(decoding: UnsafeRawBufferPointer(rebasing: arena[start..<end]), as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif
