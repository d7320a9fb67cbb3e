import Foundation
import Testing
@testable import ContamCorpus
import ContamTestSupport

/// `--shard K/N`: the split of the input files, against its definition.
@Suite struct InputPartTests {
    static func files(_ random: inout SeededRandom, count: Int) -> [(path: String, bytes: Int)] {
        (0..<count).map { i in
            // Equal sizes too, so the path tie-break decides.
            (path: "corpus/file-\(String(format: "%03d", (i * 37) % 101)).jsonl.zst", bytes: i % 4 == 0 ? 1000 : Int(random.next() % 5000))
        }
    }

    /// Every file lands in exactly one part, the split does not depend on the order the files are given
    /// in, each part's files come back in path order, and part sizes differ by at most the largest file.
    @Test func everyFileInExactlyOnePartWhateverTheOrder() throws {
        var random = SeededRandom(seed: 12)
        for count in [1, 2, 5, 17, 40] {
            let files = Self.files(&random, count: count)
            for parts in 1...min(count, 7) {
                var union: [String] = []
                var loads: [Int] = []
                for k in 1...parts {
                    let part = try InputPart(index: k, count: parts)
                    let mine = try part.select(from: files)
                    #expect(mine == mine.sorted())
                    #expect(try part.select(from: files.reversed()) == mine, "the order of the arguments changes nothing")
                    #expect(try part.select(from: files.shuffled(using: &random)) == mine)
                    union += mine
                    loads.append(mine.reduce(0) { sum, path in sum + files.first { $0.path == path }!.bytes })
                }
                #expect(union.sorted() == files.map(\.path).sorted(), "\(count) files in \(parts) parts")
                #expect(loads.max()! - loads.min()! <= files.map(\.bytes).max()!, "balanced: \(loads)")
            }
        }
    }

    @Test func parsingAndRefusals() throws {
        #expect(try InputPart(parsing: "2/5") == InputPart(index: 2, count: 5))
        #expect(try InputPart(parsing: "1/1").description == "1/1")
        for bad in ["0/2", "3/2", "2", "1/0", "a/b", "1/2/3", "-1/2", "/2", ""] {
            #expect(throws: CorpusError.self, "\(bad)") { try InputPart(parsing: bad) }
        }
        let two = try InputPart(index: 2, count: 2)
        #expect(throws: CorpusError.self) { try two.select(from: [(path: "only.jsonl", bytes: 10)]) }
        #expect(throws: CorpusError.self) { try two.select(from: [(path: "a.jsonl", bytes: 10), (path: "-", bytes: 0)]) }
    }
}
