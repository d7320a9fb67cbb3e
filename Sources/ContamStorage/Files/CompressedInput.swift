/// The compressed side of a streaming decoder: one fixed buffer, refilled from the inner source, and the
/// absolute offset of its bytes in the compressed stream (for error messages). Constant memory.
///
/// The decoders hand `pointer`/`available` to their C library and report back how much it consumed with
/// `consume(_:)`; nothing else touches the buffer.
final class CompressedInput {
    private let inner: ByteSource
    /// Allocated once in `init`, freed in `deinit`; `count <= buffer.count` and `position <= count` always.
    private let buffer: UnsafeMutableRawBufferPointer
    private var position = 0
    private var count = 0
    /// The compressed offset of `buffer[0]`.
    private var bufferStart = 0
    /// True once the inner source returned 0.
    private(set) var finished = false

    init(_ inner: ByteSource, capacity: Int) {
        self.inner = inner
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// The compressed offset of the next unconsumed byte.
    var offset: Int { bufferStart + position }
    /// The bytes in the buffer not consumed yet.
    var available: Int { count - position }
    /// The next unconsumed byte (valid for `available` bytes).
    var pointer: UnsafeMutableRawPointer { buffer.baseAddress! + position }
    /// The next unconsumed byte, or nil when the buffer is empty.
    var firstByte: UInt8? { available > 0 ? buffer[position] : nil }

    /// Marks `byteCount` bytes as consumed by the decoder.
    func consume(_ byteCount: Int) {
        assert(byteCount >= 0 && byteCount <= available)
        position += byteCount
    }

    /// Reads more compressed bytes when the buffer is empty; returns false at the end of the inner source
    /// (and nothing is available). Does nothing while bytes remain.
    @discardableResult
    func refillIfEmpty() throws -> Bool {
        if available > 0 { return true }
        if finished { return false }
        bufferStart += count
        position = 0
        count = 0
        let got = try inner.read(into: buffer)
        if got == 0 {
            finished = true
            return false
        }
        count = got
        return true
    }
}
