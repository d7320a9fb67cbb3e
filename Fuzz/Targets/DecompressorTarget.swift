import ContamStorage

/// A decompressing `ByteSource` over the input, checked two ways: read from a source that hands it over whole,
/// and from one that hands it over 1 to 7 bytes per read into output buffers of 1 byte to 64 KiB. Neither
/// may trap, and when both finish they must agree on the bytes (a decoder whose output depends on how its input
/// arrives is wrong); a failure on one side only is a mismatch too, except where the codec library itself checks
/// more when it sees a whole frame (noted at the case). Output past 4 MiB is not compared (bombs).
enum DecompressorTarget {
    static let outputLimit = 4 << 20

    static func make(_ reader: @escaping @Sendable (ByteSource) -> ByteSource) -> FuzzTarget {
        { input in
            let bytes = [UInt8](input)
            let whole = drain(reader(MemoryByteSource(bytes)), readSizes: [1 << 16])
            let trickled = drain(reader(TrickleByteSource(bytes)), readSizes: [1, 7, 4096, 1 << 16])
            switch (whole, trickled) {
            case (.finished(let a), .finished(let b)) where a != b:
                FuzzTargets.mismatch("decompressed \(a.count) bytes read whole, \(b.count) read in pieces (different bytes)")
            case (.failed(let error), .finished) where !error.contains("truncated"):
                // libzstd 1.5.4 itself: given a whole single-segment frame at once it checks the declared
                // content size against the decoded bytes ("Data corruption detected"); streamed, it does not.
                break
            case (.finished, .failed), (.failed, .finished):
                FuzzTargets.mismatch("decompression \(whole) read whole, \(trickled) read in pieces")
            default: break
            }
        }
    }

    enum Outcome: CustomStringConvertible {
        case finished([UInt8])
        case failed(String)
        case overLimit

        var description: String {
            switch self {
            case .finished(let bytes): "finished with \(bytes.count) bytes"
            case .failed(let error): "failed (\(error))"
            case .overLimit: "went over the limit"
            }
        }
    }

    /// Reads `source` to its end, cycling through `readSizes` for the output buffer.
    static func drain(_ source: ByteSource, readSizes: [Int]) -> Outcome {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSizes.max() ?? 1)
        var call = 0
        do {
            while output.count <= outputLimit {
                let size = readSizes[call % readSizes.count]
                call += 1
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<size])) }
                if n == 0 { return .finished(output) }
                output += buffer[0..<n]
            }
            return .overLimit
        } catch {
            return .failed("\(error)")
        }
    }
}

/// Hands its bytes over a few at a time (1 to 7, in a fixed pattern), as a pipe or a slow disk might.
final class TrickleByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private var call = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        call += 1
        let n = min(buffer.count, bytes.count - position, 1 + (call * 5) % 7)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}
