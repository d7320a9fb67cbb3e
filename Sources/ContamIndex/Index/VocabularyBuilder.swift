#if canImport(Glibc)
import Glibc
#endif
import ContamStorage
import ContamText

/// Interns normalized tokens into dense ids (1, 2, 3, … in first-seen order; 0 is the document
/// separator) while a shard is built. An open-addressing table of UInt32 slots over a byte arena, all
/// in manually managed memory: no `String`, allocation or exclusivity check per token (the hot loop
/// works on an `InternTable` value through `withTable`), ~20 bytes per distinct token plus its bytes.
public final class VocabularyBuilder {
    private var table: InternTable

    public init(expectedDistinct: Int = 1 << 16) {
        table = InternTable(expectedDistinct: expectedDistinct)
    }

    deinit { table.deallocate() }

    /// Number of distinct tokens so far.
    public var count: Int { table.distinct }

    /// Gives `body` the table itself, so a loop over many tokens pays for one access, not one per token.
    public func withTable<R>(_ body: (inout InternTable) throws -> R) rethrows -> R {
        try body(&table)
    }

    /// The id of the token whose normalized bytes are `bytes`, adding it if new.
    public func id(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        table.id(of: bytes)
    }

    /// The bytes of token `id` (for tests and messages).
    public func bytes(of id: UInt32) -> [UInt8] {
        precondition(id >= 1 && Int(id) <= count, "VocabularyBuilder: no token \(id) among \(count)")
        // Safe: offsets[id] ... offsets[id + 1] lie within the arena's used bytes for every id in 1...distinct.
        let start = Int(table.offsets[Int(id)])
        let end = Int(table.offsets[Int(id) + 1])
        return Array(UnsafeBufferPointer(start: table.arena + start, count: end - start))
    }

    /// Writes `vocab.bin`: the interning table itself, so a query finds a token with the same one or two
    /// probes the build used (a binary search over sorted hashes cost ~19 cache misses a token).
    ///
    /// Payload layout (little-endian): `slotCount` u64 (a power of two), `slots[slotCount]` u32 (id, 0 =
    /// empty; padded to 8 bytes), `hashes[V + 1]` u64 (by id), `offsets[V + 2]` u64 (by id), arena bytes.
    /// Header count = V, parameter = TokenHash.version.
    public func write(to path: String) throws {
        let distinct = table.distinct
        // The build table starts large; write a table sized for the tokens seen (at most half full).
        var slotCount = 16
        while slotCount < distinct * 2 { slotCount <<= 1 }
        var slots = [UInt32](repeating: 0, count: slotCount)
        for id in stride(from: 1, through: distinct, by: 1) {
            var slot = Int(truncatingIfNeeded: table.hashes[id]) & (slotCount - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (slotCount - 1) }
            slots[slot] = UInt32(id)
        }
        let writer = try BinaryFileWriter(path: path, header: ShardFile.vocabulary.header(count: UInt64(distinct), parameter: TokenHash.version))
        try writer.append(integers: [UInt64(slotCount)])
        try writer.append(integers: slots)
        if slotCount % 2 == 1 { try writer.append([0, 0, 0, 0]) }
        // The table's arrays hold distinct + 1 hashes, distinct + 2 offsets and arenaCount bytes (InternTable's invariants).
        try writer.append(UnsafeRawBufferPointer(start: table.hashes, count: (distinct + 1) * 8))
        try writer.append(UnsafeRawBufferPointer(start: table.offsets, count: (distinct + 2) * 8))
        try writer.append(UnsafeRawBufferPointer(start: table.arena, count: table.arenaCount))
        try writer.finish()
    }
}

/// The interning table's storage: raw pointers the owner (`VocabularyBuilder`) allocates and frees.
public struct InternTable {
    /// Slot -> id (0 = empty). Power-of-two size, kept at most half full.
    @usableFromInline var slots: UnsafeMutablePointer<UInt32>
    @usableFromInline var slotMask: Int
    /// `hashes[id]` (hashes[0] unused); capacity `idCapacity + 1`.
    @usableFromInline var hashes: UnsafeMutablePointer<UInt64>
    /// `offsets[id] ..< offsets[id + 1]` is token `id`'s bytes in `arena`; offsets[0] = offsets[1] = 0.
    @usableFromInline var offsets: UnsafeMutablePointer<UInt64>
    @usableFromInline var idCapacity: Int
    @usableFromInline var arena: UnsafeMutablePointer<UInt8>
    @usableFromInline var arenaCount = 0
    @usableFromInline var arenaCapacity: Int
    /// Number of distinct tokens (the largest id).
    public internal(set) var distinct = 0

    init(expectedDistinct: Int) {
        var size = 1024
        while size < expectedDistinct * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        slotMask = size - 1
        idCapacity = size / 2
        hashes = .allocate(capacity: idCapacity + 1)
        hashes[0] = 0
        offsets = .allocate(capacity: idCapacity + 2)
        offsets[0] = 0
        offsets[1] = 0
        arenaCapacity = max(4096, expectedDistinct * 8)
        arena = .allocate(capacity: arenaCapacity)
    }

    func deallocate() {
        slots.deallocate()
        hashes.deallocate()
        offsets.deallocate()
        arena.deallocate()
    }

    /// The id of the token whose normalized bytes are `bytes`, adding it if new. Amortized O(length).
    @inlinable @inline(__always)
    public mutating func id(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let hash = TokenHash.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        // Invariants: slot <= slotMask; every id stored in a slot is in 1...distinct, so hashes/offsets reads are in bounds.
        while true {
            let existing = slots[slot]
            if existing == 0 { break }
            let id = Int(existing)
            if hashes[id] == hash {
                let start = Int(offsets[id])
                let length = Int(offsets[id &+ 1]) &- start
                if length == bytes.count && (length == 0 || memcmp(arena + start, bytes.baseAddress!, length) == 0) {
                    return existing
                }
            }
            slot = (slot &+ 1) & slotMask
        }
        return insert(bytes, hash: hash, slot: slot)
    }

    @usableFromInline
    mutating func insert(_ bytes: UnsafeRawBufferPointer, hash: UInt64, slot: Int) -> UInt32 {
        distinct += 1
        let id = distinct
        if arenaCount + bytes.count > arenaCapacity {
            let newCapacity = max(arenaCapacity * 2, arenaCount + bytes.count)
            let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newArena.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = newArena
            arenaCapacity = newCapacity
        }
        if bytes.count > 0 { (arena + arenaCount).update(from: bytes.bindMemory(to: UInt8.self).baseAddress!, count: bytes.count) }
        arenaCount += bytes.count
        hashes[id] = hash
        offsets[id + 1] = UInt64(arenaCount)
        slots[slot] = UInt32(id)
        if id >= idCapacity { grow() }
        return UInt32(id)
    }

    /// Doubles the slot table (rehashing from the stored hashes) and the per-id arrays.
    mutating func grow() {
        let size = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        slotMask = size - 1
        for id in 1...max(distinct, 1) where distinct > 0 {
            var slot = Int(truncatingIfNeeded: hashes[id]) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = UInt32(id)
        }
        let newCapacity = size / 2
        let newHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity + 1)
        newHashes.update(from: hashes, count: distinct + 1)
        hashes.deallocate()
        hashes = newHashes
        let newOffsets = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity + 2)
        newOffsets.update(from: offsets, count: distinct + 2)
        offsets.deallocate()
        offsets = newOffsets
        idCapacity = newCapacity
    }
}
