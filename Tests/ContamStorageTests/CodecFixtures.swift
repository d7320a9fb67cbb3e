import Foundation
import Testing
@testable import ContamStorage
import ContamTestSupport

/// Inputs, the system tools as oracle, and read loops for the decompression tests.
enum CodecFixtures {
    /// Text-like bytes: words, UTF-8, newlines; compresses like a corpus.
    static func text(_ byteCount: Int, seed: UInt64 = 11) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        let words = ["license", "the", "software", "copy", "of", "GNU", "freedom", "é", "—", "\n", "{\"text\": ", "0x1f8b", "BZh9"]
        var out: [UInt8] = []
        out.reserveCapacity(byteCount + 16)
        while out.count < byteCount { out += Array(words.randomElement(using: &rng)!.utf8) + [32] }
        return Array(out.prefix(byteCount))
    }

    /// Random-ish bytes: runs of random bytes mixed with repeats of earlier stretches (some matches for
    /// the compressors, most bytes incompressible).
    static func randomish(_ byteCount: Int, seed: UInt64 = 7) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(byteCount)
        while out.count < byteCount {
            let run = Int.random(in: 1...300, using: &rng)
            if out.count > 1000 && Bool.random(using: &rng) {
                let start = Int.random(in: 0..<(out.count - run), using: &rng)
                out += out[start..<(start + run)]
            } else {
                for _ in 0..<run { out.append(UInt8.random(in: 0...255, using: &rng)) }
            }
        }
        return Array(out.prefix(byteCount))
    }

    /// Runs a system tool on `input` and returns its stdout; a failing tool fails the test with its stderr.
    static func tool(_ name: String, _ arguments: [String], _ input: [UInt8]) throws -> [UInt8] {
        let result = try ExternalTools.run(name, arguments, stdin: Data(input))
        guard result.status == 0 else {
            throw FixtureError.missing("\(name) \(arguments.joined(separator: " ")) failed (exit \(result.status)): \(result.stderr); install it (scripts/setup.sh)")
        }
        return Array(result.stdout)
    }

    /// Reads `source` to the end in reads of `chunk` bytes.
    static func readAll(_ source: ByteSource, chunk: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let got = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { return out }
            out.append(contentsOf: buffer[..<got])
        }
    }

    /// Decodes `bytes` through `DecompressingByteSource.open` as if read from a file named `path`.
    static func decode(_ bytes: [UInt8], path: String, chunk: Int = 65536) throws -> [UInt8] {
        let opened = try DecompressingByteSource.open(MemoryByteSource(bytes), path: path)
        return try readAll(opened.source, chunk: chunk)
    }

    /// The oracle's decompression of `bytes` (`gzip -dc`, `bzip2 -dc`, `xz -dc`, `zstd -dc`).
    static func oracleDecode(_ bytes: [UInt8], format: CompressionFormat) throws -> [UInt8] {
        switch format {
        case .gzip: return try tool("gzip", ["-dc"], bytes)
        case .bzip2: return try tool("bzip2", ["-dc"], bytes)
        case .xz: return try tool("xz", ["-dc"], bytes)
        case .zstd: return try tool("zstd", ["-dcq"], bytes)
        }
    }

    /// The tool and arguments that compress to each format at its default level.
    static func compress(_ bytes: [UInt8], _ format: CompressionFormat) throws -> [UInt8] {
        switch format {
        case .gzip: return try tool("gzip", ["-c"], bytes)
        case .bzip2: return try tool("bzip2", ["-c"], bytes)
        case .xz: return try tool("xz", ["-c"], bytes)
        case .zstd: return try tool("zstd", ["-cq"], bytes)
        }
    }

    /// Expects `body` to throw a `StorageError` whose message names `path`, the format and a byte offset.
    static func expectDecompressionError(path: String, format: CompressionFormat, _ comment: String,
                                         sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> String? {
        do {
            try body()
            Issue.record("no error: \(comment)", sourceLocation: sourceLocation)
            return nil
        } catch let error as StorageError {
            let text = error.description
            #expect(text.contains(path), "\(comment): \(text)", sourceLocation: sourceLocation)
            #expect(text.contains(format.rawValue), "\(comment): \(text)", sourceLocation: sourceLocation)
            #expect(text.contains("byte"), "\(comment): \(text)", sourceLocation: sourceLocation)
            return text
        } catch {
            Issue.record("not a StorageError: \(error) (\(comment))", sourceLocation: sourceLocation)
            return nil
        }
    }
}
