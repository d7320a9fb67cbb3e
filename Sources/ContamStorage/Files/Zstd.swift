import CZstd

/// The one place contam talks to libzstd. Frame compression for the document store, frame
/// decompression for random access, and streaming decompression for `.zst` inputs.
public enum Zstd {
    static func check(_ code: Int, path: String) throws -> Int {
        if ZSTD_isError(code) != 0 {
            throw StorageError.zstd(path: path, message: String(cString: ZSTD_getErrorName(code)))
        }
        return code
    }
}

extension Zstd {
    /// The decompressed size a `.zst` file declares in its first frame header, or nil when the header
    /// does not say (streamed compression) or the file is not zstd. Reads only the first 18 bytes.
    public static func declaredContentSize(ofFileAt path: String) -> Int? {
        guard let source = try? FileByteSource(path: path) else { return nil }
        var header = [UInt8](repeating: 0, count: 18)
        guard let read = try? header.withUnsafeMutableBytes({ try source.read(into: $0) }), read > 0 else { return nil }
        let size = header.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, read) }
        guard size != contam_zstd_contentsize_unknown(), size != contam_zstd_contentsize_error(), size < UInt64(Int.max) else { return nil }
        return Int(size)
    }
}

/// A reusable compression context. Not thread-safe: one per thread.
public final class ZstdCompressor {
    private let context: OpaquePointer
    public let level: Int32

    public init(level: Int32 = 3) {
        context = ZSTD_createCCtx()
        self.level = level
        // Every frame carries the XXH64-based content checksum, which libzstd checks on each decompression:
        // a flipped byte in the document store is an error, not different text shown as a source.
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
    }

    /// Compresses `source` into one independent zstd frame with a content checksum.
    public func compress(_ source: UnsafeRawBufferPointer) throws -> [UInt8] {
        let bound = ZSTD_compressBound(source.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = try output.withUnsafeMutableBytes { out -> Int in
            // ZSTD_compress2 keeps the parameters set above (ZSTD_compressCCtx would reset them).
            try Zstd.check(ZSTD_compress2(context, out.baseAddress, bound, source.baseAddress, source.count), path: "<compress>")
        }
        output.removeSubrange(written...)
        return output
    }

    deinit { ZSTD_freeCCtx(context) }
}

/// A reusable decompression context for whole frames of known size. Not thread-safe: one per thread.
public final class ZstdDecompressor {
    private let context: OpaquePointer

    public init() { context = ZSTD_createDCtx() }

    /// Decompresses one frame whose decompressed size is `decompressedSize` into `output`.
    public func decompress(_ frame: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, path: String) throws {
        let produced = try Zstd.check(ZSTD_decompressDCtx(context, output.baseAddress, output.count, frame.baseAddress, frame.count), path: path)
        guard produced == output.count else {
            throw StorageError.zstd(path: path, message: "frame decompressed to \(produced) bytes, expected \(output.count)")
        }
    }

    deinit { ZSTD_freeDCtx(context) }
}

/// Streams the decompressed bytes of a `.zst` source without holding the whole file in memory.
/// A truncated stream or a file that is not zstd at all is reported with the path.
public final class ZstdStreamReader: ByteSource {
    private var inner: ByteSource
    private let context: OpaquePointer
    private var input: [UInt8]
    private var inputPosition = 0
    private var inputCount = 0
    /// The compressed offset of `input[0]`, for error messages.
    private var inputStart = 0
    private var innerFinished = false
    /// True when the last call to the decoder left a frame unfinished.
    private var frameOpen = false
    private var outputPending = false
    public let path: String

    public init(_ inner: ByteSource, path: String) {
        self.inner = inner
        self.path = path
        context = ZSTD_createDCtx()
        input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            if inputPosition == inputCount && !innerFinished && !outputPending {
                inputStart += inputCount
                inputCount = try input.withUnsafeMutableBytes { try inner.read(into: $0) }
                inputPosition = 0
                if inputCount == 0 {
                    innerFinished = true
                }
            }
            if inputPosition == inputCount && innerFinished && !outputPending {
                if frameOpen {
                    throw StorageError.zstd(path: path, message: "truncated zstd stream at compressed byte \(inputStart + inputPosition) (the file ends inside a frame)")
                }
                return 0
            }
            var produced = 0
            var hint = 0
            let consumedBefore = inputPosition
            try input.withUnsafeBytes { raw in
                var inBuffer = ZSTD_inBuffer(src: raw.baseAddress, size: inputCount, pos: inputPosition)
                var outBuffer = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let code = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                if ZSTD_isError(code) != 0 {
                    let name = String(cString: ZSTD_getErrorName(code))
                    let offset = inputStart + inBuffer.pos
                    let message: String
                    if ZSTD_getErrorCode(code) != ZSTD_error_prefix_unknown {
                        message = "\(name) at compressed byte \(offset)"
                    } else if offset == 0 {
                        message = "not a zstd file (\(name)); remove the .zst extension or pass --format"
                    } else {
                        message = "trailing data at compressed byte \(offset), after the last frame, is not a zstd frame (\(name))"
                    }
                    throw StorageError.zstd(path: path, message: message)
                }
                hint = code
                inputPosition = inBuffer.pos
                produced = outBuffer.pos
                // Output may remain inside the decoder after all input is consumed: keep calling while the buffer came back full.
                outputPending = outBuffer.pos == outBuffer.size
            }
            // zstd returns 0 exactly when a frame is decoded and flushed. A call that consumed input and returned
            // a hint is inside a frame; a call that only flushes says nothing new (its hint can equal a fresh
            // frame's even inside a block, so it is never read as a boundary).
            if hint == 0 {
                frameOpen = false
            } else if inputPosition > consumedBefore {
                frameOpen = true
            }
            if produced > 0 { return produced }
        }
    }
}
