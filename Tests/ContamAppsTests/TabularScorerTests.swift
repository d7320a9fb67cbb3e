import Foundation
import Testing
@testable import ContamStatistics
@testable import ContamModel
@testable import ContamApps

@Suite struct TabularScorerTests {
    func plan(_ dataset: TabularDataset, _ mode: TabularMode, seed: UInt64 = 0, fewShot: [TabularDataset] = []) throws -> TabularPlan {
        var options = TabularOptions()
        options.mode = mode
        options.seed = seed
        return try TabularPlanner.plan(dataset, options: options, fewShot: fewShot)
    }

    @Test func memorizingResponderIsMemorizedInEveryTest() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 300, seed: 21), name: "secret")
        let other = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 50, seed: 22, name: "o", header: "u,v,w,x,y"), name: "other")
        for mode in [TabularMode.chat, .completion] {
            for seed in 0..<3 as Range<UInt64> {
                let p = try plan(dataset, mode, seed: seed, fewShot: [other])
                let report = TabularRunner.report(plan: p, answers: TabularFixtures.answers(p) { TabularFixtures.memorizingAnswer($0.request, dataset: dataset) }, model: "m", endpoint: "e")
                for test in report.tests {
                    #expect(test.verdict == .memorized, "\(mode) \(test.test): \(test.statisticText), \(test.reason)")
                    if test.pValue != nil { #expect(test.statistic == Double(test.outOf)) }
                }
                #expect(report.memorized)
            }
        }
    }

    @Test func randomResponderIsNeverMemorized() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 300, seed: 23), name: "secret")
        for mode in [TabularMode.chat, .completion] {
            for seed in 0..<5 as Range<UInt64> {
                let p = try plan(dataset, mode, seed: seed)
                var rng = TabularRandom(seed: seed, stream: "random responder")
                let report = TabularRunner.report(plan: p, answers: TabularFixtures.answers(p) { TabularFixtures.randomAnswer($0, rng: &rng) }, model: "m", endpoint: "e")
                for test in report.tests {
                    #expect(test.verdict != .memorized, "\(mode) \(test.test): \(test.statisticText)")
                }
            }
        }
    }

    @Test func knownCountsGiveKnownStatistics() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 200, seed: 24))
        let p = try plan(dataset, .completion)
        let rowPlan = try #require(p.tests.first { $0.test == .row })
        // Exactly 3 of 25 answers right, the rest wrong.
        let answers = rowPlan.queries.map { query in
            ModelResponse(text: query.index < 3 ? query.truth + "\nnext" : "0,0,0,red,c0", finishReason: nil, fromCache: false)
        }
        let result = TabularScorer.score(rowPlan, answers: answers)
        #expect(result.statistic == 3 && result.outOf == 25)
        #expect(result.pValue == Binomial.upperTail(successes: 3, trials: 25, probability: 0.01))
        #expect(result.verdict == .memorized)
        #expect(result.statisticText == "3/25 rows exact")
        // Two hits are inconclusive.
        let two = TabularScorer.score(rowPlan, answers: answers.enumerated().map { $0.offset < 2 ? $0.element : ModelResponse(text: "x", finishReason: nil, fromCache: false) })
        #expect(two.statistic == 2 && two.verdict == .inconclusive)
        let none = TabularScorer.score(rowPlan, answers: answers.map { _ in ModelResponse(text: "x", finishReason: nil, fromCache: false) })
        #expect(none.verdict == .noEvidence && none.pValue == 1)
    }

    @Test func countVerdictThresholds() {
        #expect(TabularScorer.countVerdict(hits: 0, trials: 25, baselineRate: 0).verdict == .noEvidence)
        // The baseline rate is floored at 1 %: one exact hit of 25 (p = 0.22) is no evidence, two (p = 0.026)
        // inconclusive, three (p = 0.002) memorized.
        #expect(TabularScorer.countVerdict(hits: 1, trials: 25, baselineRate: 0).verdict == .noEvidence)
        #expect(TabularScorer.countVerdict(hits: 2, trials: 25, baselineRate: 0).verdict == .inconclusive)
        #expect(TabularScorer.countVerdict(hits: 3, trials: 25, baselineRate: 0).verdict == .memorized)
        #expect(TabularScorer.countVerdict(hits: 2, trials: 3, baselineRate: 0).verdict == .memorized)
        // A baseline of 40 %: 12/25 is what guessing gives.
        #expect(TabularScorer.countVerdict(hits: 12, trials: 25, baselineRate: 0.4).verdict == .noEvidence)
        #expect(TabularScorer.countVerdict(hits: 20, trials: 25, baselineRate: 0.4).verdict == .memorized)
        // Hits at or below the baseline's own hits are no evidence, whatever the p-value.
        #expect(TabularScorer.countVerdict(hits: 5, trials: 25, baselineRate: 0.2, baselineHits: 5).verdict == .noEvidence)
    }

    @Test func firstTokenBaselineComesFromTheTrueRowsNotTheAnswers() throws {
        // First tokens of the data rows: "1" in 40 %, others spread; the model always answers "1".
        var lines = ["v,w"]
        var rng = TabularRandom(seed: 5)
        for i in 0..<200 { lines.append((i % 5 < 2 ? "1" : String(rng.int(in: 2..<10))) + ".\(rng.int(in: 0..<10)),\(i)") }
        let dataset = try TabularFixtures.dataset(lines.joined(separator: "\n"))
        var options = TabularOptions()
        options.mode = .completion
        options.tests = [.firstToken]
        let p = try TabularPlanner.plan(dataset, options: options, fewShot: [])
        let test = p.tests[0]
        #expect(test.firstTokenLength == 1)
        let answers = test.queries.map { _ in ModelResponse(text: "1.5,0\n", finishReason: nil, fromCache: false) }
        let result = TabularScorer.score(test, answers: answers)
        let truthMode = Dictionary(test.queries.map { (String($0.truth.prefix(1)), 1) }, uniquingKeysWith: +).values.max()!
        #expect(result.baselineText.hasPrefix("\(truthMode)/25"))
        #expect(result.statistic <= Double(truthMode))
        #expect(result.verdict == .noEvidence)
    }

    @Test func runningIdsAreNotMemorization() throws {
        // The first field is a running id: the next row's first token follows from the prompt, so the test
        // skips it and compares the first characters of the value after it.
        var lines = ["id,value"]
        var rng = TabularRandom(seed: 8)
        for i in 1...300 { lines.append("\(i),\(rng.int(in: 0..<100000))") }
        let dataset = try TabularFixtures.dataset(lines.joined(separator: "\n"))
        var options = TabularOptions()
        options.mode = .completion
        options.tests = [.firstToken]
        let p = try TabularPlanner.plan(dataset, options: options, fewShot: [])
        let test = p.tests[0]
        #expect(p.rowOrder.columns.map(\.name) == ["id"])
        #expect(test.firstTokenColumn == 1)
        #expect(test.notes[0].hasPrefix("first token = the first \(test.firstTokenLength) character"))
        #expect(test.notes[0].contains("after id (predictable from the previous row: id is a running id"))
        // A model that only counts (previous id + 1) and makes up the rest.
        let counting = test.queries.map { query -> ModelResponse in
            let id = Int(query.previousRow!.split(separator: ",")[0])!
            return ModelResponse(text: "\(id + 1),5\n", finishReason: nil, fromCache: false)
        }
        let result = TabularScorer.score(test, answers: counting)
        #expect(result.statistic < 5)
        #expect(result.verdict == .noEvidence)
        // A model that knows the rows gets every token, id and all.
        let memorized = test.queries.map { ModelResponse(text: $0.truth + "\n", finishReason: nil, fromCache: false) }
        let known = TabularScorer.score(test, answers: memorized)
        #expect(known.statistic == 25 && known.verdict == .memorized)
    }

    @Test func theIncrementBaselineStillCountsWhenIdsAreNotDetected() throws {
        // Ids that count up with a few out of place are not an id column, but copying or counting on from the
        // previous row still gets most first tokens right, and the baseline says so.
        var lines = ["id,value"]
        var rng = TabularRandom(seed: 8)
        for i in 1...300 { lines.append("\(i % 50 == 0 ? i + 1000 : i),\(rng.int(in: 0..<100000))") }
        let dataset = try TabularFixtures.dataset(lines.joined(separator: "\n"))
        var options = TabularOptions()
        options.mode = .completion
        options.tests = [.firstToken]
        let p = try TabularPlanner.plan(dataset, options: options, fewShot: [])
        #expect(p.rowOrder.independent)
        let test = p.tests[0]
        let answers = test.queries.map { query -> ModelResponse in
            let id = Int(query.previousRow!.split(separator: ",")[0])!
            return ModelResponse(text: "\(id + 1),5\n", finishReason: nil, fromCache: false)
        }
        let result = TabularScorer.score(test, answers: answers)
        #expect(result.baseline >= 0.8, "\(result.baselineText)")
        #expect(result.baselineText.contains("the previous row's first"))
        #expect(result.verdict == .noEvidence)
    }

    @Test func featureNamesPatternBaseline() throws {
        #expect(TabularScorer.numberedPatternHits(given: ["x1", "x2"], remaining: ["x3", "x4", "y"]) == 2)
        #expect(TabularScorer.numberedPatternHits(given: ["age"], remaining: ["sex"]) == 0)
        let dataset = try TabularFixtures.dataset("x1,x2,x3,x4,x5,x6,x7,x8\n1,2,3,4,5,6,7,8\n", name: "numbered")
        var options = TabularOptions()
        options.tests = [.featureNames]
        let p = try TabularPlanner.plan(dataset, options: options, fewShot: [])
        let result = TabularScorer.score(p.tests[0], answers: [ModelResponse(text: "x3, x4, x5, x6, x7, x8", finishReason: nil, fromCache: false)])
        #expect(result.statistic == 6 && result.baseline == 6)
        #expect(result.verdict == .noEvidence)
    }

    @Test func headerVerdicts() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 50, seed: 30))
        var options = TabularOptions()
        options.mode = .completion
        options.tests = [.header]
        let test = try TabularPlanner.plan(dataset, options: options, fewShot: []).tests[0]
        func score(_ answer: (TabularQuery) -> String) -> TabularTestResult {
            TabularScorer.score(test, answers: test.queries.map { ModelResponse(text: answer($0), finishReason: nil, fromCache: false) })
        }
        // Rest of the cut row only: inconclusive. Rest of the row and the next row: memorized.
        let rest = score { String($0.truth.prefix($0.rowEnds[0])) + "\n9" }
        #expect(rest.verdict == .inconclusive, "\(rest.reason)")
        let next = score { String($0.truth.prefix($0.rowEnds[1])) + "\n" }
        #expect(next.verdict == .memorized, "\(next.reason)")
        let nothing = score { _ in "zz" }
        #expect(nothing.verdict == .noEvidence && nothing.statistic == 0)
    }

    /// Continuing the cut row like the rows just shown is pattern copying, not memorization.
    @Test func headerCopyingTheShownRowsIsNoEvidence() throws {
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        var options = TabularOptions()
        options.mode = .completion
        options.tests = [.header]
        for seed in 0..<10 as Range<UInt64> {
            options.seed = seed
            let test = try TabularPlanner.plan(iris, options: options, fewShot: []).tests[0]
            let answers = test.queries.map { query -> ModelResponse in
                let row = Array(iris.lines[query.cutRow!])
                let cut = row.count - query.rowEnds[0]
                let (field, offset) = TabularPlanner.fieldPosition(row, cut: cut, delimiter: ",")
                let copied = TabularPlanner.continuation(Array(iris.lines[query.cutRow! - 1]), field: field, offsetInField: offset, delimiter: ",")!
                return ModelResponse(text: copied + "\n", finishReason: nil, fromCache: false)
            }
            let result = TabularScorer.score(test, answers: answers)
            #expect(result.verdict == .noEvidence, "seed \(seed): \(result.statisticText) vs \(result.baselineText)")
        }
    }

    @Test func fieldAlignment() {
        let row = Array("5.1,3.5,1.4,0.2,Iris-setosa")
        #expect(TabularPlanner.fieldPosition(row, cut: 9, delimiter: ",") == (2, 1))
        #expect(TabularPlanner.continuation(Array("4.9,3,1.4,0.2,Iris-setosa"), field: 2, offsetInField: 1, delimiter: ",") == ".4,0.2,Iris-setosa")
        #expect(TabularPlanner.continuation(Array("4.9,3,1,0.2,Iris-setosa"), field: 2, offsetInField: 3, delimiter: ",") == ",0.2,Iris-setosa")
        #expect(TabularPlanner.continuation(Array("4.9,3"), field: 2, offsetInField: 0, delimiter: ",") == nil)
        #expect(TabularPlanner.fieldDelimiter("a;b;c") == ";")
        #expect(TabularPlanner.fieldDelimiter("abc") == ",")
    }

    @Test func answerExtraction() {
        #expect(TabularScorer.firstLine("\n\n  \n5.1,3.5\n4.9") == "5.1,3.5")
        #expect(TabularScorer.firstLine("a\r\nb") == "a")
        let names = ["Name", "Age", "Fare"]
        #expect(TabularScorer.featureValue("Name = \"Braund, Mr. Owen Harris\", Age = 22", feature: "Name", featureNames: names) == "Braund, Mr. Owen Harris")
        #expect(TabularScorer.featureValue(" 7.25\nName = x", feature: "Fare", featureNames: names) == "7.25")
        #expect(TabularScorer.listedNames("Feature Names: a, b , \"c\", d.\nmore") == ["a", "b", "c", "d"])
    }

    @Test func allEmptyAnswersAreInconclusive() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 100, seed: 31))
        let p = try plan(dataset, .chat)
        let report = TabularRunner.report(plan: p, answers: TabularFixtures.answers(p) { _ in "" }, model: "m", endpoint: "e")
        for test in report.tests {
            if test.test == .datasetName {
                // "test" is one of the words a normalized name drops: nothing to compare an answer with.
                #expect(test.verdict == .notApplicable && test.reason.contains("says nothing once normalized"))
                continue
            }
            #expect(test.verdict == .inconclusive)
            #expect(test.reason.contains("empty"))
        }
        #expect(report.emptyAnswerWarnings.contains("test: row completion: the model gave 25 empty answers of 25 (queries 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …)"))
        #expect(report.tests.first { $0.test == .featureNames }?.notes.last == "1 of 1 answers were empty (query 1)")
    }
}
