import Foundation
import Testing

/// End-to-end: the n-gram sketch through the built binary (index --sketch-only, query has, stats, verify, merge).
@Suite(.serialized) struct SketchCLITests {
    static let phrase = "you may convey verbatim copies of the program's source code as you receive it"

    @Test func hasExitCodesOnFullAndSketchOnlyIndexes() throws {
        let dir = CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
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
        let dir = CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
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
        FileManager.default.createFile(atPath: "\(dir)/m.idx/shard-0000/sketch.bloom", contents: Data(bytes))
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
}
