#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system error number (`errno`), kept as the number so callers can tell ENOSPC from EACCES; it
/// prints as the `strerror` text (what `StorageError.io` messages show).
public struct SystemErrorCode: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The errno value (ENOENT, ENOSPC, ...).
    public let rawValue: Int32

    /// The error number `rawValue`.
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno` now (read it right after the failed call).
    public static var current: SystemErrorCode { SystemErrorCode(errno) }

    /// The system's text for the error ("No space left on device").
    public var description: String { String(cString: strerror(rawValue)) }
}

/// Runs `call`, a system call that returns a negative value and sets `errno` on failure, again for as long
/// as it fails with EINTR (a signal arrived before it transferred anything), and returns its first other
/// result. Not for `close`, which must not be retried on Linux.
@inline(__always)
public func retryingOnInterrupt<Result: SignedInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
