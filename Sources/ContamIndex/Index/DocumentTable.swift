import ContamStorage

/// One document's entry in a shard's `docs.bin`.
public struct DocumentRecord: Equatable, Sendable {
    /// Position of the document's first token in the shard's token array.
    public var firstToken: UInt64
    public var tokenCount: UInt64
    /// Offset of the raw text in the shard's document store (uncompressed stream).
    public var storeOffset: UInt64
    public var byteLength: UInt64
    /// 1-based line / record number in the source file.
    public var recordNumber: UInt64
    /// Index into the shard's source list (manifest).
    public var sourceIndex: UInt32
    public var hasExternalID: Bool

    public init(firstToken: UInt64, tokenCount: UInt64, storeOffset: UInt64, byteLength: UInt64, recordNumber: UInt64, sourceIndex: UInt32, hasExternalID: Bool) {
        self.firstToken = firstToken
        self.tokenCount = tokenCount
        self.storeOffset = storeOffset
        self.byteLength = byteLength
        self.recordNumber = recordNumber
        self.sourceIndex = sourceIndex
        self.hasExternalID = hasExternalID
    }

    static let byteSize = 48
}

/// Streams `docs.bin` (fixed 48-byte records, then the token byte checkpoints: for every `stride`-th token
/// position of the shard, the store offset where that token's raw text starts; header parameter = stride) and
/// `ids.bin` (external ids: string pool, then `documents + 1` u64 offsets; header parameter = pool bytes) for one shard.
public final class DocumentTableWriter {
    private let records: BinaryFileWriter
    private let ids: BinaryFileWriter
    private var idOffsets: [UInt64] = [0]
    private var poolBytes: UInt64 = 0
    public private(set) var count = 0

    public init(recordsPath: String, idsPath: String) throws {
        records = try BinaryFileWriter(path: recordsPath, header: ShardFile.documents.header(count: 0))
        ids = try BinaryFileWriter(path: idsPath, header: ShardFile.documentIDs.header(count: 0))
    }

    public func append(_ record: DocumentRecord, externalID: String?) throws {
        let fields: [UInt64] = [record.firstToken, record.tokenCount, record.storeOffset, record.byteLength, record.recordNumber,
                                UInt64(record.sourceIndex) | (externalID != nil ? 1 << 32 : 0)]
        try records.append(integers: fields)
        if let externalID {
            let bytes = Array(externalID.utf8)
            try ids.append(bytes)
            poolBytes += UInt64(bytes.count)
        }
        idOffsets.append(poolBytes)
        count += 1
    }

    /// Writes the checkpoints after the records (`checkpoints[k]` = store offset of token position `k * stride`'s
    /// text, any offset between its neighbours' for a separator; nondecreasing) and closes both files.
    /// `stride` 0 writes none.
    public func finish(checkpoints: [UInt64] = [], stride: Int = 0) throws {
        precondition(stride > 0 || checkpoints.isEmpty, "checkpoints need a stride")
        try records.append(integers: checkpoints)
        try records.finish(count: UInt64(count), parameter: UInt64(stride))
        let padding = (8 - Int(poolBytes % 8)) % 8
        try ids.append([UInt8](repeating: 0, count: padding))
        try ids.append(integers: idOffsets)
        try ids.finish(count: UInt64(count), parameter: poolBytes)
    }
}

/// A shard's document table, mmap'd: record by number, and the document containing a token position
/// (binary search over first-token positions, O(log D)).
///
/// `records` and `ids` point into the two files' mappings; they are private and the files are stored
/// `let`s, so they are valid for as long as this object exists (what makes every read below safe).
public final class DocumentTable: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a `let` over a read-only mapping.

    /// `docs.bin`, opened.
    public let recordsFile: BinaryFile
    /// `ids.bin`, opened.
    public let idsFile: BinaryFile
    /// Number of documents.
    public let count: Int
    private let idOffsetsStart: Int
    private let records: UnsafeRawBufferPointer
    private let ids: UnsafeRawBufferPointer
    /// Tokens between two token byte checkpoints (`checkpoint(atOrBefore:)`); 0 when the file has none (version 1).
    public let checkpointStride: Int
    private let checkpoints: UnsafeRawBufferPointer

    /// The checkpoint stride the builder writes: one u64 per 128 tokens (about 0.06 bytes a token).
    public static let defaultCheckpointStride = 128
    /// Set in a checkpoint whose token starts at the same byte as the token before it (one scalar that became
    /// several tokens): tokenizing from there would not give the token array's tokens, so it is not used.
    public static let unusableCheckpoint: UInt64 = 1 << 63

    /// Opens both files and checks their sizes against each other, and that the external-id offsets stay
    /// inside the id pool and never decrease (O(documents)). `validate(tokenCount:storeBytes:)` checks the
    /// records against the other files of the shard. Throws `IndexError.damaged` naming the file.
    public init(recordsPath: String, idsPath: String) throws {
        recordsFile = try BinaryFile(path: recordsPath, kind: ShardFile.documents.kind, versions: ShardFile.documents.formatVersions)
        idsFile = try BinaryFile(path: idsPath, kind: ShardFile.documentIDs.kind, versions: ShardFile.documentIDs.formatVersions)
        // Kept past the closures: the files (stored lets) keep the mappings for self's lifetime.
        let payload = recordsFile.payload.withUnsafeBytes { $0 }
        ids = idsFile.payload.withUnsafeBytes { $0 }
        // BinaryFile checked that the header's count fits an Int.
        count = Int(recordsFile.header.count)
        // Version 1 has no checkpoints (its parameter is 0); a stride is at most a shard's 2^31 tokens.
        let stride = recordsFile.header.parameter
        guard stride == 0 || (recordsFile.header.formatVersion >= 2 && stride <= 1 << 31) else {
            throw IndexError.damagedShardFile(recordsPath, "checkpoint stride \(stride) in a version \(recordsFile.header.formatVersion) document table")
        }
        checkpointStride = Int(stride)
        guard count <= payload.count / DocumentRecord.byteSize, stride != 0 || payload.count == count * DocumentRecord.byteSize,
              (payload.count - count * DocumentRecord.byteSize) % 8 == 0 else {
            throw IndexError.damagedShardFile(recordsPath, "\(payload.count) bytes for \(count) records of \(DocumentRecord.byteSize) bytes\(stride == 0 ? "" : " and 8-byte checkpoints")")
        }
        records = UnsafeRawBufferPointer(rebasing: payload[..<(count * DocumentRecord.byteSize)])
        checkpoints = UnsafeRawBufferPointer(rebasing: payload[(count * DocumentRecord.byteSize)...])
        let storedPool = idsFile.header.parameter
        guard storedPool <= UInt64(ids.count), Int(idsFile.header.count) == count else {
            throw IndexError.damagedShardFile(idsPath, "id table (\(idsFile.header.count) ids, \(storedPool)-byte pool) does not match \(count) documents in \(ids.count) bytes")
        }
        let pool = Int(storedPool)
        idOffsetsStart = pool + (8 - pool % 8) % 8
        // count <= records.count / 48, so (count + 1) * 8 cannot overflow.
        guard ids.count == idOffsetsStart + (count + 1) * 8 else {
            throw IndexError.damagedShardFile(idsPath, "id table does not match \(count) documents")
        }
        var previous: UInt64 = 0
        for document in 0...count {
            let offset = idOffset(document)
            guard offset >= previous, offset <= storedPool else {
                throw IndexError.damagedShardFile(idsPath, "external id offset \(document) is \(offset), outside \(previous)...\(pool)")
            }
            previous = offset
        }
    }

    /// Checks every record against the shard's other files (O(documents)), in the layout the builder writes:
    /// documents follow each other in the token array with no gap, each of at least one token and followed
    /// by its separator, ending exactly at `tokenCount`; their texts follow each other in the store, ending
    /// exactly at `storeBytes`; source indexes are below `sourceCount`; record numbers fit an `Int`; the
    /// flags hold nothing but the id bit. After it no field of a record becomes an index, range or count
    /// outside its file, and a table from another build of the same corpus is refused.
    public func validate(tokenCount: Int, storeBytes: UInt64, sourceCount: Int) throws {
        func damaged(_ detail: String) -> IndexError { .damagedShardFile(recordsPath, detail) }
        var nextToken: UInt64 = 0
        var nextByte: UInt64 = 0
        for document in 0..<count {
            let first = field(document, 0), length = field(document, 1)
            // nextToken <= tokenCount, so a length below tokenCount cannot overflow the sum.
            guard first == nextToken, length >= 1, length < UInt64(tokenCount), first + length < UInt64(tokenCount) else {
                throw damaged("document \(document) claims tokens \(first) + \(length); the one before ends at \(nextToken), the token array at \(tokenCount)")
            }
            nextToken = first + length + 1  // its separator
            let offset = field(document, 2), bytes = field(document, 3)
            guard offset == nextByte, bytes <= storeBytes, offset + bytes <= storeBytes else {
                throw damaged("document \(document) claims text bytes \(offset) + \(bytes); the one before ends at \(nextByte), the store at \(storeBytes)")
            }
            nextByte = offset + bytes
            let flags = field(document, 5)
            guard field(document, 4) <= UInt64(Int.max), flags >> 33 == 0, UInt32(truncatingIfNeeded: flags) < UInt32(clamping: sourceCount) else {
                throw damaged("document \(document) has record number \(field(document, 4)), flags \(flags >> 32) and source \(UInt32(truncatingIfNeeded: flags)) of \(sourceCount)")
            }
        }
        guard nextToken == UInt64(tokenCount), nextByte == storeBytes else {
            throw damaged("the documents end at token \(nextToken) and text byte \(nextByte); the token array holds \(tokenCount), the store \(storeBytes)")
        }
        // One checkpoint per stride tokens, nondecreasing, inside the store. (Whether each names its token's first
        // byte is checked where it is used: `IndexShard.passage` compares the tokens it reads with the token array.)
        guard checkpointStride > 0 else { return }
        let expected = (tokenCount + checkpointStride - 1) / checkpointStride
        guard checkpoints.count == expected * 8 else {
            throw damaged("\(checkpoints.count / 8) token byte checkpoints for \(tokenCount) tokens at a stride of \(checkpointStride); expected \(expected)")
        }
        var previous: UInt64 = 0
        for k in 0..<expected {
            let offset = checkpoint(k) & ~Self.unusableCheckpoint
            guard offset >= previous, offset <= storeBytes else {
                throw damaged("token byte checkpoint \(k) is \(offset), outside \(previous)...\(storeBytes)")
            }
            previous = offset
        }
    }

    /// Checkpoint `k` (0..<tokenCount / stride rounded up; `validate` proved the count).
    @inline(__always) private func checkpoint(_ k: Int) -> UInt64 {
        assert(k >= 0 && k < checkpoints.count / 8, "DocumentTable: no checkpoint \(k) of \(checkpoints.count / 8)")
        return UInt64(littleEndian: checkpoints.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self))
    }

    /// The last usable token byte checkpoint at or before token position `position` (of a validated table): its
    /// token position and the store offset where that token's raw text starts; nil when the table has none there.
    public func checkpoint(atOrBefore position: Int) -> (tokenPosition: Int, storeOffset: UInt64)? {
        guard checkpointStride > 0, position >= 0 else { return nil }
        var k = position / checkpointStride
        guard k < checkpoints.count / 8 else { return nil }
        // Unusable checkpoints are rare (an ellipsis or ligature at a stride boundary): look a few strides back at most.
        while k >= 0 && k > position / checkpointStride - 16 {
            let value = checkpoint(k)
            if value & Self.unusableCheckpoint == 0 { return (k * checkpointStride, value) }
            k -= 1
        }
        return nil
    }

    /// The path of `docs.bin`.
    public var recordsPath: String { recordsFile.path }

    /// External-id offset `document` (0...count) of the id table.
    @inline(__always) private func idOffset(_ document: Int) -> UInt64 {
        UInt64(littleEndian: ids.loadUnaligned(fromByteOffset: idOffsetsStart + document * 8, as: UInt64.self))
    }

    /// Field `index` (0...5) of record `document`.
    @inline(__always) private func field(_ document: Int, _ index: Int) -> UInt64 {
        assert(document >= 0 && document < count && index >= 0 && index < 6, "DocumentTable: no field \(index) of document \(document) among \(count)")
        return UInt64(littleEndian: records.loadUnaligned(fromByteOffset: document * DocumentRecord.byteSize + index * 8, as: UInt64.self))
    }

    /// The record of document `document` (0-based).
    public func record(_ document: Int) -> DocumentRecord {
        let packed = field(document, 5)
        return DocumentRecord(firstToken: field(document, 0), tokenCount: field(document, 1), storeOffset: field(document, 2),
                              byteLength: field(document, 3), recordNumber: field(document, 4),
                              sourceIndex: UInt32(truncatingIfNeeded: packed), hasExternalID: packed >> 32 != 0)
    }

    /// The external id of `document`, if the input had one.
    public func externalID(_ document: Int) -> String? {
        guard field(document, 5) >> 32 != 0 else { return nil }
        // Opening proved the offsets non-decreasing and inside the pool.
        let start = Int(truncatingIfNeeded: idOffset(document))
        let end = Int(truncatingIfNeeded: idOffset(document + 1))
        return String(decoding: UnsafeRawBufferPointer(rebasing: ids[start..<end]), as: UTF8.self)
    }

    /// The document whose token range contains `tokenPosition`.
    public func document(containing tokenPosition: Int) -> Int {
        var low = 0
        var high = count - 1
        let target = UInt64(tokenPosition)
        while low < high {
            let mid = (low + high + 1) >> 1
            if field(mid, 0) <= target { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
