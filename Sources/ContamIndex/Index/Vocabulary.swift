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

    /// Opens and validates `vocab.bin`: the sizes of every section against the header, then the tables
    /// themselves (O(slots + pool bytes), no checksum pass): every slot holds 0 or an id in 1...count, each id
    /// in exactly one slot, and the string offsets start at 0, never decrease and end at the string pool's
    /// size, and each string hashes to its recorded hash. After that no lookup can read outside the file,
    /// whatever its bytes, and a damaged string or hash is refused. Throws `IndexError.damaged` naming the file.
    public init(path: String) throws {
        file = try BinaryFile(path: path, kind: ShardFile.vocabulary.kind)
        func damaged(_ detail: String) -> IndexError { .damagedShardFile(path, detail) }
        guard file.header.parameter == TokenHash.version else {
            throw damaged("token hash version \(file.header.parameter), expected \(TokenHash.version)")
        }
        // BinaryFile checked that the header's count fits an Int.
        let distinct = Int(file.header.count)
        count = distinct
        // Kept past the closure in the private buffers: `file` keeps the mapping for self's lifetime.
        let payload = file.payload.withUnsafeBytes { $0 }
        guard payload.count >= 8, let base = payload.baseAddress else { throw damaged("no slot table") }
        let storedSlotCount = UInt64(littleEndian: payload.loadUnaligned(as: UInt64.self))
        guard let slotCount = Int(exactly: storedSlotCount), slotCount > 0, slotCount & (slotCount - 1) == 0,
              slotCount > distinct, slotCount <= payload.count else {
            throw damaged("slot table of \(storedSlotCount) entries for \(distinct) tokens")
        }
        // Both below the payload's size (distinct < slotCount <= payload.count), so none of these overflows.
        let slotsBytes = ((slotCount + 1) / 2) * 8
        let hashesBytes = (distinct + 1) * 8
        let offsetsBytes = (distinct + 2) * 8
        let arenaStart = 8 + slotsBytes + hashesBytes + offsetsBytes
        guard payload.count >= arenaStart else {
            throw damaged("payload of \(payload.count) bytes too small for \(distinct) tokens")
        }
        // The payload starts 64 bytes into a page-aligned mapping and every section is a multiple of 8 bytes long,
        // so each section is 8-byte aligned.
        slots = UnsafeBufferPointer(start: (base + 8).assumingMemoryBound(to: UInt32.self), count: slotCount)
        slotMask = slotCount - 1
        hashes = UnsafeBufferPointer(start: (base + 8 + slotsBytes).assumingMemoryBound(to: UInt64.self), count: distinct + 1)
        offsets = UnsafeBufferPointer(start: (base + 8 + slotsBytes + hashesBytes).assumingMemoryBound(to: UInt64.self), count: distinct + 2)
        arena = UnsafeRawBufferPointer(rebasing: payload[arenaStart...])
        if let slot = slots.firstIndex(where: { Int($0) > distinct }) {
            throw damaged("slot \(slot) holds id \(slots[slot]), but there are \(distinct) tokens")
        }
        // offsets[0] = offsets[1] = 0 (id 0 is no token); token id's bytes are offsets[id] ..< offsets[id + 1].
        guard offsets[0] == 0, offsets[1] == 0 else { throw damaged("the string offsets do not start at 0") }
        for id in 1...(distinct + 1) where offsets[id] < offsets[id - 1] {
            throw damaged("the string offset of token \(id) is smaller than the one before")
        }
        guard offsets[distinct + 1] == UInt64(arena.count) else {
            throw damaged("the string offsets end at \(offsets[distinct + 1]), the string pool holds \(arena.count) bytes")
        }
        // Every id sits in exactly one slot (a flipped slot duplicates, drops or invents one), and every string
        // hashes to its recorded hash (a damaged string or hash would make lookups miss): O(slots + pool bytes).
        var seen = [Bool](repeating: false, count: distinct + 1)
        var occupied = 0
        for id in slots where id != 0 {
            guard !seen[Int(id)] else { throw damaged("token \(id) is in two slots") }
            seen[Int(id)] = true
            occupied += 1
        }
        guard occupied == distinct else { throw damaged("\(occupied) slots hold a token, for \(distinct) tokens") }
        for id in stride(from: 1, through: distinct, by: 1) {
            let start = Int(truncatingIfNeeded: offsets[id]), end = Int(truncatingIfNeeded: offsets[id + 1])
            guard TokenHash.hash(UnsafeRawBufferPointer(rebasing: arena[start..<end])) == hashes[id] else {
                throw damaged("the string of token \(id) does not match its hash")
            }
        }
    }

    /// The path of `vocab.bin`.
    public var path: String { file.path }
    /// The opened file (for `verify` and `stats`).
    public var binaryFile: BinaryFile { file }

    /// The id of a normalized token, or nil when the shard never saw it. Open addressing: usually one probe.
    public func id(of bytes: UnsafeRawBufferPointer) -> UInt32? {
        id(of: bytes, hash: TokenHash.hash(bytes))
    }

    /// `id(of:)` for bytes whose `TokenHash` the caller has (the same in every shard: hashed once for all).
    @inline(__always)
    public func id(of bytes: UnsafeRawBufferPointer, hash: UInt64) -> UInt32? {
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        // The table is at most half full, so an empty slot ends every probe sequence; a corrupt file with a
        // full table is caught by the probe limit.
        for _ in 0...slotMask {
            // Opening proved every slot holds 0 or an id <= count, and every offset lies in the arena.
            let id = Int(slots[slot])
            if id == 0 { return nil }
            if hashes[id] == hash {
                let start = Int(truncatingIfNeeded: offsets[id])
                let end = Int(truncatingIfNeeded: offsets[id + 1])
                if end - start == bytes.count && Self.equal(arena.baseAddress.unsafelyUnwrapped + start, bytes) {
                    return UInt32(id)
                }
            }
            slot = (slot + 1) & slotMask
        }
        return nil
    }

    /// Whether the `bytes.count` bytes at `stored` are `bytes`: most tokens are a few bytes long, where a loop
    /// is cheaper than a call to `memcmp` (which is 12 % of counting a long CJK phrase, one token a character).
    @inline(__always)
    private static func equal(_ stored: UnsafeRawPointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return true }
        if count > 16 { return memcmp(stored, base, count) == 0 }
        for i in 0..<count where stored.load(fromByteOffset: i, as: UInt8.self) != base.load(fromByteOffset: i, as: UInt8.self) { return false }
        return true
    }

    /// The id of a normalized token string, or nil.
    public func id(of token: String) -> UInt32? {
        var token = token
        return token.withUTF8 { id(of: UnsafeRawBufferPointer($0)) }
    }

    /// The token hash of `id` (`TokenHash` of its normalized text: the same in every shard), 0 for an id it does not have.
    public func hash(_ id: UInt32) -> UInt64 {
        guard id >= 1 && Int(id) <= count else { return 0 }
        return hashes[Int(id)]
    }

    /// The normalized text of token `id` (1...count; "" for any other id, such as one read from a damaged
    /// token array).
    public func token(_ id: UInt32) -> String {
        guard id >= 1 && Int(id) <= count else { return "" }
        // Opening proved the offsets non-decreasing and inside the arena.
        let start = Int(truncatingIfNeeded: offsets[Int(id)])
        let end = Int(truncatingIfNeeded: offsets[Int(id) + 1])
        return String(decoding: UnsafeRawBufferPointer(rebasing: arena[start..<end]), as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif
