import Foundation
import Testing
import ContamTestSupport

/// End-to-end: the built binary on corpora/, asserting on output and exit codes.
@Suite(.serialized) struct IndexCLITests {
    @Test func indexSummaryAndStats() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try CLI.run(["index", "corpora/licenses", "-o", "\(dir)/l.idx"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("indexed 10 documents"))
        #expect(result.stdout.contains("1 shard"))
        let stats = try CLI.run(["stats", "\(dir)/l.idx"])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("documents    10"))
        #expect(stats.stdout.contains("lowercase, punctuation kept"))
        let json = try CLI.run(["stats", "\(dir)/l.idx", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["documents"] as? Int == 10)
    }

    @Test func countLocateLongest() throws {
        let index = try SampleIndexes.full()
        let count = try CLI.run(["query", index, "count", "GNU General Public License", "--json"])
        #expect(count.status == 0, "\(count.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(count.stdout.utf8)) as? [String: Any]
        let n = try #require(object?["count"] as? Int)
        #expect(n > 10)
        // Case is folded by default: the same count for another casing.
        let plain = try CLI.run(["query", index, "count", "gnu GENERAL public license"])
        #expect(plain.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(n)")

        let locate = try CLI.run(["query", index, "locate", "Free Software Foundation", "--limit", "2"])
        #expect(locate.status == 0)
        #expect(locate.stdout.contains("(showing 2)"))
        #expect(locate.stdout.contains("«Free Software Foundation»"), "the match is marked in the original text (case kept)")
        #expect(locate.stdout.contains("corpora/licenses/"))

        let longest = try CLI.run(["query", index, "longest", "Everyone is permitted to copy and distribute verbatim copies of this license document, but changing it is not allowed. Purple elephants dance."])
        #expect(longest.status == 0)
        #expect(longest.stdout.contains("longest match:"))
        #expect(longest.stdout.contains("but changing it is not allowed"))

        let absent = try CLI.run(["query", index, "count", "zyxwvut qqqq"])
        #expect(absent.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func verifyDetectsCorruption() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = "\(dir)/l.idx"
        #expect(try CLI.run(["index", "corpora/licenses", "-o", index, "--quiet"]).status == 0)
        #expect(try CLI.run(["verify", index]).status == 0)
        let sa = "\(index)/shard-0000/sa.bin"
        var bytes = Array(try #require(FileManager.default.contents(atPath: sa), "\(sa) should have been written by contam index"))
        bytes[bytes.count / 2] ^= 0xFF
        try writeTestFile(atPath: sa, contents: Data(bytes))
        let verify = try CLI.run(["verify", index])
        #expect(verify.status == 2)
        #expect(verify.stderr.contains("sa.bin: checksum mismatch"))
        // Truncation is caught on open by query and stats.
        try writeTestFile(atPath: sa, contents: Data(bytes.prefix(100)))
        let query = try CLI.run(["query", index, "count", "license"])
        #expect(query.status == 2)
        #expect(query.stderr.contains("sa.bin"))
        #expect(query.stderr.contains("truncated"))
    }

    @Test func existingOutputNeedsForceAndFailedBuildKeepsOldIndex() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = "\(dir)/l.idx"
        #expect(try CLI.run(["index", "corpora/licenses/BSD.txt", "-o", index, "--quiet"]).status == 0)
        let again = try CLI.run(["index", "corpora/licenses", "-o", index])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists and is an index; pass --force"))
        let bad = "\(dir)/bad.jsonl"
        try writeTestFile(atPath: bad, text: "{\"text\": \"fine\"}\n{\"text\": broken\n")
        let failed = try CLI.run(["index", bad, "-o", index, "--force"])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("bad.jsonl:2"))
        // The old index is intact and nothing temporary is left behind.
        #expect(try CLI.run(["verify", index]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["bad.jsonl", "l.idx"])
        #expect(try CLI.run(["query", index, "count", "regents of the university"]).stdout.hasPrefix("1"))
    }

    @Test func outOfDiskSpaceLeavesNothingBehind() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        // A file-size limit makes writes fail with EFBIG, as a full disk makes them fail with ENOSPC.
        let result = try CLI.runProcess("/bin/sh", ["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" index corpora/licenses corpora/python-tutorial.jsonl.zst -o \"$1\"", try CLI.binary, "\(dir)/l.idx"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("write failed") || result.stderr.contains("File too large"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func interruptedBuildRemovesItsTemporaryDirectory() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary)
        process.arguments = ["index", "-", "--format", "text", "--lines", "-o", "\(dir)/l.idx", "--quiet"]
        let input = Pipe()
        process.standardInput = input
        process.standardError = Pipe()
        try process.run()
        // Feed some input but keep stdin open, so the build is still running when interrupted.
        input.fileHandleForWriting.write(Data(String(repeating: "a line of text to index\n", count: 1000).utf8))
        var waited = 0
        while waited < 100, (try? FileManager.default.contentsOfDirectory(atPath: dir))?.isEmpty ?? true {
            usleep(50_000); waited += 1
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == 1, "a temporary directory exists while building")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func badInputMessagesNameTheFile() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = try CLI.run(["index", "no/such/file.txt", "-o", "\(dir)/x.idx"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no/such/file.txt"))
        let empty = "\(dir)/empty.txt"
        try writeTestFile(atPath: empty, text: "   \n\n")
        let emptyResult = try CLI.run(["index", empty, "-o", "\(dir)/x.idx"])
        #expect(emptyResult.status == 2)
        #expect(emptyResult.stderr.contains("no document with any text"))
        let fake = "\(dir)/fake.jsonl.zst"
        try writeTestFile(atPath: fake, text: "{\"text\": \"not compressed\"}\n")
        let fakeResult = try CLI.run(["index", fake, "-o", "\(dir)/x.idx"])
        #expect(fakeResult.status == 2)
        #expect(fakeResult.stderr.contains("fake.jsonl.zst"))
        #expect(fakeResult.stderr.contains("not a zstd file"))
        let notIndex = try CLI.run(["query", dir, "count", "x"])
        #expect(notIndex.status == 2)
        #expect(notIndex.stderr.contains("no manifest.json"))
        let usage = try CLI.run(["query", dir, "frobnicate", "x"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("contam: error: mode must be count, locate or longest"))
        #expect(usage.stderr.contains("See 'contam query --help'"))
        let emptyPhrase = try CLI.run(["query", SampleIndexes.full(), "count", "  "])
        #expect(emptyPhrase.status == 2)
        #expect(emptyPhrase.stderr.contains("no token to look up"))
        #expect(try CLI.run(["index", "--help"]).stdout.contains("OVERVIEW:"))
        #expect(try CLI.run(["index", "corpora/licenses", "--bogus"]).stderr.contains("unknown option '--bogus'"))
    }

    @Test func skipBadRecordsCountsAndNamesThem() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = "\(dir)/mixed.jsonl"
        try writeTestFile(atPath: file, text: "{\"text\": \"first good record\"}\n{\"body\": \"no text field\"}\nnot json\n{\"text\": \"second good record\"}\n")
        let strict = try CLI.run(["index", file, "-o", "\(dir)/x.idx"])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("mixed.jsonl:2"))
        #expect(strict.stderr.contains("--field body"))
        let lenient = try CLI.run(["index", file, "-o", "\(dir)/x.idx", "--skip-bad-records"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stdout.contains("indexed 2 documents"))
        #expect(lenient.stdout.contains("2 bad record(s) skipped"))
        #expect(lenient.stdout.contains("mixed.jsonl:3"))
        #expect(try CLI.run(["query", "\(dir)/x.idx", "count", "good record"]).stdout.hasPrefix("2"))
    }

    @Test func standardInputAndLines() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try CLI.run(["index", "-", "--lines", "-o", "\(dir)/x.idx"], stdin: "one line here\nanother line here\n\nthird line\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("indexed 3 documents"))
        let locate = try CLI.run(["query", "\(dir)/x.idx", "locate", "line here", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(locate.stdout.utf8)) as? [String: Any]
        #expect(object?["count"] as? Int == 2)
        let occurrences = object?["occurrences"] as? [[String: Any]]
        #expect(occurrences?.map { $0["record"] as? Int } == [1, 2])
        #expect(occurrences?.first?["source"] as? String == "-")
    }

    @Test func invalidUTF8IsReplacedAndReported() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = "\(dir)/bad.txt"
        try writeTestFile(atPath: file, bytes: [0x68, 0x69, 0x20, 0xFF, 0xFE, 0x20, 0x74, 0x68, 0x65, 0x72, 0x65, 0x0A])
        let result = try CLI.run(["index", file, "-o", "\(dir)/x.idx"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("invalid UTF-8"))
        #expect(try CLI.run(["query", "\(dir)/x.idx", "count", "hi"]).stdout.hasPrefix("1"))
    }
}
