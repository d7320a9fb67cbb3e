/// The 64-byte header that starts every binary index file:
///
/// ```
/// 0  "CTAM"          magic
/// 4  kind            four ASCII letters naming the file's role ("TOKN", "SUFA", "VOCB", ...)
/// 8  formatVersion   UInt32
/// 12 elementBits     UInt32, width of one element in bits (0 when the payload is not an array)
/// 16 count           UInt64, number of elements
/// 24 payloadBytes    UInt64, bytes after the header
/// 32 checksum        UInt64, XXH64 of the payload
/// 40 parameter       UInt64, kind-specific (e.g. alphabet size)
/// 48 reserved        16 zero bytes
/// ```
/// All integers are little-endian. Opening checks magic, kind, version, size and that `count` fits an `Int` (cheap);
/// `verifyChecksum` reads the whole payload.
public struct BinaryFileHeader: Equatable, Sendable {
    public static let size = 64
    public static let magic: [UInt8] = Array("CTAM".utf8)
    /// The on-disk format version this build reads and writes.
    public static let currentVersion: UInt32 = 1

    public var kind: String
    public var formatVersion: UInt32 = BinaryFileHeader.currentVersion
    public var elementBits: UInt32
    public var count: UInt64
    public var payloadBytes: UInt64 = 0
    public var checksum: UInt64 = 0
    public var parameter: UInt64 = 0

    public init(kind: String, elementBits: UInt32, count: UInt64, parameter: UInt64 = 0) {
        precondition(kind.utf8.count == 4, "file kinds are four ASCII letters")
        self.kind = kind
        self.elementBits = elementBits
        self.count = count
        self.parameter = parameter
    }

    /// The header's 64 bytes.
    public func encoded() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.size)
        out.replaceSubrange(0..<4, with: Self.magic)
        out.replaceSubrange(4..<8, with: Array(kind.utf8))
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { raw in
                for (i, byte) in raw.enumerated() { out[offset + i] = byte }
            }
        }
        put(formatVersion, at: 8)
        put(elementBits, at: 12)
        put(count, at: 16)
        put(payloadBytes, at: 24)
        put(checksum, at: 32)
        put(parameter, at: 40)
        return out
    }

    /// Parses and validates a header read from `path`; `fileSize` is the file's real size. `versions` are the format
    /// versions the caller reads for this kind (a kind whose layout grew keeps reading its older files).
    public static func decode(_ bytes: UnsafeRawBufferPointer, path: String, expectedKind: String,
                              versions: ClosedRange<UInt32> = currentVersion...currentVersion) throws -> BinaryFileHeader {
        guard bytes.count >= size else {
            if bytes.count >= 4 && !zip(bytes.prefix(4), magic).allSatisfy({ $0 == $1 }) {
                throw StorageError.notAnIndexFile(path: path)
            }
            throw StorageError.truncated(path: path, expectedBytes: size, foundBytes: bytes.count)
        }
        guard zip(bytes.prefix(4), magic).allSatisfy({ $0 == $1 }) else { throw StorageError.notAnIndexFile(path: path) }
        let kindBytes = Array(bytes[4..<8])
        let kind = String(decoding: kindBytes, as: UTF8.self)
        func get<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        var header = BinaryFileHeader(kind: kindBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) ? kind : "????", elementBits: get(UInt32.self, 12), count: get(UInt64.self, 16), parameter: get(UInt64.self, 40))
        header.formatVersion = get(UInt32.self, 8)
        header.payloadBytes = get(UInt64.self, 24)
        header.checksum = get(UInt64.self, 32)
        guard header.kind == expectedKind else { throw StorageError.wrongKind(path: path, expected: expectedKind, found: header.kind) }
        guard versions.contains(header.formatVersion) else {
            throw StorageError.unsupportedVersion(path: path, found: header.formatVersion, supported: versions.upperBound)
        }
        guard header.payloadBytes <= UInt64(Int.max - size) else {
            throw StorageError.corruptHeader(path: path, detail: "payload size \(header.payloadBytes)")
        }
        // Every reader turns the count into an Int (elements, records, tokens): refuse one that does not fit here.
        guard header.count <= UInt64(Int.max) else {
            throw StorageError.corruptHeader(path: path, detail: "element count \(header.count)")
        }
        let expected = size + Int(header.payloadBytes)
        guard bytes.count == expected else {
            throw StorageError.truncated(path: path, expectedBytes: expected, foundBytes: bytes.count)
        }
        return header
    }
}

/// Writes one binary index file: a header, then a payload streamed in pieces. The checksum is computed
/// while streaming and the header is written last, so a file whose writer did not finish has a zero
/// header and is refused on open.
public final class BinaryFileWriter {
    private let writer: FileWriter
    private var header: BinaryFileHeader
    private var hasher = XXHash64()

    public var path: String { writer.path }

    public init(path: String, header: BinaryFileHeader) throws {
        writer = try FileWriter(path: path)
        self.header = header
        try writer.write([UInt8](repeating: 0, count: BinaryFileHeader.size))
    }

    /// Appends payload bytes.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        try writer.write(bytes)
    }

    /// Appends a large payload piece, hashing it on a second thread while this one writes it: for a
    /// sketch's hundreds of MB the two take about as long, so the piece costs one of them.
    public func appendHashingConcurrently(_ bytes: UnsafeRawBufferPointer) throws {
        let before = hasher
        // Safe to hand to the second thread: parallelMap returns only once both parts are done, and the
        // caller keeps `bytes` valid for the duration of this call.
        let piece = WorkerBody(bytes)
        let hashed = try parallelMap(2, threads: 2) { part -> XXHash64? in
            if part == 0 {
                var hasher = before
                hasher.update(piece.value)
                return hasher
            }
            try writer.write(piece.value)
            return nil
        }
        // Safe: part 0 always returns its hasher.
        hasher = hashed[0]!
    }

    /// Appends a byte array to the payload.
    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Appends the little-endian bytes of each integer.
    public func append<T: FixedWidthInteger>(integers: [T]) throws {
        #if _endian(little)
        try integers.withUnsafeBytes { try append($0) }
        #else
        try append(integers.map { $0.littleEndian }.withUnsafeBytes { Array($0) })
        #endif
    }

    /// Writes the header (with `count`, when given) and closes the file (fsync included).
    public func finish(count: UInt64? = nil, parameter: UInt64? = nil) throws {
        if let count { header.count = count }
        if let parameter { header.parameter = parameter }
        header.payloadBytes = UInt64(writer.byteCount - BinaryFileHeader.size)
        header.checksum = hasher.digest
        try header.encoded().withUnsafeBytes { try writer.write($0, atOffset: 0) }
        try writer.close()
    }
}

/// A binary index file opened read-only through mmap, its header validated.
public final class BinaryFile: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a `let` over a read-only mapping.

    /// The validated header.
    public let header: BinaryFileHeader
    /// The mapping (whose deinit unmaps it).
    public let file: MappedFile
    /// The payload bytes (after the header). They hold the mapping, so they stay valid on their own.
    public let payload: SharedBytes

    /// The path the file was opened from.
    public var path: String { file.path }

    /// Opens and checks magic, kind, version (one of `versions`) and size. O(1): the payload is not read.
    public init(path: String, kind: String, versions: ClosedRange<UInt32> = BinaryFileHeader.currentVersion...BinaryFileHeader.currentVersion) throws {
        file = try MappedFile(path: path)
        let bytes = file.bytes
        header = try bytes.withUnsafeBytes { try BinaryFileHeader.decode($0, path: path, expectedKind: kind, versions: versions) }
        // decode checked that the file holds the header and exactly `payloadBytes` more.
        payload = bytes.extracting(BinaryFileHeader.size..<bytes.count)
    }

    /// Reads the whole payload and compares its XXH64 with the header's. Throws `checksumMismatch`.
    public func verifyChecksum() throws {
        guard payload.withUnsafeBytes({ XXHash64.hash($0) }) == header.checksum else { throw StorageError.checksumMismatch(path: path) }
    }
}
