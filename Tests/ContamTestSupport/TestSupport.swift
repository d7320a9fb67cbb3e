import Foundation
import ContamStorage

/// A fresh temporary directory, removed by `cleanup()`.
public struct TestDirectory {
    public let path: String

    public init(_ label: String = "contam-test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    public func write(_ name: String, bytes: [UInt8]) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    public func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic generator (the library's SplitMix64) so failures reproduce.
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
