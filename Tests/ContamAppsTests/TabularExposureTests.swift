import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

/// The brute-force oracle corpus (`InMemoryCorpus`) over `texts`: documents doc0, doc1, … of corpus.jsonl.
private func bruteForceCorpus(_ texts: [String]) -> InMemoryCorpus {
    InMemoryCorpus(texts: texts, ids: texts.indices.map { "doc\($0)" }, sourcePath: "corpus.jsonl")
}

@Suite struct TabularExposureTests {
    @Test func countsRowsHeaderAndFeatureValueForms() throws {
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        let corpus = bruteForceCorpus([
            "Here is the iris data:\nSepal_Length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,Iris-setosa\n4.9,3,1.4,0.2,Iris-setosa\n",
            "Some unrelated text about flowers and 5.1 centimetres.",
            "A row as features: sepal_length = 6.3, sepal_width = 3.3, petal_length = 6, petal_width = 2.5, species = Iris-virginica; and again 5.1, 3.5, 1.4, 0.2, Iris-setosa",
        ])
        let report = try TabularExposure.measure(iris, in: corpus)
        #expect(report.rowsRead == 150)
        #expect(report.rowsChecked == 150 && report.rowsTooShort == 0)
        #expect(report.header.count == 1 && report.header.sources == ["doc0"])
        // Row 1 is in doc0 as written and (with spaces, which the tokenizer ignores) in doc2; row 2 in doc0.
        #expect(report.rowsFound == 2)
        // 6.3,3.3,6,2.5,Iris-virginica is row 101, present as "F = v" text in doc2.
        #expect(report.rowsFoundAsFeatureValues == 1)
        #expect(report.rowsFoundEither == 3)
        #expect(report.verdict == "exposed")
        #expect(report.examples.first?.line == 2 && report.examples.first?.count == 2 && report.examples.first?.sources == ["doc0", "doc2"])
        let text = TabularExposureRenderer.human([report], colour: false)
        #expect(text.contains("iris     150           2                 1               yes (1×)  exposed"))
        #expect(text.contains("  line 2, 2× as written, 0× as F = v: 5.1,3.5,1.4,0.2,Iris-setosa\n    in doc0\n    in doc2\n"))
        #expect(TabularExposureRenderer.markdown([report]).contains("| iris | 150 | 2 | 1 | found (1×) | **exposed** |"))
    }

    /// The oracle: each row's count equals a direct substring search over the corpus' normalized tokens.
    @Test func rowCountsMatchDirectSearch() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 60, seed: 70), name: "gen")
        var texts = [String]()
        var rng = TabularRandom(seed: 71)
        for i in 0..<30 {
            let rows = (0..<3).map { _ in dataset.lines[rng.int(in: 1..<dataset.lines.count)] }
            texts.append(i % 3 == 0 ? rows.joined(separator: "\n") : "noise \(i) " + rows[0].replacingOccurrences(of: ",", with: ";"))
        }
        let corpus = bruteForceCorpus(texts)
        var options = TabularExposure.Options()
        options.minTokens = 1
        let report = try TabularExposure.measure(dataset, in: corpus, options: options)
        let tokenizer = Tokenizer()
        let expected = (1..<dataset.lines.count).filter { row in
            let needle = " " + tokenizer.tokens(in: dataset.lines[row]).map(\.text).joined(separator: " ") + " "
            return texts.contains { (" " + tokenizer.tokens(in: $0).map(\.text).joined(separator: " ") + " ").contains(needle) }
        }.count
        #expect(report.rowsFound == expected)
        #expect(expected > 0)
    }

    @Test func shortRowsAreSkippedAndCleanDataIsNotFound() throws {
        let dataset = try TabularFixtures.dataset("a,b\n1,2\n3,4\n")
        let report = try TabularExposure.measure(dataset, in: bruteForceCorpus(["1,2 and 3,4 everywhere"]))
        #expect(report.rowsTooShort == 2 && report.rowsChecked == 0)
        #expect(report.verdict == "not found")
        let failed = TabularExposure.failedReport(path: "x.csv", error: TabularError.headerOnly(path: "x.csv"))
        #expect(TabularExposureRenderer.human([failed], colour: false).contains("failed: x.csv: only a header line, no data rows"))
    }
}
