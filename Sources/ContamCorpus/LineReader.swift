import ContamStorage

/// Reads lines from a `ByteSource` in chunks, never holding more than the longest line plus one chunk.
/// A line is the bytes up to `\n`, without the `\n` and without a `\r` just before it; a final line without
/// a newline is a line; an empty input has no lines. Lines of any length work: the buffer grows to fit.
public final class LineReader {
    private let source: ByteSource
    private var buffer: [UInt8]
    /// The unconsumed bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var sourceFinished = false
    /// The number of the line most recently returned (1-based); 0 before the first.
    public private(set) var lineNumber = 0
    /// Bytes read from the source but not yet returned as lines (for exact consumed-byte counts).
    public var bufferedBytes: Int { end - start }

    /// Reads lines from `source`, `chunkSize` bytes per read.
    public init(source: ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        buffer = [UInt8](repeating: 0, count: max(chunkSize, 16))
    }

    /// Calls `body` with the bytes of each line (valid only during the call) and its 1-based line number.
    /// Costs one pass over the input with an 8-bytes-at-a-time newline search; no allocation per line.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        while let range = try nextLineRange() {
            let number = lineNumber
            try buffer.withUnsafeBufferPointer { all in
                try body(UnsafeBufferPointer(rebasing: all[range]), number)
            }
        }
    }

    /// The next line as a fresh array with its line number, or nil at the end of the input. Copies the line.
    public func nextLine() throws -> (bytes: [UInt8], lineNumber: Int)? {
        guard let range = try nextLineRange() else { return nil }
        return (Array(buffer[range]), lineNumber)
    }

    /// Finds the next line and returns its range in `buffer`, valid until the next call.
    func nextLineRange() throws -> Range<Int>? {
        var searchFrom = start
        while true {
            if let newline = Self.firstNewline(in: buffer, from: searchFrom, to: end) {
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let range = start..<lineEnd
                start = newline + 1
                lineNumber += 1
                return range
            }
            if sourceFinished {
                guard start < end else { return nil }
                // A final line without a newline.
                let range = start..<end
                start = end
                lineNumber += 1
                return range
            }
            // No newline in the buffered bytes: make room (compact, or grow for a long line) and read more.
            let pending = end - start
            if start > 0 {
                if pending > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        // Safe: both ranges lie inside the buffer; copyMemory handles the overlap as memmove does.
                        guard let base = raw.baseAddress else { return }
                        base.copyMemory(from: base + start, byteCount: pending)
                    }
                }
                start = 0
                end = pending
            }
            if end == buffer.count {
                buffer += [UInt8](repeating: 0, count: buffer.count)
            }
            searchFrom = end
            let got = try buffer.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
            }
            if got == 0 { sourceFinished = true } else { end += got }
        }
    }

    /// The index of the first `\n` in `bytes[from..<to]`, or nil. Tests 8 bytes per step.
    static func firstNewline(in bytes: [UInt8], from: Int, to: Int) -> Int? {
        bytes.withUnsafeBufferPointer { all -> Int? in
            guard let base = all.baseAddress else { return nil }
            var index = from
            // Safe: index + 8 <= to <= all.count; loads are unaligned-tolerant.
            while index &+ 8 <= to {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) ^ 0x0A0A_0A0A_0A0A_0A0A
                // A zero byte in `word` is a newline in the input (exact test for "any zero byte").
                let zeroBytes = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                if zeroBytes != 0 {
                    // In little-endian order the lowest set bit marks the first zero byte.
                    return index &+ (zeroBytes.trailingZeroBitCount >> 3)
                }
                index &+= 8
            }
            while index < to {
                if base[index] == 0x0A { return index }
                index &+= 1
            }
            return nil
        }
    }
}
