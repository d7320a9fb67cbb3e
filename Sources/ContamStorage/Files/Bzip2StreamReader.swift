import CBzip2

/// Streams the decompressed bytes of bzip2 data from another `ByteSource`, in constant memory (libbz2 needs
/// up to about 3.6 MiB for 900k blocks).
///
/// Several concatenated streams (`cat a.bz2 b.bz2`, pbzip2's output) decode to the concatenation of their
/// contents, as `bzip2 -dc` prints. Every block CRC and each stream's combined CRC are checked by libbz2.
/// Bytes after a stream that do not start another stream are an error (bzip2(1) warns "trailing garbage after
/// EOF ignored"); so is an empty input.
///
/// Every failure is a `StorageError.decompression` naming the path, the format and the compressed byte offset.
public final class Bzip2StreamReader: ByteSource {
    /// The name used in error messages.
    public let path: String
    private let input: CompressedInput
    /// libbz2 keeps a pointer back to the stream and refuses it if it moved: allocated once, freed in deinit.
    private let stream: UnsafeMutablePointer<bz_stream>
    private var initialized = false
    private var state = State.beforeFirstStream
    private var streamNumber = 0
    private var streamStart = 0
    /// The last call filled the whole output buffer: libbz2 may hold more output without needing input.
    private var outputPending = false

    private enum State { case beforeFirstStream, inStream, betweenStreams }

    /// Reads bzip2 data from `inner`; `path` names it in errors. Allocates a 256 KiB input buffer.
    public init(_ inner: ByteSource, path: String) {
        self.path = path
        input = CompressedInput(inner, capacity: 1 << 18)
        stream = UnsafeMutablePointer<bz_stream>.allocate(capacity: 1)
        stream.initialize(to: bz_stream())
    }

    deinit {
        if initialized { BZ2_bzDecompressEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private func failure(_ offset: Int, _ detail: String) -> StorageError {
        .decompression(path: path, format: .bzip2, offset: offset, detail: detail)
    }

    /// Starts a stream at the current input position, or reports why the bytes there are not one.
    private func startStream() throws {
        let isFirst = state == .beforeFirstStream
        guard input.firstByte == UInt8(ascii: "B") else {
            throw failure(input.offset, isFirst
                ? "not bzip2 data (it does not start with \"BZh\")"
                : "trailing data after bzip2 stream \(streamNumber) that is not another bzip2 stream (bzip2 -dc would ignore it with a warning; remove it or recompress the file)")
        }
        // libbz2 has no reset: end the finished stream's state and start afresh (small: the big buffers are
        // allocated when the block size is read).
        if initialized {
            BZ2_bzDecompressEnd(stream)
            initialized = false
            stream.pointee = bz_stream()
        }
        guard BZ2_bzDecompressInit(stream, 0, 0) == BZ_OK else {
            throw failure(input.offset, "libbz2 could not initialize (out of memory?)")
        }
        initialized = true
        streamNumber += 1
        streamStart = input.offset
        state = .inStream
    }

    /// Reads up to `buffer.count` decompressed bytes; 0 at the end of the last stream.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let outCapacity = UInt32(clamping: buffer.count)
        while true {
            if state != .inStream {
                if try !input.refillIfEmpty() {
                    if state == .beforeFirstStream { throw failure(0, "empty input: no bzip2 stream") }
                    return 0
                }
                try startStream()
            }
            if !outputPending, try !input.refillIfEmpty() {
                throw failure(input.offset, "truncated: the data ends inside bzip2 stream \(streamNumber) (which starts at byte \(streamStart))")
            }
            let inCount = UInt32(clamping: input.available)
            stream.pointee.next_in = input.pointer.assumingMemoryBound(to: CChar.self)
            stream.pointee.avail_in = inCount
            stream.pointee.next_out = out.assumingMemoryBound(to: CChar.self)
            stream.pointee.avail_out = outCapacity
            let code = BZ2_bzDecompress(stream)
            let consumed = Int(inCount - stream.pointee.avail_in)
            let produced = Int(outCapacity - stream.pointee.avail_out)
            input.consume(consumed)
            outputPending = stream.pointee.avail_out == 0
            switch code {
            case BZ_STREAM_END:
                state = .betweenStreams
                outputPending = false
            case BZ_OK:
                break
            case BZ_DATA_ERROR_MAGIC:
                throw failure(input.offset, streamNumber == 1
                    ? "not bzip2 data (bad magic bytes)"
                    : "trailing data after bzip2 stream \(streamNumber - 1) that is not another bzip2 stream (bad magic bytes)")
            case BZ_DATA_ERROR:
                throw failure(input.offset, "corrupt bzip2 stream \(streamNumber) (starting at byte \(streamStart)): bad data or CRC mismatch")
            case BZ_MEM_ERROR:
                throw failure(input.offset, "libbz2 ran out of memory")
            default:
                throw failure(input.offset, "libbz2 error \(code)")
            }
            if produced > 0 { return produced }
            // A call with input and room for output that neither consumed nor produced would spin.
            if code == BZ_OK && consumed == 0 && inCount > 0 {
                throw failure(input.offset, "libbz2 made no progress")
            }
        }
    }
}
