import CZlib

/// The length of a text compressed with zlib (RFC 1950, the format of Python's `zlib.compress`): the
/// denominator of the zlib membership score (Carlini et al. 2021, *Extracting Training Data from Large Language
/// Models*), which compares a model's log-likelihood with what a generic compressor finds predictable.
public enum ZlibCompressedLength {
    /// zlib's default level (6), the one `zlib.compress` uses, so scores agree with the paper's code.
    public static let defaultLevel: Int32 = Z_DEFAULT_COMPRESSION

    /// The compressed size of `bytes` in bytes at `level`. One `compress2` call into a buffer of `compressBound`
    /// bytes: O(n) time, O(n) memory. Throws `InternalError` when zlib reports an error (a bad level or no memory: nothing input can cause).
    public static func byteCount(of bytes: [UInt8], level: Int32 = defaultLevel) throws -> Int {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                // compress2 reads count bytes from input and writes at most capacity bytes to out (compressBound's guarantee).
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(input.count), level)
            }
        }
        guard status == Z_OK else { throw InternalError("zlib compress2 failed with status \(status) on \(bytes.count) bytes at level \(level)") }
        return Int(capacity)
    }
}
