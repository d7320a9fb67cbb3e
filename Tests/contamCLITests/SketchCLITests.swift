import Foundation
import Testing
import ContamTestSupport

/// End-to-end: the n-gram sketch through the built binary (index --sketch-only, query has, stats, verify, merge).
@Suite(.serialized) struct SketchCLITests {
    static let phrase = "you may convey verbatim copies of the program's source code as you receive it"

    @Test func hasExitCodesOnFullAndSketchOnlyIndexes() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let built = try CLI.run(["index", "corpora/licenses", "-o", "\(dir)/full.idx"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("n-gram sketch: n = 13"))
        let only = try CLI.run(["index", "corpora/licenses", "--sketch-only", "-o", "\(dir)/only.idx"])
        #expect(only.status == 0, "\(only.stderr)")
        #expect(only.stdout.contains("sketch only"))
        for index in ["\(dir)/full.idx", "\(dir)/only.idx"] {
            let present = try CLI.run(["query", index, "has", Self.phrase])
            #expect(present.status == 0, "\(present.stdout)\(present.stderr)")
            let absent = try CLI.run(["query", index, "has", Self.phrase + " zqxjv"])
            #expect(absent.status == 1)
            #expect(absent.stdout.contains("of 5 13-grams present; first absent"))
            let json = try CLI.run(["query", index, "has", Self.phrase, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["present"] as? Bool == true)
            #expect((object?["ngrams"] as? [Any])?.count == 4)  // "program's" is three tokens: 16 tokens, four 13-grams
            let short = try CLI.run(["query", index, "has", "too short"])
            #expect(short.status == 2 && short.stderr.contains("fewer than the sketch's n-gram size"))
        }
        let count = try CLI.run(["query", "\(dir)/only.idx", "count", "free software"])
        #expect(count.status == 2)
        #expect(count.stderr.contains("built with --sketch-only; count needs a full index"))
        let noSketch = try CLI.run(["index", "corpora/licenses", "--no-sketch", "-o", "\(dir)/none.idx", "--quiet"])
        #expect(noSketch.status == 0)
        let missing = try CLI.run(["query", "\(dir)/none.idx", "has", Self.phrase])
        #expect(missing.status == 2 && missing.stderr.contains("no n-gram sketch"))
    }

    @Test func statsVerifyAndMerge() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let common = ["--sketch-only", "--sketch-ngrams", "200000", "--quiet"]
        #expect(try CLI.run(["index", "corpora/licenses", "-o", "\(dir)/a.idx"] + common).status == 0)
        #expect(try CLI.run(["index", "corpora/python-faq.csv", "-o", "\(dir)/b.idx"] + common).status == 0)
        #expect(try CLI.run(["index", "corpora/licenses", "corpora/python-faq.csv", "-o", "\(dir)/ab.idx"] + common).status == 0)
        let merged = try CLI.run(["merge", "\(dir)/a.idx", "\(dir)/b.idx", "-o", "\(dir)/m.idx"])
        #expect(merged.status == 0, "\(merged.stderr)")
        let m = try #require(FileManager.default.contents(atPath: "\(dir)/m.idx/shard-0000/sketch.bloom"))
        let ab = try #require(FileManager.default.contents(atPath: "\(dir)/ab.idx/shard-0000/sketch.bloom"))
        #expect(m == ab, "the OR of the parts' sketches is the sketch built over both")
        #expect(try CLI.run(["query", "\(dir)/m.idx", "has", Self.phrase]).status == 0)

        #expect(try CLI.run(["index", "corpora/python-faq.csv", "-o", "\(dir)/c.idx", "--sketch-only", "--quiet"]).status == 0)
        let refused = try CLI.run(["merge", "\(dir)/a.idx", "\(dir)/c.idx", "-o", "\(dir)/bad.idx"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("c.idx") && refused.stderr.contains("cannot be combined"))

        let stats = try CLI.run(["stats", "\(dir)/m.idx", "--fpr-probes", "5000"])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("bits per n-gram") && stats.stdout.contains("measured"))
        let json = try CLI.run(["stats", "\(dir)/m.idx", "--json", "--fpr-probes", "2000"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let sketch = try #require(object?["sketch"] as? [String: Any])
        #expect(sketch["measuredRandomRate"] as? Double != nil)

        #expect(try CLI.run(["verify", "\(dir)/m.idx"]).status == 0)
        var bytes = [UInt8](m)
        bytes[bytes.count - 10] ^= 0x01
        try writeTestFile(atPath: "\(dir)/m.idx/shard-0000/sketch.bloom", contents: Data(bytes))
        let verify = try CLI.run(["verify", "\(dir)/m.idx"])
        #expect(verify.status == 2 && verify.stderr.contains("sketch.bloom: checksum mismatch"))

        // Full indexes merge by gathering their shards.
        #expect(try CLI.run(["index", "corpora/licenses", "-o", "\(dir)/fa.idx", "--quiet"]).status == 0)
        #expect(try CLI.run(["index", "corpora/python-faq.csv", "-o", "\(dir)/fb.idx", "--quiet"]).status == 0)
        #expect(try CLI.run(["merge", "\(dir)/fa.idx", "\(dir)/fb.idx", "-o", "\(dir)/fm.idx", "--quiet"]).status == 0)
        let countAll = try CLI.run(["query", "\(dir)/fm.idx", "count", "the"])
        let countA = try CLI.run(["query", "\(dir)/fa.idx", "count", "the"])
        let countB = try CLI.run(["query", "\(dir)/fb.idx", "count", "the"])
        #expect(Int(countAll.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ==
                (Int(countA.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1) + (Int(countB.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1))
        #expect(try CLI.run(["verify", "\(dir)/fm.idx"]).status == 0)
        let mixed = try CLI.run(["merge", "\(dir)/fa.idx", "\(dir)/a.idx", "-o", "\(dir)/mixed.idx"])
        #expect(mixed.status == 2 && mixed.stderr.contains("sketch-only index with a full one"))
    }

    /// `--shard K/N` then `contam merge`: sketch-only parts (sized for the whole corpus without
    /// --sketch-ngrams) OR into the very file a build over everything writes; full-index parts answer
    /// counts as the whole index does. A part given twice is refused, and a missing one (unless --allow-missing-parts).
    @Test func shardPartsMergeIntoTheWholeIndex() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let corpus = ["corpora/licenses", "corpora/python-faq.csv", "corpora/python-tutorial.jsonl.zst"]
        #expect(try CLI.run(["index"] + corpus + ["--sketch-only", "-o", "\(dir)/all.sketch", "--quiet"]).status == 0)
        var parts: [String] = []
        for k in 1...3 {
            let part = try CLI.run(["index"] + corpus + ["--sketch-only", "--shard", "\(k)/3", "-o", "\(dir)/part-\(k).sketch"])
            #expect(part.status == 0, "\(part.stderr)")
            #expect(part.stdout.contains("part \(k)/3 of the input files"))
            parts.append("\(dir)/part-\(k).sketch")
        }
        let merged = try CLI.run(["merge"] + parts + ["-o", "\(dir)/merged.sketch"])
        #expect(merged.status == 0 && merged.stderr.isEmpty, "\(merged.stderr)")
        let whole = try #require(FileManager.default.contents(atPath: "\(dir)/all.sketch/shard-0000/sketch.bloom"))
        let combined = try #require(FileManager.default.contents(atPath: "\(dir)/merged.sketch/shard-0000/sketch.bloom"))
        #expect(combined == whole, "the parts' sketches OR into the sketch of the whole corpus")

        let twice = try CLI.run(["merge", parts[0], parts[1], parts[0], "-o", "\(dir)/twice.sketch"])
        #expect(twice.status == 2 && twice.stderr.contains("part 1/3 is given twice"), "\(twice.stderr)")
        let partial = try CLI.run(["merge", parts[0], parts[2], "-o", "\(dir)/partial.sketch"])
        #expect(partial.status == 2 && partial.stderr.contains("part 2/3 is missing"), "\(partial.stderr)")
        let allowed = try CLI.run(["merge", parts[0], parts[2], "-o", "\(dir)/partial.sketch", "--allow-missing-parts"])
        #expect(allowed.status == 0 && allowed.stderr.contains("part 2/3 is missing"), "\(allowed.stderr)")
        let stats = try CLI.run(["stats", parts[1], "--fpr-probes", "0"])
        #expect(stats.stdout.contains("part 2/3 of a --shard split"))

        #expect(try CLI.run(["index"] + corpus + ["-o", "\(dir)/all.idx", "--quiet"]).status == 0)
        for k in 1...2 {
            #expect(try CLI.run(["index"] + corpus + ["--shard", "\(k)/2", "-o", "\(dir)/part-\(k).idx", "--quiet"]).status == 0)
        }
        #expect(try CLI.run(["merge", "\(dir)/part-1.idx", "\(dir)/part-2.idx", "-o", "\(dir)/merged.idx", "--quiet"]).status == 0)
        for phrase in ["the", "free software foundation", "for x in range", Self.phrase] {
            let all = try CLI.run(["query", "\(dir)/all.idx", "count", phrase]).stdout
            #expect(try CLI.run(["query", "\(dir)/merged.idx", "count", phrase]).stdout == all, "\(phrase)")
        }
        let noFile = try CLI.run(["index", "corpora/python-faq.csv", "--shard", "2/2", "-o", "\(dir)/none.idx"])
        #expect(noFile.status == 2 && noFile.stderr.contains("part 2 gets no input file"))
    }
}
