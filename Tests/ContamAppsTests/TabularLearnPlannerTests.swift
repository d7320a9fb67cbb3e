import Foundation
import Testing
import ContamTestSupport
@testable import ContamModel
@testable import ContamApps

/// The queries of `contam tabular learn`: the paired design (the same rows in every version), the prompt format of
/// tabmemcheck's `predict`, and the errors for targets it cannot test.
@Suite struct TabularLearnPlannerTests {
    static func iris() throws -> TabularDataset { try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv") }

    static func options(_ target: String = "species", mode: TabularMode = .chat, testRows: Int = 12, fewShot: Int = 5, seed: UInt64 = 0) -> TabularLearnOptions {
        var options = TabularLearnOptions(target: target)
        options.mode = mode
        options.testRows = testRows
        options.fewShot = fewShot
        options.seed = seed
        return options
    }

    @Test func theSameRowsAreAskedInEveryVersion() throws {
        let iris = try Self.iris()
        let plan = try TabularLearnPlanner.plan(iris, options: Self.options())
        #expect(plan.testRows.count == 12 && Set(plan.testRows).count == 12, "distinct test rows")
        #expect(plan.queries.map(\.count) == [12, 12, 12, 12])
        #expect(plan.classes == ["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
        for (k, row) in plan.testRows.enumerated() {
            let shots = plan.fewShotRows[k]
            #expect(shots.count == 5 && Set(shots).count == 5 && !shots.contains(row))
            // No few-shot row has the test row's features.
            for shot in shots { #expect(Array(iris.fields[shot].prefix(4)) != Array(iris.fields[row].prefix(4))) }
            for (version, queries) in zip(plan.versions, plan.queries) {
                let query = queries[k]
                #expect(query.row == row && query.truth == iris.fields[row][4])
                // The few-shot turns are the same rows, as this version writes them.
                let table = version.dataset
                let expected = shots.map { TabularPlanner.serialize(table.fields[$0], names: table.featureNames, skip: version.targetColumn) }
                let users = query.request.messages.filter { $0.role == "user" }.map(\.content)
                let heading = version.version == .statistical ? "" : "Dataset: iris\n"
                #expect(users == [heading + expected[0]] + expected.dropFirst() + [query.prompt])
                let assistants = query.request.messages.filter { $0.role == "assistant" }.map(\.content)
                #expect(assistants == shots.map { "\(version.targetName) = \(table.fields[$0][version.targetColumn])" })
                #expect(query.request.messages.first == .system(TabularLearnPlanner.systemPrompt))
                #expect(query.request.temperature == 0)
                #expect(query.request.label == "iris: learn, \(version.version.rawValue) version, query \(k + 1) of 12")
            }
        }
        let statistical = plan.queries[3][0].request.messages.map(\.content).joined(separator: "\n")
        #expect(!statistical.contains("iris") && !statistical.contains("Iris") && !statistical.contains("sepal"))
        #expect(plan.queries[2][0].request.messages[1].content.contains("Sepal length = "))
        #expect(plan.queries[2][0].request.messages[2].content.hasPrefix("Species = iris "))
    }

    @Test func completionPromptsAreLinesEndingInTheTarget() throws {
        let iris = try Self.iris()
        let plan = try TabularLearnPlanner.plan(iris, options: Self.options(mode: .completion, testRows: 3, fewShot: 2))
        let query = plan.queries[0][0]
        let shots = plan.fewShotRows[0]
        func line(_ row: Int) -> String { TabularPlanner.serialize(iris.fields[row], names: iris.featureNames, skip: 4) }
        #expect(query.request.kind == .completion)
        #expect(query.request.prompt == "Dataset: iris\n" + shots.map { line($0) + ", species = \(iris.fields[$0][4])\n" }.joined() + line(query.row) + ", species =")
        let statistical = plan.queries[3][0].request.prompt
        #expect(!statistical.hasPrefix("Dataset:") && statistical.hasSuffix(", Y ="))
    }

    @Test func theSameSeedGivesTheSameRequests() throws {
        let iris = try Self.iris()
        let a = try TabularLearnPlanner.plan(iris, options: Self.options(seed: 2)).allQueries.map(\.request)
        let b = try TabularLearnPlanner.plan(iris, options: Self.options(seed: 2)).allQueries.map(\.request)
        let c = try TabularLearnPlanner.plan(iris, options: Self.options(seed: 3)).allQueries.map(\.request)
        #expect(a == b && a != c)
    }

    @Test func aSmallFileAsksEveryRowWithTheOthersAsExamples() throws {
        let dataset = try TabularFixtures.dataset("x,y\n1,a\n2,b\n3,a\n4,\n")
        let plan = try TabularLearnPlanner.plan(dataset, options: Self.options("y", testRows: 50, fewShot: 20))
        #expect(plan.testRows.sorted() == [1, 2, 3], "the row without a target is never asked")
        #expect(plan.fewShotRows.allSatisfy { $0.count == 2 })
    }

    @Test func targetsItCannotTestAreClearErrorsNamingTheColumn() throws {
        let iris = try Self.iris()
        #expect(throws: TabularLearnError.unknownTarget(path: iris.path, target: "colour", available: iris.featureNames)) {
            try TabularLearnPlanner.plan(iris, options: Self.options("colour"))
        }
        #expect("\(TabularLearnError.unknownTarget(path: iris.path, target: "colour", available: iris.featureNames))"
                == "\(iris.path): no column 'colour' for --target; the columns are: sepal_length, sepal_width, petal_length, petal_width, species")
        do {
            _ = try TabularLearnPlanner.plan(iris, options: Self.options("sepal_length"))
            Issue.record("a target of 35 values is not a classification target")
        } catch {
            #expect("\(error)" == "\(iris.path): the target 'sepal_length' has 35 distinct values, more than the 20 a classification target may have; pass another --target (columns with 2 to 20 distinct values: species)")
        }
        let single = try TabularFixtures.dataset("x,y\n1,a\n2,a\n")
        #expect(throws: TabularLearnError.singleClass(path: "test.csv", target: "y", classes: ["a"])) {
            try TabularLearnPlanner.plan(single, options: Self.options("y"))
        }
    }
}
