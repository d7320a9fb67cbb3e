import CBrotli
import CLz4
import CZlib
import ContamStorage

/// A page that did not decompress or decode; the page reader adds the file and the place.
struct ParquetPageFailure: Error {
    let detail: String
    init(detail: String) { self.detail = detail }
    init(_ detail: String) { self.detail = detail }
}

/// The one place the Parquet reader talks to zlib, lz4 and brotli (zstd goes through ContamStorage's `Zstd`,
/// Snappy is `Snappy.swift`). Each call decompresses one page into a buffer of exactly the size the page
/// header declares, and fails unless the codec produces exactly that many bytes.
final class ParquetDecompressor {
    private var zstd: ZstdDecompressor?

    /// Decompresses `input` (coded with `codec`, a `ParquetCompression`) into all of `output`.
    func decompress(codec: ParquetCompression, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        switch codec {
        case .uncompressed:
            guard input.count == output.count else {
                throw ParquetPageFailure(detail: "an uncompressed page holds \(input.count) bytes but its header says \(output.count)")
            }
            if let base = input.baseAddress, input.count > 0 { output.baseAddress?.copyMemory(from: base, byteCount: input.count) }
        case .snappy:
            try Snappy.decompress(input, into: output)
        case .gzip:
            try Self.inflate(input, into: output)
        case .zstd:
            guard output.count > 0 else { return }
            let decompressor = zstd ?? ZstdDecompressor()
            zstd = decompressor
            do {
                try decompressor.decompress(input, into: output, path: "")
            } catch let error as StorageError {
                throw ParquetPageFailure(detail: "zstd: \(error)")
            }
        case .lz4Raw:
            guard input.count <= Int(Int32.max), output.count <= Int(Int32.max) else {
                throw ParquetPageFailure(detail: "an LZ4 page is larger than 2 GiB")
            }
            guard output.count > 0 else { return }
            let produced = LZ4_decompress_safe(input.baseAddress?.assumingMemoryBound(to: CChar.self),
                                               output.baseAddress?.assumingMemoryBound(to: CChar.self),
                                               Int32(input.count), Int32(output.count))
            guard produced == Int32(output.count) else {
                throw ParquetPageFailure(detail: produced < 0 ? "the LZ4 data is corrupt" : "LZ4 produced \(produced) bytes, the page header says \(output.count)")
            }
        case .brotli:
            var produced = output.count
            guard let outBase = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                guard input.count > 0 else { return }
                throw ParquetPageFailure(detail: "a Brotli page decompresses to nothing but holds data")
            }
            let result = BrotliDecoderDecompress(input.count, input.baseAddress?.assumingMemoryBound(to: UInt8.self), &produced, outBase)
            guard result == BROTLI_DECODER_RESULT_SUCCESS else { throw ParquetPageFailure(detail: "the Brotli data is corrupt or longer than the page header says") }
            guard produced == output.count else {
                throw ParquetPageFailure(detail: "Brotli produced \(produced) bytes, the page header says \(output.count)")
            }
        case .lzo, .lz4:
            // Refused before any page is read (ParquetFile checks each column chunk's codec).
            throw ParquetPageFailure(detail: "the \(ParquetCompression.name(codec.rawValue)) codec is not supported")
        }
    }

    /// zlib `inflate` with windowBits 15+32 (gzip or zlib header, detected); concatenated gzip members are read in turn.
    private static func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard input.count <= Int(UInt32.max), output.count <= Int(UInt32.max) else {
            throw ParquetPageFailure(detail: "a GZIP page is larger than 4 GiB")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ParquetPageFailure(detail: "zlib could not be initialized")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(output.count)
        while true {
            let status = CZlib.inflate(&stream, Z_FINISH)
            if status == Z_STREAM_END {
                if stream.avail_in > 0 && stream.avail_out > 0 {
                    guard inflateReset(&stream) == Z_OK else { throw ParquetPageFailure(detail: "zlib could not be reset") }
                    continue
                }
                break
            }
            if status == Z_BUF_ERROR && stream.avail_out == 0 {
                throw ParquetPageFailure(detail: "the GZIP data decompresses to more bytes than the page header says (\(output.count))")
            }
            let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
            throw ParquetPageFailure(detail: "the GZIP data is corrupt (zlib: \(message))")
        }
        guard stream.avail_out == 0 else {
            throw ParquetPageFailure(detail: "GZIP produced \(output.count - Int(stream.avail_out)) bytes, the page header says \(output.count)")
        }
    }
}
