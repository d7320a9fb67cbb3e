#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered, append-only file writer over a raw descriptor, with positioned writes for headers.
/// Every failure (ENOSPC included) becomes a `StorageError.io` naming the path.
public final class FileWriter {
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferCapacity: Int
    /// Bytes written so far (buffered included).
    public private(set) var byteCount: Int = 0

    /// Creates (or truncates) `path` for writing.
    public init(path: String, bufferCapacity: Int = 1 << 20) throws {
        self.path = path
        self.bufferCapacity = bufferCapacity
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.fromErrno(path, "create") }
        buffer.reserveCapacity(bufferCapacity)
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        byteCount += bytes.count
        if buffer.count + bytes.count <= bufferCapacity {
            buffer.append(contentsOf: bytes)
            return
        }
        try flush()
        if bytes.count >= bufferCapacity {
            try writeFully(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends a byte array.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends the raw little-endian bytes of a trivial value.
    public func writeValue<T: FixedWidthInteger>(_ value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { try write($0) }
    }

    /// Writes the buffered bytes to the descriptor.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeFully($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` at absolute `offset` without moving the append position (used for headers).
    public func write(_ bytes: UnsafeRawBufferPointer, atOffset offset: Int) throws {
        try flush()
        var done = 0
        while done < bytes.count {
            let n = retryingOnInterrupt { pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            if n < 0 { throw StorageError.fromErrno(path, "write") }
            done += n
        }
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            // One write(2) moves at most 0x7ffff000 bytes on Linux: loop.
            let chunk = min(bytes.count - done, 1 << 30)
            let n = retryingOnInterrupt { Glibc.write(fd, bytes.baseAddress! + done, chunk) }
            if n < 0 { throw StorageError.fromErrno(path, "write") }
            done += n
        }
    }

    /// Flushes, fsyncs and closes the file.
    public func close() throws {
        try flush()
        guard fd >= 0 else { return }
        if fsync(fd) != 0 { throw StorageError.fromErrno(path, "fsync") }
        if Glibc.close(fd) != 0 { throw StorageError.fromErrno(path, "close") }
        fd = -1
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
    }
}
