import Foundation

/// The one entry point the readers use for possibly compressed input: it peeks at the first bytes and wraps
/// the matching decoder (gzip, bzip2, xz, zstd) by content, whatever the file is called.
public enum DecompressingByteSource {
    /// Wraps `source` in the decoder its first bytes call for, replaying the peeked bytes; returns the source
    /// unchanged (with the peeked bytes replayed) and a nil format when they show no compression.
    ///
    /// A name that promises compression (`.gz`, `.bz2`, `.xz`, `.zst`, …) over content that is not compressed
    /// is an error rather than read as plain text: it is most likely a damaged file. So is `.lzma`, which is
    /// not supported. Reads at most `CompressionFormat.magicByteCount` bytes before returning.
    public static func open(_ source: ByteSource, path: String) throws -> (source: ByteSource, format: CompressionFormat?) {
        let peeked = try ReplayingByteSource(source, peekCount: CompressionFormat.magicByteCount)
        let format = CompressionFormat.detect(magic: peeked.head)
        switch format {
        case .gzip: return (GzipStreamReader(peeked, path: path), format)
        case .bzip2: return (Bzip2StreamReader(peeked, path: path), format)
        case .xz: return (XzStreamReader(peeked, path: path), format)
        case .zstd: return (ZstdStreamReader(peeked, path: path), format)
        case nil:
            if let named = CompressionFormat.detect(path: path) {
                let shown = peeked.head.isEmpty ? "the file is empty" : "it starts with " + peeked.head.prefix(4).map { hex($0) }.joined(separator: " ")
                throw StorageError.decompression(path: path, format: named, offset: 0,
                    detail: "not a \(named.rawValue) file: the name says \(named.rawValue), but the content does not start with its magic bytes (\(shown)); the file is damaged or misnamed: rename or recompress it")
            }
            if path.lowercased().hasSuffix(".lzma") {
                throw StorageError.decompression(path: path, format: .xz, offset: 0,
                    detail: "the legacy .lzma format (xz --format=lzma) is not supported: recompress it with xz, gzip or zstd")
            }
            return (peeked, nil)
        }
    }

    /// The decompressed size of the file at `path` as far as it is known without decompressing: a plain
    /// file's size; the size a zstd file's first frame declares; nil for gzip (ISIZE is the size modulo 2^32
    /// and only that of the last member), bzip2 and xz, for a zstd frame without a declared size, and for an
    /// unreadable file. Reads the first bytes only; meant for progress and ETA.
    public static func contentSize(ofFileAt path: String) -> Int? {
        guard let file = try? FileByteSource(path: path), path != "-" else { return nil }
        var head = [UInt8](repeating: 0, count: CompressionFormat.magicByteCount)
        guard let got = try? head.withUnsafeMutableBytes({ try readFully(file, into: $0) }) else { return nil }
        switch CompressionFormat.detect(magic: Array(head.prefix(got))) {
        case nil: return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        case .zstd: return Zstd.declaredContentSize(ofFileAt: path)
        case .gzip, .bzip2, .xz: return nil
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Reads until `buffer` is full or the source ends; returns the bytes read.
    static func readFully(_ source: ByteSource, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if got == 0 { break }
            filled += got
        }
        return filled
    }
}

/// Bytes already read from the start of a source (to see its format), replayed before the rest of it.
public final class ReplayingByteSource: ByteSource {
    private let inner: ByteSource
    /// The replayed bytes (fewer than a peek asked for only when the source is that short).
    public let head: [UInt8]
    private var position = 0

    /// Reads up to `peekCount` bytes of `inner` now, to replay them.
    public init(_ inner: ByteSource, peekCount: Int) throws {
        self.inner = inner
        var bytes = [UInt8](repeating: 0, count: peekCount)
        let got = try bytes.withUnsafeMutableBytes { try DecompressingByteSource.readFully(inner, into: $0) }
        head = Array(bytes.prefix(got))
    }

    /// Replays `head`, bytes the caller already read from `rest`, then reads on from `rest`.
    public init(head: [UInt8], rest: ByteSource) {
        inner = rest
        self.head = head
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if position < head.count {
            let count = min(buffer.count, head.count - position)
            guard count > 0, let target = buffer.baseAddress else { return 0 }
            head.withUnsafeBytes { raw in
                // Safe: position + count <= head.count and count <= buffer.count.
                target.copyMemory(from: raw.baseAddress! + position, byteCount: count)
            }
            position += count
            return count
        }
        return try inner.read(into: buffer)
    }
}
