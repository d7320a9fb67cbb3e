import Foundation
import Testing
@testable import ContamModel
@testable import ContamApps

@Suite struct TabularRowOrderTests {
    /// The definitions of `TabularRowOrder`, written out plainly.
    static func referenceKind(_ cells: [String]) -> TabularRowOrder.Kind? {
        let distinct = Set(cells)
        guard distinct.count >= 2 else { return nil }
        let integers = cells.compactMap { Int($0) }
        if integers.count == cells.count && distinct.count == cells.count {
            if (1..<integers.count).allSatisfy({ integers[$0 - 1] < integers[$0] }) || (1..<integers.count).allSatisfy({ integers[$0 - 1] > integers[$0] }) { return .id }
        }
        if distinct.count >= 3 {
            let numbers = cells.compactMap { Double($0) }
            if numbers.count == cells.count {
                if numbers == numbers.sorted() || numbers == numbers.sorted(by: >) { return .sorted }
            } else {
                let bytes = cells.map { Array($0.utf8) }
                let ascending = bytes.sorted { $0.lexicographicallyPrecedes($1) }
                if bytes == ascending || bytes == Array(ascending.reversed()) { return .sorted }
            }
        }
        var runs = 0
        for index in cells.indices where index == 0 || cells[index] != cells[index - 1] { runs += 1 }
        if runs == distinct.count && cells.count >= 3 * distinct.count { return .grouped }
        return nil
    }

    @Test func columnsAreClassifiedAsDefined() {
        var rng = TabularRandom(seed: 3)
        let words = ["ant", "bee", "cat", "dog"]
        for trial in 0..<400 {
            let count = rng.int(in: 2..<40)
            var cells: [String]
            switch trial % 5 {
            case 0: // increasing integers, sometimes with a repeat or a step back
                var value = rng.int(in: -5..<5)
                cells = (0..<count).map { _ in value += rng.int(in: -1..<4); return String(value) }
            case 1: // sorted or shuffled words
                cells = (0..<count).map { _ in words[rng.int(in: 0..<words.count)] }
                if rng.int(in: 0..<2) == 0 { cells.sort() }
            case 2: // grouped blocks
                cells = []
                for word in words.shuffled(using: &rng).prefix(rng.int(in: 1..<4)) { cells += Array(repeating: word, count: rng.int(in: 1..<8)) }
            case 3: // decimals, sometimes sorted descending
                cells = (0..<count).map { _ in String(format: "%.1f", Double(rng.int(in: 0..<50)) / 10) }
                if rng.int(in: 0..<2) == 0 { cells.sort { Double($0)! > Double($1)! } }
            default: // random ids
                cells = (0..<count).map { _ in String(rng.int(in: 0..<1000)) }
            }
            #expect(TabularRowOrder.classify(cells, name: "c", index: 0)?.kind == Self.referenceKind(cells), "\(cells)")
        }
    }

    @Test func leadingFieldsAreDroppedOutsideQuotes() {
        #expect(TabularRowOrder.dropLeadingFields("1,\"a, b\",c", count: 0, delimiter: ",") == "1,\"a, b\",c")
        #expect(TabularRowOrder.dropLeadingFields("1,\"a, b\",c", count: 1, delimiter: ",") == "\"a, b\",c")
        #expect(TabularRowOrder.dropLeadingFields("1,\"a, b\",c", count: 2, delimiter: ",") == "c")
        #expect(TabularRowOrder.dropLeadingFields("1,\"a, b\",c", count: 3, delimiter: ",") == nil)
        #expect(TabularRowOrder.dropLeadingFields("1;2;3", count: 2, delimiter: ";") == "3")
    }

    @Test func theCanonicalDatasets() throws {
        let directory = TabularFixtures.corporaDirectory
        let titanic = TabularRowOrder.analyze(try TabularDataset.load(path: directory + "/titanic-train.csv"))
        #expect(titanic.columns.map(\.name) == ["PassengerId"])
        #expect(titanic.columns.first?.kind == .id)
        #expect(titanic.firstTokenColumn == 1)
        #expect(titanic.skippedLeadingColumns == ["PassengerId"])
        // UCI wine is sorted by its class, the first column.
        let wine = TabularRowOrder.analyze(try TabularDataset.load(path: directory + "/uci-wine.csv"))
        #expect(wine.columns.map(\.name) == ["target"])
        #expect(wine.columns.first?.kind == .sorted)
        #expect(wine.firstTokenColumn == 1)
        // Iris is sorted by species, the last column: the first token is unaffected.
        let iris = TabularRowOrder.analyze(try TabularDataset.load(path: directory + "/iris.csv"))
        #expect(iris.columns.map(\.name) == ["species"])
        #expect(iris.firstTokenColumn == 0 && iris.skippedLeadingColumns.isEmpty)
        #expect(TabularRowOrder.analyze(try TabularDataset.load(path: directory + "/openml-diabetes.csv")).independent)
    }

    @Test func titanicFirstTokensStartAfterThePassengerId() throws {
        let titanic = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/titanic-train.csv")
        var options = TabularOptions()
        options.mode = .completion
        options.tests = [.row, .firstToken]
        let plan = try TabularPlanner.plan(titanic, options: options, fewShot: [])
        let first = try #require(plan.tests.first { $0.test == .firstToken })
        #expect(first.firstTokenColumn == 1)
        #expect(first.firstTokenLength == TabularPlanner.firstTokenLength(titanic, fromColumn: 1))
        #expect(first.notes[0].contains("after PassengerId"))
        let row = try #require(plan.tests.first { $0.test == .row })
        #expect(row.notes.contains { $0.hasPrefix("PassengerId is a running id") })
        // A model that counts on from the previous id and copies the rest of the previous row is at the baseline.
        let copying = first.queries.map { query -> ModelResponse in
            let previous = query.previousRow!
            let id = Int(previous.prefix { $0 != "," })!
            return ModelResponse(text: "\(id + 1)," + TabularRowOrder.dropLeadingFields(previous, count: 1, delimiter: ",")! + "\n", finishReason: nil, fromCache: false)
        }
        let result = TabularScorer.score(first, answers: copying)
        #expect(result.verdict == .noEvidence)
        let report = TabularRunner.report(plan: plan, answers: plan.allQueries.map { ModelResponse(text: $0.truth, finishReason: nil, fromCache: false) }, model: "m", endpoint: "http://x/v1")
        #expect(report.rowOrderWarnings.first?.hasPrefix("titanic-train: PassengerId is a running id") == true)
        #expect(TabularReportRenderer.human(report, colour: false).contains("row order: PassengerId is a running id"))
        let decoded = try JSONDecoder().decode(TabularDatasetReport.self, from: Data(TabularReportRenderer.json(report).utf8))
        #expect(decoded.rowOrder == plan.rowOrder)
    }

    @Test func everyColumnPredictableMeansNoFirstTokenTest() throws {
        let lines = ["id,group"] + (1...30).map { "\($0),\($0 <= 15 ? "a" : "b")" }
        let dataset = try TabularFixtures.dataset(lines.joined(separator: "\n"))
        var options = TabularOptions()
        options.tests = [.firstToken]
        let plan = try TabularPlanner.plan(dataset, options: options, fewShot: [])
        #expect(plan.tests[0].notApplicable?.hasPrefix("every column is predictable from the previous row (id, group)") == true)
        #expect(TabularScorer.score(plan.tests[0], answers: []).verdict == .notApplicable)
    }

    @Test func smallFilesAreNotJudged() throws {
        let dataset = try TabularFixtures.dataset("id,x\n1,5\n2,3\n3,9\n")
        #expect(TabularRowOrder.analyze(dataset).independent)
    }
}
