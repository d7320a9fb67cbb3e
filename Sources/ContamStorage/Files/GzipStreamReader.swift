import CZlib

/// Streams the decompressed bytes of gzip data (RFC 1952) from another `ByteSource`, in constant memory.
///
/// Multi-member files (`cat a.gz b.gz`, bgzip's blocks and its empty end-of-file block, C4's shards) decode
/// to the concatenation of their members, as `gzip -dc` prints. Each member's CRC-32 and length are checked
/// (zlib does it at the member's end). Unlike gzip(1), which warns "trailing garbage ignored" and exits 0 or 2,
/// bytes after a member that do not start another member are an error: a checker must not silently drop data
/// that might be a damaged member. An empty input is an error too (it holds no member).
///
/// Every failure is a `StorageError.decompression` naming the path, the format and the compressed byte offset.
public final class GzipStreamReader: ByteSource {
    /// The name used in error messages.
    public let path: String
    private let input: CompressedInput
    /// zlib keeps a pointer back to the stream and refuses it if it moved: allocated once, freed in deinit.
    private let stream: UnsafeMutablePointer<z_stream>
    private var initialized = false
    private var state = State.beforeFirstMember
    private var memberNumber = 0
    private var memberStart = 0
    /// The last call filled the whole output buffer: zlib may hold more output without needing input.
    private var outputPending = false

    private enum State { case beforeFirstMember, inMember, betweenMembers }

    /// Reads gzip data from `inner`; `path` names it in errors. Allocates a 256 KiB input buffer and zlib's
    /// 32 KiB window.
    public init(_ inner: ByteSource, path: String) {
        self.path = path
        input = CompressedInput(inner, capacity: 1 << 18)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private func failure(_ offset: Int, _ detail: String) -> StorageError {
        .decompression(path: path, format: .gzip, offset: offset, detail: detail)
    }

    /// Starts a member at the current input position, or reports why the bytes there are not one.
    private func startMember() throws {
        let isFirst = state == .beforeFirstMember
        guard input.firstByte == 0x1F else {
            throw failure(input.offset, isFirst
                ? "not gzip data (it does not start with the gzip magic bytes 1f 8b)"
                : "trailing data after gzip member \(memberNumber) that is not another gzip member (gzip -dc would ignore it with a warning; remove it or recompress the file)")
        }
        if initialized {
            guard inflateReset(stream) == Z_OK else { throw failure(input.offset, "zlib could not reset its state") }
        } else {
            // 15 + 16: a 32 KiB window, gzip header and trailer only (no zlib or raw deflate).
            guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw failure(input.offset, "zlib could not initialize (out of memory?)")
            }
            initialized = true
        }
        memberNumber += 1
        memberStart = input.offset
        state = .inMember
    }

    /// Reads up to `buffer.count` decompressed bytes; 0 at the end of the last member.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let outCapacity = UInt32(clamping: buffer.count)
        while true {
            if state != .inMember {
                if try !input.refillIfEmpty() {
                    if state == .beforeFirstMember { throw failure(0, "empty input: no gzip member") }
                    return 0
                }
                try startMember()
            }
            if !outputPending, try !input.refillIfEmpty() {
                throw failure(input.offset, "truncated: the data ends inside gzip member \(memberNumber) (which starts at byte \(memberStart))")
            }
            let inCount = UInt32(clamping: input.available)
            stream.pointee.next_in = input.pointer.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = inCount
            stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = outCapacity
            let code = inflate(stream, Z_NO_FLUSH)
            let consumed = Int(inCount - stream.pointee.avail_in)
            let produced = Int(outCapacity - stream.pointee.avail_out)
            input.consume(consumed)
            outputPending = stream.pointee.avail_out == 0
            switch code {
            case Z_STREAM_END:
                state = .betweenMembers
                outputPending = false
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress was possible: fine when zlib only needed more input or had no pending output.
                guard consumed == 0 && produced == 0 && inCount == 0 else {
                    throw failure(input.offset, "zlib made no progress (Z_BUF_ERROR)")
                }
            case Z_DATA_ERROR:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw failure(input.offset, "corrupt gzip member \(memberNumber) (starting at byte \(memberStart)): \(message)")
            case Z_MEM_ERROR:
                throw failure(input.offset, "zlib ran out of memory")
            default:
                throw failure(input.offset, "zlib error \(code)")
            }
            if produced > 0 { return produced }
            // Nothing came out: zlib consumed input (headers), or the member ended, or it needs input.
            // A call with input and room for output that neither consumed nor produced would spin.
            if code == Z_OK && consumed == 0 && inCount > 0 {
                throw failure(input.offset, "zlib made no progress")
            }
        }
    }
}
