import Foundation
import Testing
import ContamStorage

/// A fixture the test relies on could not be made; thrown (or recorded) so the test fails at the cause,
/// naming the path, instead of later on a missing file.
public enum FixtureError: Error, CustomStringConvertible {
    case couldNotCreateDirectory(path: String, reason: String)
    case couldNotWriteFile(path: String, reason: String)
    /// A peer tool or fixture writer is missing or failed; the message says what and how to fix it.
    case missing(String)

    public var description: String {
        switch self {
        case let .couldNotCreateDirectory(path, reason): return "test fixture: cannot create directory \(path): \(reason)"
        case let .couldNotWriteFile(path, reason): return "test fixture: cannot write file \(path): \(reason)"
        case let .missing(what): return "test fixture: \(what)"
        }
    }
}

/// Creates the directory at `path` and any missing parents; throws `FixtureError` naming it when that fails.
public func createTestDirectory(atPath path: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw FixtureError.couldNotCreateDirectory(path: path, reason: "\(error)")
    }
}

/// Writes `contents` to the file at `path` (replacing it), creating missing parent directories; throws
/// `FixtureError` naming the file when it cannot be written. Use it instead of `FileManager.createFile`,
/// whose failure is only a `false` that is easy to drop.
public func writeTestFile(atPath path: String, contents: Data) throws {
    try createTestDirectory(atPath: (path as NSString).deletingLastPathComponent)
    do {
        try contents.write(to: URL(fileURLWithPath: path))
    } catch {
        throw FixtureError.couldNotWriteFile(path: path, reason: "\(error)")
    }
}

/// Writes `text` as UTF-8 to the file at `path`; see `writeTestFile(atPath:contents:)`.
public func writeTestFile(atPath path: String, text: String) throws {
    try writeTestFile(atPath: path, contents: Data(text.utf8))
}

/// Writes `bytes` to the file at `path`; see `writeTestFile(atPath:contents:)`.
public func writeTestFile(atPath path: String, bytes: [UInt8]) throws {
    try writeTestFile(atPath: path, contents: Data(bytes))
}

/// A fresh, uniquely named temporary directory `contam-test-<label>-<uuid>`, created before it is returned;
/// the caller removes it (usually `defer { try? FileManager.default.removeItem(atPath: directory) }`).
public func temporaryDirectory(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("contam-test-\(label)-\(UUID().uuidString)").path
    try createTestDirectory(atPath: path)
    return path
}

/// A fresh temporary directory, removed by `cleanup()`. Its initializer and `write` do not throw (many
/// tests use them in expressions); a directory or file that cannot be made is recorded as a test issue
/// naming the path, so the test fails there rather than on a missing fixture later.
public struct TestDirectory {
    public let path: String

    public init(_ label: String = "contam-test", sourceLocation: SourceLocation = #_sourceLocation) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        do {
            try createTestDirectory(atPath: path)
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `text` to `name` inside the directory (creating subdirectories) and returns the file's path.
    @discardableResult
    public func write(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        write(name, bytes: Array(text.utf8), sourceLocation: sourceLocation)
    }

    /// Writes `bytes` to `name` inside the directory (creating subdirectories) and returns the file's path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let path = file(name)
        do {
            try writeTestFile(atPath: path, bytes: bytes)
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
        return path
    }

    /// Removes the directory and everything in it; a directory already gone is fine.
    public func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// The one deterministic generator of the tests (the library's SplitMix64), so a failure reproduces from
/// its seed. Use it for every random test input rather than `SystemRandomNumberGenerator` or a local copy.
public struct SeededRandom: RandomNumberGenerator {
    public var base: SplitMix64
    public init(seed: UInt64) { base = SplitMix64(state: seed) }
    public mutating func next() -> UInt64 { base.next() }
}

/// The repository root (for corpora/), found from this file's path.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    return FileManager.default.currentDirectoryPath
}()
