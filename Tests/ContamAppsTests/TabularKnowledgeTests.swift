import Foundation
import Testing
@testable import ContamStatistics
@testable import ContamModel
@testable import ContamApps
import ContamTestSupport

/// The sample, feature-values and dataset-name tests: prompts, baselines against plain references, matching,
/// and the verdicts of a memorizing and a non-memorizing model (in process and over HTTP).
@Suite struct TabularKnowledgeTests {
    static let kinds: [TabularTestKind] = [.sample, .featureValues, .datasetName]

    func options(_ mode: TabularMode, seed: UInt64 = 0, queries: Int = 25) -> TabularOptions {
        var options = TabularOptions()
        options.mode = mode
        options.seed = seed
        options.queries = queries
        options.tests = Self.kinds
        return options
    }

    var mine: TabularDataset { get throws { try TabularFixtures.dataset("a,b,c\n1,x,2.5\n2,y,3.5\n3,x,4\n4,z,5.25\n5,y,6\n6,x,7\n7,y,8\n", name: "mine") } }
    var other: TabularDataset { get throws { try TabularFixtures.dataset("u,v\n10,p\n20,q\n30,r\n", name: "other") } }

    // MARK: Prompts

    @Test func samplePromptsAreExactInBothModes() throws {
        let dataset = try mine, pool = try other
        let otherRows = ["u = 10, v = p", "u = 20, v = q", "u = 30, v = r"]
        for mode in [TabularMode.chat, .completion] {
            let plan = try TabularPlanner.plan(dataset, options: options(mode), fewShot: [pool])
            let sample = try #require(plan.tests.first { $0.test == .sample })
            #expect(sample.queries.count == 25)
            var seeds = Set<Int>()
            for (k, query) in sample.queries.enumerated() {
                #expect(query.request.temperature == 0.7)
                let seed = try #require(query.request.seed)
                #expect(seed == Int((UInt64(k) & 0x7FFF_FFFF)), "sample k of run seed 0 has seed k")
                seeds.insert(seed)
                #expect(query.prompt == "Dataset: mine\nFeature Names: a, b, c")
                switch mode {
                case .chat:
                    let messages = query.request.messages
                    #expect(messages.map(\.role) == ["system", "user", "assistant", "user"])
                    #expect(messages[0].content == TabularKnowledgePlanner.SystemPrompt.sample)
                    #expect(messages[1].content == "Dataset: other\nFeature Names: u, v")
                    #expect(otherRows.contains(messages[2].content))
                    #expect(messages[3].content == "Dataset: mine\nFeature Names: a, b, c")
                case .completion:
                    let prompt = query.request.prompt
                    #expect(otherRows.contains { prompt == "Dataset: other\nFeature Names: u, v\nRandom Sample: \($0)\n\nDataset: mine\nFeature Names: a, b, c\nRandom Sample: " }, "\(prompt)")
                }
            }
            #expect(seeds.count == 25, "every sample is its own request")
            // The same options give byte-identical requests; another seed other ones.
            let again = try TabularPlanner.plan(dataset, options: options(mode), fewShot: [pool])
            let bodies = { (plan: TabularPlan) in plan.allQueries.map { $0.request.body(model: "m") } }
            #expect(bodies(again) == bodies(plan))
            #expect(Set(bodies(plan)).count == plan.allQueries.count)
            let reseeded = try TabularPlanner.plan(dataset, options: options(mode, seed: 5), fewShot: [pool])
            #expect(Set(bodies(reseeded)).isDisjoint(with: Set(bodies(plan).prefix(25))))
        }
    }

    @Test func featureValuesQueriesDifferByTheirFewShotRows() throws {
        let dataset = try mine
        let pool = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 40, seed: 3, header: "u,v,w,x,y"), name: "pool")
        for mode in [TabularMode.chat, .completion] {
            let plan = try TabularPlanner.plan(dataset, options: options(mode), fewShot: [pool])
            let values = try #require(plan.tests.first { $0.test == .featureValues })
            #expect(values.queries.count == 5)
            #expect(values.queries.allSatisfy { $0.request.temperature == 0 && $0.request.seed == nil })
            #expect(Set(values.queries.map { $0.request.body(model: "m") }).count == 5)
            if mode == .chat {
                #expect(values.queries.allSatisfy { $0.request.messages.last?.content == "Dataset: mine\nFeature Names: a, b, c" && $0.request.messages.count == 4 })
            } else {
                #expect(values.queries.allSatisfy { $0.request.prompt.hasSuffix("\n\nDataset: mine\nFeature Names: a, b, c\nRandom Sample: ") })
            }
            // Without other datasets the queries would all be the same request: one is asked, and the notes say why.
            let alone = try TabularPlanner.plan(dataset, options: options(mode), fewShot: [])
            let single = try #require(alone.tests.first { $0.test == .featureValues })
            #expect(single.queries.count == 1)
            #expect(single.notes.contains { $0.hasPrefix("1 distinct query of 5") && $0.hasSuffix("and there are none") })
            #expect(single.queries[0].request.label == "mine: feature-values test, query 1 of 1")
        }
        // --queries below 5 caps it.
        let three = try TabularPlanner.plan(dataset, options: options(.chat, queries: 3), fewShot: [pool])
        #expect(three.tests.first { $0.test == .featureValues }?.queries.count == 3)
    }

    @Test func datasetNamePromptsAreExactInBothModes() throws {
        let dataset = try mine, pool = try other
        let shown = "a,b,c\n1,x,2.5\n2,y,3.5\n3,x,4\n4,z,5.25\n5,y,6"
        let chat = try TabularPlanner.plan(dataset, options: options(.chat), fewShot: [pool])
        let query = try #require(chat.tests.first { $0.test == .datasetName }?.queries.first)
        #expect(query.request.messages == [.system(TabularKnowledgePlanner.SystemPrompt.datasetName), .user("u,v\n10,p\n20,q\n30,r"), .assistant("other"), .user(shown)])
        #expect(query.prompt == shown && query.truth == "mine")
        #expect(query.request.temperature == 0)
        let completion = try TabularPlanner.plan(dataset, options: options(.completion), fewShot: [pool])
        let raw = try #require(completion.tests.first { $0.test == .datasetName }?.queries.first)
        #expect(raw.request.prompt == "Rows:\nu,v\n10,p\n20,q\n30,r\nDataset name: other\n\nRows:\n\(shown)\nDataset name:")
    }

    @Test func theTestedDatasetIsNeverItsOwnFewShot() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 60, seed: 8), name: "secret")
        // The same table under another name and with its columns reordered is still the tested dataset.
        let text = TabularFixtures.randomCSV(rows: 60, seed: 8)
        let reordered = text.split(separator: "\n").map { line -> String in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return [f[4], f[0], f[1], f[2], f[3]].joined(separator: ",")
        }.joined(separator: "\n")
        let copy = try TabularFixtures.dataset(reordered, name: "secret-copy")
        let unrelated = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 60, seed: 9, header: "p,q,r,s,t"), name: "unrelated")
        for mode in [TabularMode.chat, .completion] {
            let plan = try TabularPlanner.plan(dataset, options: options(mode), fewShot: [copy, dataset, unrelated])
            #expect(plan.fewShotDatasets == ["unrelated"])
            for query in plan.allQueries {
                let context = mode == .chat ? query.request.messages.dropLast().map(\.content).joined(separator: "\n") : String(query.request.prompt.dropLast(query.prompt.count + 40))
                #expect(!context.contains("secret"), "\(query.test)")
                #expect(!context.contains("alpha"), "\(query.test): the tested dataset's features in the few-shot")
            }
        }
    }

    // MARK: Baselines against plain references

    /// Every permutation of `0..<n`.
    func permutations(_ n: Int) -> [[Int]] {
        guard n > 0 else { return [[]] }
        return permutations(n - 1).flatMap { p in (0...p.count).map { i in var q = p; q.insert(n - 1, at: i); return q } }
    }

    @Test func shuffledColumnsBaselineIsTheMeanOverEveryPermutation() throws {
        var rng = TabularRandom(seed: 11)
        var tables: [[[String]]] = [[["a", "x"], ["a", "y"], ["b", "x"], ["a", "x"]], [["1", "1", "1"], ["1", "1", "1"]]]
        for _ in 0..<8 {
            let n = rng.int(in: 2..<5), width = rng.int(in: 2..<4)
            tables.append((0..<n).map { _ in (0..<width).map { _ in ["p", "q", "r"][rng.int(in: 0..<3)] } })
        }
        for table in tables {
            let n = table.count, width = table[0].count
            let real = Set(table)
            let orders = permutations(n)
            // Brute force: every combination of one permutation per column (the first column may stay put:
            // permuting all columns alike only reorders the rows).
            var total = 0.0, combinations = 0
            func walk(_ column: Int, _ chosen: [[Int]]) {
                if column == width {
                    var inReal = 0
                    for row in 0..<n where real.contains((0..<width).map { table[chosen[$0][row]][$0] }) { inReal += 1 }
                    total += Double(inReal) / Double(n)
                    combinations += 1
                    return
                }
                for order in (column == 0 ? [Array(0..<n)] : orders) { walk(column + 1, chosen + [order]) }
            }
            walk(0, [])
            let brute = total / Double(combinations)
            #expect(abs(TabularKnowledgePlanner.shuffledColumnsRate(table) - brute) < 1e-12, "\(table)")
        }
        // Hand-computed: the first table's distinct rows (a,x), (a,y), (b,x): ¾·¾ + ¾·¼ + ¼·¾ = 15/16.
        #expect(abs(TabularKnowledgePlanner.shuffledColumnsRate(tables[0]) - 15.0 / 16) < 1e-12)
        // A table whose every row is unique in a unique-valued column scores 1/n.
        #expect(abs(TabularKnowledgePlanner.shuffledColumnsRate([["1", "a"], ["2", "b"], ["3", "c"], ["4", "d"]]) - 0.25) < 1e-12)
    }

    @Test func gridBaselineMatchesHandComputedValues() throws {
        #expect(TabularKnowledgePlanner.decimals("2.50") == 2)
        #expect(TabularKnowledgePlanner.decimals("3") == 0)
        #expect(TabularKnowledgePlanner.decimals("-0.125") == 3)
        #expect(TabularKnowledgePlanner.decimals("1.5e-3") == 4)
        #expect(TabularKnowledgePlanner.decimals("2E+2") == 0)
        let rows = [["1.5", "10", "a", "7"], ["2.0", "20", "b", ""], ["1.5", "30", "a", "NA"], ["3", "20", "c", "8"]]
        #expect(TabularKnowledgePlanner.numericColumns(rows, featureCount: 4) == [0, 1])
        // Column 0: written 1.5, 2.0, 3 (3 values) on 1.5, 1.6, …, 3.0 (16 points).
        #expect(TabularKnowledgePlanner.gridRate(column: 0, rows: rows) == 3.0 / 16)
        // Column 1: 10, 20, 30 on 10…30 (21 points).
        #expect(TabularKnowledgePlanner.gridRate(column: 1, rows: rows) == 3.0 / 21)
        // "5.10" and "5.1" are two written values on one point: capped at 1.
        #expect(TabularKnowledgePlanner.gridRate(column: 0, rows: [["5.10"], ["5.1"]]) == 1)
        // The plan's baseline is the mean over the numeric columns; Iris's: 35/37, 23/25, 43/60, 22/25.
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        let plan = try TabularPlanner.plan(iris, options: options(.chat), fewShot: [])
        let reference = try #require(plan.tests.first { $0.test == .featureValues }?.knowledge)
        #expect(reference.numericColumns == [0, 1, 2, 3])
        let expected = (35.0 / 37 + 23.0 / 25 + 43.0 / 60 + 22.0 / 25) / 4
        #expect(abs(reference.gridBaseline - expected) < 1e-12, "\(reference.gridRates)")
        // A table without numbers: n/a with the reason.
        let words = try TabularFixtures.dataset("colour,shape\nred,round\nblue,square\n", name: "words")
        let none = try TabularPlanner.plan(words, options: options(.chat), fewShot: [])
        #expect(none.tests.first { $0.test == .featureValues }?.notApplicable?.hasPrefix("no numeric feature") == true)
    }

    // MARK: Parsing and matching

    @Test func generatedRowsAreParsedRobustly() {
        let names = ["Name", "Age", "Fare"]
        #expect(TabularKnowledgeScorer.parsedSample("Name = \"Braund, Mr. Owen Harris\", Age = 22, Fare = 7.25", featureNames: names) == ["Braund, Mr. Owen Harris", "22", "7.25"])
        #expect(TabularKnowledgeScorer.parsedSample("Random Sample: Name=Ann,Age=3\nmore text", featureNames: names) == ["Ann", "3", nil])
        #expect(TabularKnowledgeScorer.parsedSample("Here is a sample:\nName = Bo\nAge = 4\nFare = '1'", featureNames: names) == ["Bo", "4", "1"])
        // Names match ignoring case; a part without a new known name continues the value before it.
        #expect(TabularKnowledgeScorer.parsedSample("age = 5, Colour = red, Age = 6", featureNames: names) == [nil, "5, Colour = red, Age = 6", nil])
        #expect(TabularKnowledgeScorer.parsedSample("I cannot do that.", featureNames: names) == [nil, nil, nil])
    }

    @Test func namesAreNormalizedAndMatched() throws {
        #expect(TabularKnowledgeScorer.normalizedName("UCI_Wine-Quality.csv") == "wine quality")
        #expect(TabularKnowledgeScorer.normalizedName("titanic-train") == "titanic")
        #expect(TabularKnowledgeScorer.normalizedName("The Kaggle Dataset") == "")
        let hit = TabularKnowledgeScorer.nameMatch("This is the Titanic dataset.\nIt has …", aliases: ["titanic"])
        #expect(hit.hits == ["titanic"] && hit.normalized == "this is titanic")
        #expect(TabularKnowledgeScorer.nameMatch("Dataset name: Titanic", aliases: ["titanic"]).normalized == "titanic")
        #expect(TabularKnowledgeScorer.nameMatch("titanicus", aliases: ["titanic"]).hits.isEmpty, "whole words only")
        let near = TabularKnowledgeScorer.nameMatch("Titanc", aliases: ["titanic"])
        #expect(near.hits.isEmpty && abs(near.distance - 1.0 / 7) < 1e-12)

        func verdict(_ dataset: TabularDataset, _ answer: String, aliases: [String] = []) throws -> TabularTestResult {
            var opts = options(.chat)
            opts.tests = [.datasetName]
            if !aliases.isEmpty { opts.datasetAliases[dataset.name] = aliases }
            let plan = try TabularPlanner.plan(dataset, options: opts, fewShot: [])
            return TabularScorer.score(plan.tests[0], answers: [ModelResponse(text: answer, finishReason: nil, fromCache: false)])
        }
        let secret = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 20, seed: 1), name: "secret-survey")
        #expect(try verdict(secret, "The Secret Survey dataset").verdict == .memorized)
        #expect(try verdict(secret, "secret survy").verdict == .inconclusive)
        #expect(try verdict(secret, "secret survy").reason.contains("near 'secret survey'"))
        #expect(try verdict(secret, "Iris").verdict == .noEvidence)
        #expect(try verdict(secret, "Forest Census 1999", aliases: ["Forest Census 1999"]).verdict == .memorized)
        // Iris: "iris" can be read off the rows shown ("Iris-setosa"), so naming it proves nothing.
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        let readable = try verdict(iris, "Iris")
        #expect(readable.verdict == .inconclusive && readable.reason.contains("can be read off the prompt"))
        #expect(readable.baselineText == "readable in the prompt ('iris')")
        // … unless the model gives an alias that is not in the prompt.
        #expect(try verdict(iris, "Fisher's Iris data", aliases: ["Fisher's Iris"]).verdict == .memorized)
        // A name that normalizes to nothing cannot be tested without aliases.
        let train = try TabularFixtures.dataset("a,b\n1,2\n", name: "train")
        #expect(try verdict(train, "x").verdict == .notApplicable)
        #expect(try verdict(train, "the abalone data", aliases: ["abalone"]).verdict == .memorized)
    }

    @Test func aliasFilesAreParsedAndBadLinesNamed() throws {
        let aliases = try TabularAliases.parse("# names\niris: Fisher's Iris, iris flowers\n\ntitanic-train: Titanic passengers\niris: Anderson's Iris\n", path: "a.txt")
        #expect(aliases == ["iris": ["Fisher's Iris", "iris flowers", "Anderson's Iris"], "titanic-train": ["Titanic passengers"]])
        #expect(throws: TabularError.aliases(path: "a.txt", line: 2, reason: "expected 'name: alias, alias, …' (a dataset's name, a colon, its other names), found 'titanic Titanic'")) {
            try TabularAliases.parse("iris: x\ntitanic Titanic\n", path: "a.txt")
        }
        #expect { try TabularAliases.parse("iris:  ,\n", path: "a.txt") } throws: { "\($0)" == "a.txt:1: no alias after 'iris:'; write 'name: alias, alias, …'" }
        #expect { try TabularAliases.load(path: "/no/such/aliases.txt") } throws: { "\($0)".hasPrefix("/no/such/aliases.txt: cannot read") }
        // Keys match the dataset by name or by normalized name.
        var opts = TabularOptions()
        opts.datasetAliases = ["titanic.csv": ["RMS"], "iris": ["Fisher"]]
        let titanic = try TabularFixtures.dataset("a,b\n1,2\n", name: "titanic-train")
        #expect(TabularKnowledgePlanner.userAliases(titanic, opts) == ["RMS"])
    }

    @Test func optionsWrittenBeforeTheNewTestsStillDecode() throws {
        let old = #"{"mode":"completion","tests":["row"],"queries":3,"prefixRows":10,"seed":4,"headerCutRows":[2],"headerCharacters":9,"rowFewShot":1,"featureFewShot":2,"fewShotDatasets":0,"maxRows":50}"#
        let decoded = try JSONDecoder().decode(TabularOptions.self, from: Data(old.utf8))
        #expect(decoded.mode == .completion && decoded.tests == [.row] && decoded.queries == 3 && decoded.maxRows == 50)
        #expect(decoded.sampleTemperature == 0.7 && decoded.datasetAliases.isEmpty && decoded.datasetNameRows == 5)
        var current = TabularOptions()
        current.datasetAliases = ["x": ["y"]]
        #expect(try JSONDecoder().decode(TabularOptions.self, from: JSONEncoder().encode(current)) == current)
    }

    // MARK: Known counts

    @Test func knownCountsGiveKnownStatistics() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 100, seed: 12), name: "known")
        let plan = try TabularPlanner.plan(dataset, options: options(.chat, queries: 10), fewShot: [])
        let sample = try #require(plan.tests.first { $0.test == .sample })
        // 3 real rows (one quoted and padded), 1 real row missing three of five features (invalid), 6 invented rows.
        var texts = (1...3).map { TabularKnowledgePlanner.sampleText(dataset, row: $0 * 7) }
        texts[1] = texts[1].replacingOccurrences(of: "alpha = ", with: "alpha = \"") .replacingOccurrences(of: ", beta", with: "\" , beta")
        let fields = dataset.fields[50]
        texts.append("alpha = \(fields[0]), beta = \(fields[1])")
        texts += (0..<6).map { "alpha = 0.\($0), beta = -1, gamma = 0, colour = none, class = c9" }
        let result = TabularScorer.score(sample, answers: texts.map { ModelResponse(text: $0, finishReason: nil, fromCache: false) })
        let rate = try #require(sample.knowledge?.shuffledColumnsRate)
        #expect(result.statistic == 3 && result.outOf == 10)
        #expect(result.pValue == Binomial.upperTail(successes: 3, trials: 10, probability: max(rate, TabularScorer.baselineFloor)))
        #expect(result.verdict == .memorized)
        #expect(result.figures["valid samples"] == 9)
        #expect(result.notes.contains("1 answer gave no usable sample, counted as misses (query 4)"))
        #expect(result.queries[3].truth == TabularPlanner.serialize(fields.map(TabularPlanner.trimmed), names: dataset.featureNames), "the closest row of a partial sample is its row")

        let values = try #require(plan.tests.first { $0.test == .featureValues })
        #expect(values.queries.count == 1)
        // alpha and gamma as written, beta not; colour a real category, class not.
        let row = dataset.fields[9]
        let answer = "alpha = \(row[0]), beta = 1234, gamma = \(row[2]), colour = \(row[3]), class = c7"
        let scored = TabularScorer.score(values, answers: [ModelResponse(text: answer, finishReason: nil, fromCache: false)])
        #expect(scored.statistic == 2 && scored.outOf == 3)
        #expect(scored.figures["category values as written"] == 1 && scored.figures["category values"] == 2)
        let baseline = try #require(values.knowledge?.gridBaseline)
        #expect(scored.pValue == Binomial.upperTail(successes: 2, trials: 3, probability: max(baseline, TabularScorer.baselineFloor)))
        let garbage = TabularScorer.score(values, answers: [ModelResponse(text: "no idea", finishReason: nil, fromCache: false)])
        #expect(garbage.statistic == 0 && garbage.verdict == .noEvidence)
        #expect(garbage.notes.contains { $0.hasPrefix("1 answer gave no \"feature = value\" pair, counted as misses (query 1)") })
    }

    // MARK: The issue's acceptance: a memorizer is caught, a dataset it did not memorize is not

    @Test func memorizerIsCaughtAndAnUnseenDatasetIsNot() throws {
        let secret = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 300, seed: 21), name: "secret")
        // The same features, other values: the memorizer answers with rows of the dataset it knows.
        let fresh = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 300, seed: 77), name: "fresh")
        let pool = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 50, seed: 22, name: "o", header: "u,v,w,x,y"), name: "other")
        for mode in [TabularMode.chat, .completion] {
            for seed in 0..<3 as Range<UInt64> {
                for dataset in [secret, fresh] {
                    let plan = try TabularPlanner.plan(dataset, options: options(mode, seed: seed), fewShot: [pool])
                    let report = TabularRunner.report(plan: plan, answers: TabularFixtures.answers(plan) { TabularFixtures.memorizingAnswer($0.request, dataset: secret) }, model: "m", endpoint: "e")
                    #expect(report.tests.map(\.test) == Self.kinds)
                    for test in report.tests {
                        if dataset.name == "secret" {
                            #expect(test.verdict == .memorized, "\(mode) \(seed) \(test.test): \(test.statisticText), \(test.reason)")
                        } else {
                            // Its rows' numbers land in another table's columns at about the grid rate: never memorized.
                            #expect(test.test == .featureValues ? test.verdict != .memorized : test.verdict == .noEvidence, "\(mode) \(seed) \(test.test): \(test.statisticText), \(test.reason)")
                        }
                    }
                    var rng = TabularRandom(seed: seed, stream: "random")
                    let random = TabularRunner.report(plan: plan, answers: TabularFixtures.answers(plan) { TabularFixtures.randomAnswer($0, rng: &rng) }, model: "m", endpoint: "e")
                    #expect(random.tests.allSatisfy { $0.verdict != .memorized }, "\(random.tests.map { "\($0.test): \($0.statisticText) \($0.reason)" })")
                }
            }
        }
    }

    @Test func overHTTPInBothModesAndARerunSendsNothing() async throws {
        let directory = try temporaryDirectory("tabular-knowledge")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeTestFile(atPath: directory + "/secret.csv", text: TabularFixtures.randomCSV(rows: 200, seed: 31))
        try writeTestFile(atPath: directory + "/fresh.csv", text: TabularFixtures.randomCSV(rows: 200, seed: 32))
        let secret = try TabularDataset.load(path: directory + "/secret.csv")
        let pool = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 50, seed: 33, header: "u,v,w,x,y"), name: "other")
        let server = try TestHTTPServer { request, _ in
            guard let modelRequest = TabularFixtures.request(from: request) else { return .json("{}", status: 400) }
            return .json(TabularFixtures.responseBody(TabularFixtures.memorizingAnswer(modelRequest, dataset: secret), kind: modelRequest.kind))
        }
        defer { server.stop() }
        let files = [directory + "/secret.csv", directory + "/fresh.csv"]
        for mode in [TabularMode.chat, .completion] {
            var opts = options(mode, queries: 10)
            opts.tests = TabularTestKind.allCases
            var sent = 0
            for run in 0..<2 {
                let client = ModelClient(configuration: .init(endpoint: server.baseURL, model: "m", retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.02),
                                                              cache: ResponseCache(directory: directory + "/cache")))
                let before = server.requestCount
                let reports = await TabularScan(options: opts, fewShot: [pool], client: client).run(files: files)
                for kind in Self.kinds {
                    let known = try #require(reports[0].tests.first { $0.test == kind })
                    let unseen = try #require(reports[1].tests.first { $0.test == kind })
                    #expect(known.verdict == .memorized, "\(mode) \(kind): \(known.statisticText) \(known.reason)")
                    #expect(kind == .featureValues ? unseen.verdict != .memorized : unseen.verdict == .noEvidence, "\(mode) \(kind): \(unseen.statisticText) \(unseen.reason)")
                }
                if run == 0 {
                    sent = server.requestCount - before
                    #expect(sent == reports[0].requestsSent + reports[1].requestsSent && sent > 0)
                } else {
                    #expect(server.requestCount == before, "the rerun is served from the cache")
                    #expect(reports[0].cacheHits + reports[1].cacheHits == sent)
                }
                // The summary, Markdown and JSON carry the new tests.
                let summary = TabularReportRenderer.summaryTable(reports, tests: opts.tests, colour: false)
                #expect(summary.contains("SAMPLE") && summary.contains("FEATURE VALUES") && summary.contains("DATASET NAME"))
                let sampleCell = TabularReportRenderer.compactCell(try #require(reports[0].tests.first { $0.test == .sample }))
                #expect(sampleCell.hasPrefix("10/10 (") && sampleCell.hasSuffix(") MEMORIZED") && summary.contains(sampleCell), "\(summary)")
                #expect(summary.contains("1/1 (hidden) MEMORIZED") && summary.contains("0/1 (hidden) no"))
                let markdown = TabularReportRenderer.markdown(reports, tests: opts.tests)
                #expect(markdown.contains("| sample test | feature-values test | dataset-name test |"))
                #expect(markdown.contains("10/10 samples are real rows vs "))
                #expect(markdown.contains("named it ('secret') vs not readable in the prompt: **memorized**"))
                let json = TabularReportRenderer.json(reports[0])
                #expect(json.contains("\"test\":\"sample\"") && json.contains("\"test\":\"feature-values\"") && json.contains("\"test\":\"dataset-name\""))
                let human = TabularReportRenderer.human(reports[0], colour: false)
                #expect(human.contains("sample test — memorized") && human.contains("feature-values test — memorized") && human.contains("dataset-name test — memorized"))
            }
        }
    }
}
