/// Interns normalized tokens into dense ids (1, 2, 3, … in first-seen order; 0 is the document
/// separator) while a shard is built. An open-addressing table of UInt32 slots over a byte arena:
/// no `String` or allocation per token, ~20 bytes per distinct token plus its bytes.
public final class VocabularyBuilder {
    /// Bytes of all distinct tokens, back to back.
    private(set) var arena: [UInt8] = []
    /// `offsets[id]` ..< `offsets[id + 1]` is token `id`'s bytes in `arena` (ids start at 1; offsets[0] = offsets[1] = 0).
    private(set) var offsets: [UInt64] = [0, 0]
    /// `hashes[id]` is token `id`'s TokenHash (hashes[0] unused).
    private(set) var hashes: [UInt64] = [0]
    /// Slot -> id (0 = empty). Power-of-two size, kept at most half full.
    private var slots: [UInt32]
    private var slotMask: Int

    /// Number of distinct tokens so far.
    public var count: Int { hashes.count - 1 }

    public init(expectedDistinct: Int = 1 << 16) {
        var size = 1024
        while size < expectedDistinct * 2 { size <<= 1 }
        slots = [UInt32](repeating: 0, count: size)
        slotMask = size - 1
        arena.reserveCapacity(expectedDistinct * 8)
    }

    /// The id of the token whose normalized bytes are `bytes`, adding it if new. Amortized O(length).
    @inline(__always)
    public func id(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let hash = TokenHash.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let existing = slots[slot]
            if existing == 0 { break }
            if hashes[Int(existing)] == hash && equals(Int(existing), bytes) { return existing }
            slot = (slot &+ 1) & slotMask
        }
        let newID = UInt32(hashes.count)
        hashes.append(hash)
        arena.append(contentsOf: bytes)
        offsets.append(UInt64(arena.count))
        slots[slot] = newID
        if hashes.count * 2 > slots.count { grow() }
        return newID
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[id])
        let end = Int(offsets[id + 1])
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBytes { raw in
            bytes.count == 0 || memcmp(raw.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private func grow() {
        let size = slots.count * 2
        slots = [UInt32](repeating: 0, count: size)
        slotMask = size - 1
        for id in 1..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = UInt32(id)
        }
    }

    /// The bytes of token `id` (for tests and messages).
    public func bytes(of id: UInt32) -> [UInt8] {
        Array(arena[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])])
    }

    /// Writes `vocab.bin`: ids sorted by hash (for binary-search lookup), the per-id offsets and the byte arena.
    ///
    /// Payload layout (little-endian): `sortedHashes[V]` u64, `sortedIDs[V]` u32 (padded to 8 bytes),
    /// `offsets[V + 2]` u64 (indexed by id), arena bytes. Header count = V, parameter = TokenHash.version.
    public func write(to path: String) throws {
        let distinct = count
        var order = Array(1...max(distinct, 1)).map { UInt32($0) }
        if distinct == 0 { order = [] }
        order.sort { hashes[Int($0)] < hashes[Int($1)] }
        let writer = try BinaryFileWriter(path: path, header: BinaryFileHeader(kind: "VOCB", elementBits: 32, count: UInt64(distinct), parameter: TokenHash.version))
        try writer.append(integers: order.map { hashes[Int($0)] })
        var ids = order
        if ids.count % 2 == 1 { ids.append(0) }
        try writer.append(integers: ids)
        try writer.append(integers: offsets)
        try writer.append(arena)
        try writer.finish()
    }
}

#if canImport(Glibc)
import Glibc
#endif
