import CLzma

/// Streams the decompressed bytes of `.xz` data from another `ByteSource`, in constant memory (liblzma's
/// dictionary: 8 MiB for `xz -6`, 64 MiB for `xz -9`).
///
/// Concatenated streams and the stream padding between them (`cat a.xz b.xz`, `xz -T0`'s blocks) decode as
/// `xz -dc` does (`LZMA_CONCATENATED`). Each block's integrity check (CRC-32, CRC-64 or SHA-256) is verified;
/// a check type liblzma cannot verify is an error rather than skipped. The legacy `.lzma` format
/// (`xz --format=lzma`) is refused with a message saying so: it has no magic bytes and no integrity check.
/// Trailing bytes that are not another stream, and an empty input, are errors.
///
/// Every failure is a `StorageError.decompression` naming the path, the format and the compressed byte offset.
public final class XzStreamReader: ByteSource {
    /// The name used in error messages.
    public let path: String
    private let input: CompressedInput
    /// Allocated once so the stream never moves while liblzma holds its state; freed in deinit.
    private let stream: UnsafeMutablePointer<lzma_stream>
    private var initialized = false
    private var ended = false
    /// The last call filled the whole output buffer: liblzma may hold more output without needing input.
    private var outputPending = false
    /// Consecutive calls at the end of the input that made no progress.
    private var stalledCalls = 0

    // liblzma's flags are `UINT32_C(…)` macros, which Swift does not import (lzma/container.h).
    private static let tellUnsupportedCheck: UInt32 = 0x02
    private static let concatenated: UInt32 = 0x08

    /// Reads xz data from `inner`; `path` names it in errors. Allocates a 256 KiB input buffer; liblzma
    /// allocates the dictionary the stream asks for.
    public init(_ inner: ByteSource, path: String) {
        self.path = path
        input = CompressedInput(inner, capacity: 1 << 18)
        stream = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
        // An all-zero lzma_stream is LZMA_STREAM_INIT.
        stream.initialize(to: lzma_stream())
    }

    deinit {
        if initialized { lzma_end(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private func failure(_ offset: Int, _ detail: String) -> StorageError {
        .decompression(path: path, format: .xz, offset: offset, detail: detail)
    }

    /// Reads up to `buffer.count` decompressed bytes; 0 at the end of the last stream.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let out = buffer.baseAddress, buffer.count > 0, !ended else { return 0 }
        if !initialized {
            guard try input.refillIfEmpty() else { throw failure(0, "empty input: no xz stream") }
            guard lzma_stream_decoder(stream, UInt64.max, Self.tellUnsupportedCheck | Self.concatenated) == LZMA_OK else {
                throw failure(0, "liblzma could not initialize (out of memory?)")
            }
            initialized = true
        }
        while true {
            if !outputPending { try input.refillIfEmpty() }
            let inCount = input.available
            stream.pointee.next_in = UnsafePointer(input.pointer.assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = inCount
            stream.pointee.next_out = out.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = buffer.count
            // LZMA_FINISH once the source is exhausted: with LZMA_CONCATENATED only that lets the decoder end.
            let code = lzma_code(stream, input.finished && inCount == 0 ? LZMA_FINISH : LZMA_RUN)
            let consumed = inCount - stream.pointee.avail_in
            let produced = buffer.count - stream.pointee.avail_out
            input.consume(consumed)
            outputPending = stream.pointee.avail_out == 0
            switch code {
            case LZMA_OK:
                break
            case LZMA_STREAM_END:
                ended = true
                return produced
            case LZMA_BUF_ERROR:
                throw failure(input.offset, "truncated: the data ends inside an xz stream")
            case LZMA_FORMAT_ERROR:
                // Only for the first stream: after one, liblzma reports bad magic as LZMA_DATA_ERROR.
                throw failure(input.offset, "not xz data (no xz magic bytes; the legacy .lzma format of xz --format=lzma is not supported: recompress with xz)")
            case LZMA_DATA_ERROR:
                throw failure(input.offset, "corrupt xz data (or trailing data after the last stream)")
            case LZMA_OPTIONS_ERROR:
                throw failure(input.offset, "unsupported xz options (a filter or header field this liblzma does not know)")
            case LZMA_UNSUPPORTED_CHECK:
                throw failure(input.offset, "the xz stream uses an integrity check this liblzma cannot verify")
            case LZMA_MEM_ERROR, LZMA_MEMLIMIT_ERROR:
                throw failure(input.offset, "liblzma ran out of memory")
            default:
                throw failure(input.offset, "liblzma error \(code.rawValue)")
            }
            if produced > 0 {
                stalledCalls = 0
                return produced
            }
            if consumed == 0 && inCount == 0 && input.finished {
                // liblzma answers LZMA_BUF_ERROR on the second call without progress; count here too, so a
                // decoder that kept answering LZMA_OK could not spin.
                stalledCalls += 1
                if stalledCalls >= 2 { throw failure(input.offset, "truncated: the data ends inside an xz stream") }
            } else if consumed == 0 && inCount > 0 {
                throw failure(input.offset, "liblzma made no progress")
            } else {
                stalledCalls = 0
            }
        }
    }
}
