import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory built under a temporary name beside its final path and renamed into place when complete,
/// so an interrupted or failed build never leaves a half-written directory where a good one was.
/// While it is open the temporary path is registered for removal on SIGINT/SIGTERM.
public final class AtomicDirectory {
    /// Where the directory will live once committed.
    public let finalPath: String
    /// Where it is being written now.
    public let temporaryPath: String
    private var finished = false

    /// Creates the temporary directory. Refuses an existing `finalPath` unless `replaceExisting`.
    public init(finalPath: String, replaceExisting: Bool) throws {
        let fm = FileManager.default
        let normalized = finalPath.hasSuffix("/") && finalPath.count > 1 ? String(finalPath.dropLast()) : finalPath
        self.finalPath = normalized
        if fm.fileExists(atPath: normalized) && !replaceExisting {
            throw StorageError.outputExists(path: normalized)
        }
        temporaryPath = "\(normalized).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(temporaryPath, 0o755) == 0 else { throw StorageError.fromErrno(temporaryPath, "mkdir") }
        InterruptCleanup.shared.register(temporaryPath)
    }

    /// Path of a file inside the temporary directory.
    public func path(_ name: String) -> String { "\(temporaryPath)/\(name)" }

    /// Creates a subdirectory inside the temporary directory.
    public func makeSubdirectory(_ name: String) throws -> String {
        let p = path(name)
        guard mkdir(p, 0o755) == 0 else { throw StorageError.fromErrno(p, "mkdir") }
        return p
    }

    /// Moves the finished directory into place. An existing directory at `finalPath` (allowed by
    /// `replaceExisting`) is moved aside first and removed only after the rename succeeded.
    public func commit() throws {
        let fm = FileManager.default
        syncDirectory(temporaryPath)
        var aside: String?
        if fm.fileExists(atPath: finalPath) {
            let old = "\(finalPath).old-\(getpid())"
            guard rename(finalPath, old) == 0 else { throw StorageError.fromErrno(finalPath, "rename") }
            aside = old
        }
        guard rename(temporaryPath, finalPath) == 0 else {
            let error = StorageError.fromErrno(finalPath, "rename")
            if let aside { _ = rename(aside, finalPath) }
            throw error
        }
        finished = true
        InterruptCleanup.shared.unregister(temporaryPath)
        syncDirectory((finalPath as NSString).deletingLastPathComponent.isEmpty ? "." : (finalPath as NSString).deletingLastPathComponent)
        if let aside { try? fm.removeItem(atPath: aside) }
    }

    /// Removes the temporary directory (after a failure).
    public func discard() {
        guard !finished else { return }
        finished = true
        try? FileManager.default.removeItem(atPath: temporaryPath)
        InterruptCleanup.shared.unregister(temporaryPath)
    }

    deinit { discard() }

    private func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }
}

/// Removes registered temporary paths when the process is interrupted (SIGINT, SIGTERM), then exits
/// with 128 + signal, so Ctrl-C during a build leaves nothing behind.
public final class InterruptCleanup: @unchecked Sendable {
    public static let shared = InterruptCleanup()
    private let lock = NSLock()
    private var paths: Set<String> = []
    private var sources: [DispatchSourceSignal] = []
    private var installed = false

    /// Registers a path to remove on interruption, installing the signal handlers on first use.
    public func register(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.insert(path)
        guard !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in
                self.removeAll()
                exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    public func unregister(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.remove(path)
    }

    private func removeAll() {
        lock.lock(); let toRemove = paths; lock.unlock()
        for p in toRemove { try? FileManager.default.removeItem(atPath: p) }
    }
}
