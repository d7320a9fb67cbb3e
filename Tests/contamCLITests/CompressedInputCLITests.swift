import Foundation
import Testing
import ContamTestSupport

/// The same corpus and benchmark in every compression the field ships, compressed by the system tools: identical
/// tokens in the index, identical verdicts from check, and a damaged stream named with its offset.
@Suite struct CompressedInputCLITests {
    /// `corpora/python-tutorial.jsonl.zst` decompressed, then compressed by gzip (two members, as C4 writes),
    /// bzip2 and xz; returns the paths, plain first.
    func variants(_ dir: TestDirectory) throws -> [String] {
        let plain = dir.file("tutorial.jsonl")
        try ExternalTools.run("zstd", ["-dc", "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst"]).stdout.write(to: URL(fileURLWithPath: plain))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: plain))
        let half = bytes.firstIndex(of: 0x0A, after: bytes.count / 2)
        let first = try ExternalTools.run("gzip", ["-c"], stdin: bytes[..<half]).stdout
        let second = try ExternalTools.run("gzip", ["-c", "-9"], stdin: bytes[half...]).stdout
        try (first + second).write(to: URL(fileURLWithPath: dir.file("tutorial.jsonl.gz")))
        try ExternalTools.run("bzip2", ["-c"], stdin: bytes).stdout.write(to: URL(fileURLWithPath: dir.file("tutorial.jsonl.bz2")))
        try ExternalTools.run("xz", ["-c"], stdin: bytes).stdout.write(to: URL(fileURLWithPath: dir.file("tutorial.jsonl.xz")))
        return [plain, dir.file("tutorial.jsonl.gz"), dir.file("tutorial.jsonl.bz2"), dir.file("tutorial.jsonl.xz"), "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst"]
    }

    @Test func everyCompressionIndexesToTheSameTokens() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        var payloads: [Data] = []
        for (k, input) in try variants(dir).enumerated() {
            let index = dir.file("i\(k).idx")
            let result = try CLI.run(["index", input, "-o", index, "--quiet"])
            #expect(result.status == 0, "\(input): \(result.stderr)")
            payloads.append(try Data(contentsOf: URL(fileURLWithPath: index + "/shard-0000/tokens.bin")).dropFirst(64))
        }
        #expect(payloads.count == 5 && Set(payloads).count == 1, "tokens.bin differs between compressions")
    }

    @Test func aCompressedBenchmarkChecksLikeItsPlainCopy() throws {
        let index = try SampleIndexes.full()
        let dir = TestDirectory(); defer { dir.cleanup() }
        let plain = "\(repositoryRoot)/corpora/items/benchmark.jsonl"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: plain))
        let gz = dir.file("benchmark.jsonl.gz")
        try ExternalTools.run("gzip", ["-c"], stdin: bytes).stdout.write(to: URL(fileURLWithPath: gz))
        // Misnamed too: gzip content in a .txt is still gzip, read by its magic bytes.
        let misnamed = dir.file("benchmark.jsonl")
        try ExternalTools.run("gzip", ["-c"], stdin: bytes).stdout.write(to: URL(fileURLWithPath: misnamed))
        let arguments = ["--field", "question", "--field", "answer", "--method", "near,gpt3", "--json", "--fail-on", "near"]
        let reference = try CLI.run(["check", index, plain] + arguments)
        for input in [gz, misnamed] {
            let result = try CLI.run(["check", index, input] + arguments)
            #expect(result.status == reference.status, "\(input): \(result.stderr)")
            #expect(result.stdout.replacingOccurrences(of: input, with: plain) == reference.stdout, "\(input)")
        }
        // A truncated stream is an error naming the file, the format and the offset; never a clean verdict.
        let full = try Data(contentsOf: URL(fileURLWithPath: gz))
        let cut = dir.file("cut.jsonl.gz")
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: cut))
        let truncated = try CLI.run(["check", index, cut] + arguments)
        #expect(truncated.status == 2 && truncated.stderr.contains("cut.jsonl.gz") && truncated.stderr.contains("gzip") && truncated.stderr.contains("byte"), "\(truncated.stderr)")
        let indexed = try CLI.run(["index", cut, "-o", dir.file("cut.idx"), "--quiet"])
        #expect(indexed.status == 2 && indexed.stderr.contains("cut.jsonl.gz"), "\(indexed.stderr)")
    }
}

private extension Data {
    /// The index just past the first `byte` at or after `start` (the data's end when there is none).
    func firstIndex(of byte: UInt8, after start: Int) -> Int {
        var k = start
        while k < count, self[k] != byte { k += 1 }
        return Swift.min(k + 1, count)
    }
}
