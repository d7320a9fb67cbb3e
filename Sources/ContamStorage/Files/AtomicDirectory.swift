import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory built under a temporary name beside its final path and renamed into place when complete,
/// so an interrupted or failed build never leaves a half-written directory where a good one was.
///
/// - Nothing is replaced unless asked (`replaceExisting`, the commands' `--force`), and then only an index or
///   an empty directory: never a file, a directory of someone's data, or an input.
/// - Publishing is exclusive: the final rename (`renameat2` with `RENAME_NOREPLACE`) fails when the final
///   path appeared meanwhile (another build to the same path), and the result is kept under a name the
///   error gives, instead of silently replacing the other build's index.
/// - The temporary directory `FINAL.tmp-PID-N` is removed on failure and on SIGINT/SIGTERM; one a killed
///   process left behind (kill -9, a crash) is removed by the next build to the same path, with a note.
public final class AtomicDirectory {
    /// Where the directory will live once committed.
    public let finalPath: String
    /// Where it is being written now.
    public let temporaryPath: String
    /// Temporary directories of earlier, dead builds to `finalPath` that this one removed before starting.
    public let removedStaleTemporaries: [String]
    private let replaceExisting: Bool
    /// Holds an `flock` on the temporary directory while this build runs, so a build on another host sharing
    /// the filesystem (whose PID means nothing here) does not take it for stale.
    private var lockDescriptor: Int32 = -1
    private var finished = false

    /// Creates the temporary directory. Refuses an output that overlaps one of `inputs` or lies in an index
    /// (`OutputPath.refuseOverwriting(inputs:)`), and anything existing at `finalPath` unless
    /// `replaceExisting`, which allows replacing an index or an empty directory only.
    public init(finalPath: String, replaceExisting: Bool, inputs: [String] = []) throws {
        let normalized = finalPath.hasSuffix("/") && finalPath.count > 1 ? String(finalPath.dropLast()) : finalPath
        self.finalPath = normalized
        self.replaceExisting = replaceExisting
        let output = OutputPath(normalized)
        try output.refuseOverwriting(inputs: inputs)
        let occupant = output.occupant
        if occupant != .nothing {
            guard replaceExisting else { throw StorageError.outputExists(path: normalized, occupant: occupant) }
            guard occupant.isReplaceable else { throw StorageError.outputNotReplaceable(path: normalized, occupant: occupant) }
        }
        let parent = OutputPath.parentDirectory(of: normalized)
        guard FileManager.default.fileExists(atPath: parent) else { throw StorageError.outputParentMissing(path: normalized, parent: parent) }
        removedStaleTemporaries = Self.removeStaleTemporaries(of: normalized)
        temporaryPath = "\(normalized).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // Errors name the user's path: the temporary name is an implementation detail.
        guard mkdir(temporaryPath, 0o755) == 0 else { throw StorageError.fromErrno(normalized, "mkdir") }
        InterruptCleanup.shared.register(temporaryPath)
        lockDescriptor = open(temporaryPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if lockDescriptor >= 0 { _ = flock(lockDescriptor, LOCK_EX | LOCK_NB) }
    }

    /// Path of a file inside the temporary directory.
    public func path(_ name: String) -> String { "\(temporaryPath)/\(name)" }

    /// Creates a subdirectory inside the temporary directory.
    public func makeSubdirectory(_ name: String) throws -> String {
        let p = path(name)
        guard mkdir(p, 0o755) == 0 else { throw StorageError.fromErrno(p, "mkdir") }
        return p
    }

    /// Moves the finished directory into place. Without `replaceExisting` the move fails with
    /// `StorageError.outputTaken` when anything appeared at `finalPath` meanwhile (the result is then kept
    /// under the name the error gives). With it, an index or empty directory there is swapped out atomically
    /// (`RENAME_EXCHANGE`) and removed after; anything else that appeared is left alone, as without it.
    public func commit() throws {
        syncDirectory(temporaryPath)
        let occupant = OutputPath(finalPath).occupant
        if replaceExisting && occupant != .nothing {
            guard occupant.isReplaceable else { throw StorageError.outputTaken(path: finalPath, occupant: occupant, keptAt: keepUnpublished()) }
            try replaceOccupant()
        } else {
            try publishExclusively()
        }
        finish()
        syncDirectory(OutputPath.parentDirectory(of: finalPath))
    }

    /// Removes the temporary directory (after a failure).
    public func discard() {
        guard !finished else { return }
        try? FileManager.default.removeItem(atPath: temporaryPath)
        finish()
    }

    deinit { discard() }

    /// Renames the temporary directory to `finalPath` only if nothing is there.
    private func publishExclusively() throws {
        switch DirectoryRename.rename(temporaryPath, to: finalPath, flags: DirectoryRename.noReplace) {
        case 0:
            return
        case EEXIST, ENOTEMPTY:
            throw StorageError.outputTaken(path: finalPath, occupant: OutputPath(finalPath).occupant, keptAt: keepUnpublished())
        case EINVAL, ENOSYS:
            // A filesystem (or kernel) without RENAME_NOREPLACE: check, then rename (a narrow race remains).
            guard OutputPath(finalPath).occupant == .nothing else {
                throw StorageError.outputTaken(path: finalPath, occupant: OutputPath(finalPath).occupant, keptAt: keepUnpublished())
            }
            guard rename(temporaryPath, finalPath) == 0 else { throw StorageError.fromErrno(finalPath, "rename") }
        case let code:
            throw StorageError.io(path: finalPath, operation: "rename", errno: SystemErrorCode(code))
        }
    }

    /// Swaps the finished directory with the index or empty directory at `finalPath`, then removes the old one.
    private func replaceOccupant() throws {
        switch DirectoryRename.rename(temporaryPath, to: finalPath, flags: DirectoryRename.exchange) {
        case 0:
            // The old directory is now at the temporary path (still registered for removal on interrupt).
            try? FileManager.default.removeItem(atPath: temporaryPath)
        case ENOENT:
            // It went away meanwhile: nothing to replace.
            try publishExclusively()
        case EINVAL, ENOSYS:
            // No RENAME_EXCHANGE here: move the old directory aside, rename, then remove it.
            let aside = "\(finalPath).old-\(getpid())"
            guard rename(finalPath, aside) == 0 else { throw StorageError.fromErrno(finalPath, "rename") }
            guard rename(temporaryPath, finalPath) == 0 else {
                let error = StorageError.fromErrno(finalPath, "rename")
                _ = rename(aside, finalPath)
                throw error
            }
            try? FileManager.default.removeItem(atPath: aside)
        case let code:
            throw StorageError.io(path: finalPath, operation: "rename", errno: SystemErrorCode(code))
        }
    }

    /// Renames the finished directory to `FINAL.unpublished-PID` (or `-PID-2`, ...; never over anything), so a
    /// build that could not publish keeps its result where a later build will not take it for stale; returns
    /// where it is (the temporary path itself if even that rename fails).
    private func keepUnpublished() -> String {
        var kept = temporaryPath
        var candidate = "\(finalPath).unpublished-\(getpid())"
        for attempt in 2...100 {
            let code = DirectoryRename.rename(temporaryPath, to: candidate, flags: DirectoryRename.noReplace)
            if code == 0 { kept = candidate; break }
            guard code == EEXIST || code == ENOTEMPTY else { break }
            candidate = "\(finalPath).unpublished-\(getpid())-\(attempt)"
        }
        finish()
        return kept
    }

    /// Marks the directory as no longer this object's to remove, and releases the lock and the interrupt hook.
    private func finish() {
        finished = true
        InterruptCleanup.shared.unregister(temporaryPath)
        if lockDescriptor >= 0 { close(lockDescriptor); lockDescriptor = -1 }
    }

    private func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// Removes `FINAL.tmp-PID-N` directories beside `finalPath` whose process is gone (`kill(pid, 0)` fails
    /// with ESRCH) and that no live build holds locked, noting each on standard error; returns their paths.
    static func removeStaleTemporaries(of finalPath: String) -> [String] {
        let parent = OutputPath.parentDirectory(of: finalPath)
        let prefix = (finalPath as NSString).lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix(prefix) {
            let fields = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, UInt32(fields[1]) != nil else { continue }
            // EPERM means the process exists (someone else's): only ESRCH says it is gone.
            guard kill(pid, 0) == -1 && errno == ESRCH else { continue }
            let path = (finalPath as NSString).deletingLastPathComponent.isEmpty ? name : "\(parent)/\(name)"
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            guard (try? FileManager.default.removeItem(atPath: path)) != nil else { continue }
            removed.append(path)
            FileHandle.standardError.write(Data("contam: note: removed \(path), left by an earlier build (process \(pid), no longer running) that did not finish\n".utf8))
        }
        return removed
    }
}

/// `renameat2(2)`, which Swift's Glibc module does not declare (glibc exports it since 2.28): looked up in
/// libc when first used.
enum DirectoryRename {
    /// `RENAME_NOREPLACE` (linux/fs.h): fail with EEXIST instead of replacing the target.
    static let noReplace: UInt32 = 1
    /// `RENAME_EXCHANGE`: swap source and target atomically (both must exist).
    static let exchange: UInt32 = 2

    private typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameat2: Renameat2? = {
        guard let libc = dlopen(nil, RTLD_NOW), let symbol = dlsym(libc, "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: Renameat2.self)
    }()

    /// Renames `source` to `target` with `flags`; returns 0, or the errno (ENOSYS when libc lacks renameat2,
    /// EINVAL when the filesystem does not support the flag).
    static func rename(_ source: String, to target: String, flags: UInt32) -> Int32 {
        guard let renameat2 else { return ENOSYS }
        return renameat2(AT_FDCWD, source, AT_FDCWD, target, flags) == 0 ? 0 : errno
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
