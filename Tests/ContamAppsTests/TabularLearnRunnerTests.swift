import Foundation
import Testing
import ContamTestSupport
@testable import ContamModel
import ContamStatistics
@testable import ContamApps

/// `contam tabular learn` end to end in the process, over HTTP: a loopback model that memorized the CSV (right on
/// verbatim rows, a guess otherwise) must show a drop with p < 0.01; on a file it never saw, no drop. Then the
/// cache, a dead endpoint, unusable answers and the renderers.
@Suite struct TabularLearnRunnerTests {
    static func iris() throws -> TabularDataset { try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv") }

    static func client(_ server: ScriptedModelServer, cache: String? = nil) -> ModelClient {
        ModelClient(configuration: .init(endpoint: server.baseURL, model: "memorizer", timeout: 30, concurrency: 8, retry: RetryPolicy(maxAttempts: 1),
                                         cache: cache.map { ResponseCache(directory: $0) }))
    }

    static func options(_ target: String, mode: TabularMode = .chat, testRows: Int = 50, fewShot: Int = 5) -> TabularLearnOptions {
        var options = TabularLearnOptions(target: target)
        options.mode = mode
        options.testRows = testRows
        options.fewShot = fewShot
        return options
    }

    @Test func theSignTestIsTheExactBinomialOfTheDiscordantRows() throws {
        // 8 rows right only in the first, 1 only in the second, 3 ties: P(X ≥ 8), X ~ Bin(9, 1/2) = (9 + 1) / 512.
        let first: [Double] = [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1]
        let second: [Double] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1]
        let test = try #require(PairedTests.signTest(first: first, second: second))
        #expect(test.positives == 8 && test.negatives == 1 && test.ties == 3)
        #expect(abs(test.pValue - 10.0 / 512.0) < 1e-12)
        // No discordant row: p = 1.
        #expect(PairedTests.signTest(first: [1, 0], second: [1, 0])?.pValue == 1)
    }

    @Test(arguments: [TabularMode.chat, .completion])
    func aModelThatMemorizedTheFileLosesAccuracyOnPerturbedRows(mode: TabularMode) async throws {
        let iris = try Self.iris()
        let server = try TabularLearnFixtures.memorizer(of: iris, target: "species")
        defer { server.stop() }
        let plan = try TabularLearnPlanner.plan(iris, options: Self.options("species", mode: mode))
        let report = try await TabularLearnRunner(client: Self.client(server)).run(plan)
        let original = try #require(report.result(.original)), perturbed = try #require(report.result(.perturbed))
        #expect(original.correct == 50 && original.n == 50, "every original row is answered from memory")
        #expect(perturbed.accuracy < 0.6, "a guess on rows it never saw: \(perturbed.correct)/50")
        #expect(report.drop > 0.4 && report.dropPValue < TabularLearnScorer.inflatedP)
        #expect(report.perturbedOnly == 0 && report.originalOnly == 50 - perturbed.correct)
        #expect(report.verdict == .inflated && report.inflated)
        #expect(report.versions.allSatisfy { $0.parseable == $0.n }, "every answer names a class of its version")
        #expect(report.perturbedRowsInOriginal == 0)
        #expect(original.ciHigh == 1 && original.ciLow > 0.9)
        print("memorizer on iris (\(mode.rawValue)): original \(original.correct)/50, perturbed \(perturbed.correct)/50, task \(report.result(.task)!.correct)/50, statistical \(report.result(.statistical)!.correct)/50, drop \(report.drop), p \(report.dropPValue)")
    }

    @Test(arguments: [TabularMode.chat, .completion])
    func aModelThatNeverSawTheFileShowsNoDrop(mode: TabularMode) async throws {
        let seen = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 200, seed: 1), name: "seen")
        let unseen = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 200, seed: 2), name: "unseen")
        let server = try TabularLearnFixtures.memorizer(of: seen, target: "class")
        defer { server.stop() }
        let plan = try TabularLearnPlanner.plan(unseen, options: Self.options("class", mode: mode))
        let report = try await TabularLearnRunner(client: Self.client(server)).run(plan)
        let accuracies = report.versions.map(\.correct)
        #expect(Set(accuracies).count == 1, "the same guesses in every version: \(accuracies)")
        #expect(report.drop == 0 && report.dropPValue == 1)
        #expect(report.verdict == .noEvidence)
        #expect(report.reason == "the same accuracy on original and perturbed rows")
        // The memorizer of the seen file on the seen file: a drop.
        let control = try await TabularLearnRunner(client: Self.client(server)).run(try TabularLearnPlanner.plan(seen, options: Self.options("class", mode: mode)))
        #expect(control.verdict == .inflated)
        print("memorizer of seen.csv on unseen.csv (\(mode.rawValue)): \(accuracies) of 50, drop \(report.drop), p \(report.dropPValue); on seen.csv: drop \(control.drop), p \(control.dropPValue)")
    }

    @Test func aRerunIsServedEntirelyFromTheCache() async throws {
        let iris = try Self.iris()
        let server = try TabularLearnFixtures.memorizer(of: iris, target: "species")
        defer { server.stop() }
        let cache = TestDirectory("learn-cache")
        defer { cache.cleanup() }
        let plan = try TabularLearnPlanner.plan(iris, options: Self.options("species", testRows: 10, fewShot: 3))
        let first = try await TabularLearnRunner(client: Self.client(server, cache: cache.path)).run(plan)
        #expect(first.requestsSent == 40 && first.cacheHits == 0 && server.requestCount == 40)
        let again = try await TabularLearnRunner(client: Self.client(server, cache: cache.path)).run(plan)
        #expect(again.requestsSent == 0 && again.cacheHits == 40 && server.requestCount == 40)
        #expect(again.versions.map { $0.outcomes.map(\.answer) } == first.versions.map { $0.outcomes.map(\.answer) })
        #expect(again.versions.allSatisfy { $0.outcomes.allSatisfy(\.cached) })
    }

    @Test func aDeadEndpointIsAClearErrorNamingTheQuery() async throws {
        let iris = try Self.iris()
        let plan = try TabularLearnPlanner.plan(iris, options: Self.options("species", testRows: 2, fewShot: 1))
        let client = ModelClient(configuration: .init(endpoint: URL(string: "http://127.0.0.1:9/v1")!, model: "m", timeout: 5, concurrency: 1, retry: RetryPolicy(maxAttempts: 1)))
        await #expect { _ = try await TabularLearnRunner(client: client).run(plan) } throws: { error in
            let text = "\(error)"
            // Which query fails first depends on the scheduler; each names its dataset, version and number.
            return text.hasPrefix("iris: learn, ") && text.contains(" version, query ") && text.contains(" of 2: could not reach POST http://127.0.0.1:9/v1/chat/completions") && text.contains("connection refused")
        }
    }

    @Test func emptyAnswersAndAnswersThatAreNoClassAreWrongAndSaidSo() async throws {
        let iris = try Self.iris()
        let plan = try TabularLearnPlanner.plan(iris, options: Self.options("species", testRows: 6, fewShot: 2))
        let empty = try TabularLearnFixtures.constant("\n")
        defer { empty.stop() }
        let silent = try await TabularLearnRunner(client: Self.client(empty)).run(plan)
        #expect(silent.versions.allSatisfy { $0.correct == 0 && $0.empty == 6 && $0.parseable == 0 })
        #expect(silent.verdict == .inconclusive)
        #expect(silent.reason.hasPrefix("no answer in the original version named a class (6 empty, 0 not a class)"))
        let banana = try TabularLearnFixtures.constant("species = banana")
        defer { banana.stop() }
        let wrong = try await TabularLearnRunner(client: Self.client(banana)).run(plan)
        #expect(wrong.versions.allSatisfy { $0.notAClass == 6 && $0.note == "no answer named a class (0 empty, 6 not a class)" })
        #expect(wrong.verdict == .inconclusive)
        let text = TabularLearnRenderer.human(wrong, colour: false)
        #expect(text.contains("Answers counted wrong because they name no class (24):"))
        #expect(text.contains("  original, query 1 (line \(plan.original.lineNumbers[plan.testRows[0]])): not a class: \"species = banana\""))
    }

    @Test func theReportsCarryTheContractKeys() async throws {
        let iris = try Self.iris()
        let server = try TabularLearnFixtures.memorizer(of: iris, target: "species")
        defer { server.stop() }
        let plan = try TabularLearnPlanner.plan(iris, options: Self.options("species", testRows: 20, fewShot: 3))
        let report = try await TabularLearnRunner(client: Self.client(server)).run(plan)
        let line = TabularLearnRenderer.json(report)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "learn" && object["dataset"] as? String == "iris")
        #expect(object["verdict"] as? String == "accuracy inflated by memorization")
        #expect((object["drop_p_value"] as? Double).map { $0 < 0.01 } == true)
        let accuracy = try #require(object["accuracy"] as? [String: [String: Any]])
        #expect(Set(accuracy.keys) == ["original", "perturbed", "task", "statistical"])
        for (_, version) in accuracy {
            for key in ["accuracy", "correct", "n", "ci_low", "ci_high"] { #expect(version[key] != nil, "\(key)") }
        }
        #expect(accuracy["original"]?["correct"] as? Int == 20)

        let text = TabularLearnRenderer.human(report, colour: false)
        #expect(text.contains("original     100.0 %   83.9 % – 100.0 %"))
        #expect(text.contains("Verdict: accuracy inflated by memorization (accuracy drops by"))
        #expect(text.contains("  perturbed: 4 numeric features (sepal_length, sepal_width, petal_length, petal_width) moved by one unit in the last digit"))
        #expect(text.contains("0 of 150 rows still occur in the original"))
        #expect(text.contains("Majority-class baseline: "))

        let html = TabularLearnRenderer.html(report, title: "learn <iris>")
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<title>learn &lt;iris&gt;</title>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("<h2 id=\"statistical\">"))
        #expect(html.components(separatedBy: "<tr class=").count - 1 == 80, "every query of every version")
    }
}
