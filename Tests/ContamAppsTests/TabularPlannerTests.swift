import Foundation
import Testing
@testable import ContamApps

@Suite struct TabularPlannerTests {
    func options(_ mode: TabularMode, seed: UInt64 = 3, queries: Int = 25) -> TabularOptions {
        var options = TabularOptions()
        options.mode = mode
        options.seed = seed
        options.queries = queries
        return options
    }

    @Test func headerCutsArePrefixesOfTheFileInsideTheRow() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 60, seed: 1))
        let text = dataset.lines.joined(separator: "\n")
        for seed in 0..<20 as Range<UInt64> {
            let plan = try TabularPlanner.plan(dataset, options: options(.completion, seed: seed), fewShot: [])
            let header = try #require(plan.tests.first { $0.test == .header })
            #expect(header.queries.map(\.cutRow) == [2, 4, 6, 8])
            for query in header.queries {
                #expect(text.hasPrefix(query.request.prompt))
                #expect(query.prompt == query.request.prompt)
                #expect(text.dropFirst(query.prompt.count).hasPrefix(query.truth))
                #expect(query.truth.count == 500)
                // The cut is inside the row, between a third and two thirds of its length.
                let row = try #require(query.cutRow)
                let rowStart = dataset.lines[0..<row].reduce(0) { $0 + $1.count + 1 }
                let cut = query.prompt.count - rowStart
                let length = dataset.lines[row].count
                #expect(cut >= length / 3 && cut < max(length / 3 + 1, 2 * length / 3))
                #expect(query.rowEnds.first == length - cut)
            }
        }
    }

    @Test func chatHeaderFewShotUsesOtherDatasetsCutAtTheSameOffset() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 60, seed: 1), name: "mine")
        let other = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 60, seed: 2, name: "other", header: "u,v,w,x,y"), name: "other")
        let plan = try TabularPlanner.plan(dataset, options: options(.chat), fewShot: [other, dataset])
        #expect(plan.fewShotDatasets == ["other"])
        let query = try #require(plan.tests.first?.queries.first)
        let messages = query.request.messages
        #expect(messages.map(\.role) == ["system", "user", "assistant", "user"])
        #expect(messages[1].content.count == query.prompt.count)
        #expect(other.lines.joined(separator: "\n").hasPrefix(messages[1].content + messages[2].content))
        #expect(messages[3].content == query.prompt)
    }

    @Test func rowQueriesAreConsecutiveRowsAndTheNextRow() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 100, seed: 4))
        let plan = try TabularPlanner.plan(dataset, options: options(.completion), fewShot: [])
        let row = try #require(plan.tests.first { $0.test == .row })
        #expect(row.queries.count == 25)
        var truths = Set<String>()
        for query in row.queries {
            let shown = query.request.prompt.dropLast().components(separatedBy: "\n")
            #expect(query.request.prompt.hasSuffix("\n"))
            #expect(shown.count == 10)
            let start = try #require(dataset.lines.firstIndex(of: shown[0]))
            #expect(Array(dataset.lines[start..<(start + 10)]) == shown)
            #expect(dataset.lines[start + 10] == query.truth)
            truths.insert(query.truth)
        }
        #expect(truths.count == 25, "25 distinct windows")
    }

    @Test func chatFewShotNeverContainsTheAskedRow() throws {
        // Adversarial: a file of few distinct rows, so most windows contain the asked row.
        var lines = ["a,b"]
        for i in 0..<80 { lines.append(i % 9 == 0 ? "\(i),x" : "1,y") }
        let dataset = try TabularFixtures.dataset(lines.joined(separator: "\n"))
        for kind in [TabularTestKind.row, .firstToken] {
            var opts = options(.chat)
            opts.tests = [kind]
            let plan = try TabularPlanner.plan(dataset, options: opts, fewShot: [])
            for query in plan.tests[0].queries {
                for message in query.request.messages.dropLast() where message.role != "system" {
                    #expect(!message.content.contains(query.truth), "few-shot contains the asked row \(query.truth)")
                }
            }
        }
    }

    @Test func featureTargetIsTheMostDistinctFeatureOrTheChosenOne() throws {
        let dataset = try TabularFixtures.dataset("id,kind,score\n1,a,5\n2,a,5\n3,b,6\n4,a,7\n")
        #expect(TabularPlanner.mostDistinctFeature(dataset).index == 0)
        var opts = options(.chat, queries: 3)
        opts.tests = [.feature]
        let plan = try TabularPlanner.plan(dataset, options: opts, fewShot: [])
        let query = try #require(plan.tests[0].queries.first)
        #expect(query.feature == "id")
        #expect(query.prompt.hasPrefix("kind = ") && query.prompt.contains(", score = "))
        #expect(query.request.messages.last?.content == query.prompt)
        opts.feature = "nope"
        #expect { try TabularPlanner.plan(dataset, options: opts, fewShot: []) } throws: { error in
            "\(error)" == "test.csv: no feature 'nope' for --feature; the features are: id, kind, score"
        }
        opts.feature = "score"
        let chosen = try TabularPlanner.plan(dataset, options: opts, fewShot: [])
        #expect(chosen.tests[0].queries.allSatisfy { $0.feature == "score" })
        #expect(chosen.tests[0].modeValue == "5" && chosen.tests[0].modeFrequency == 0.5)
    }

    @Test func completionFeaturePromptEndsWithTheTarget() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 40, seed: 5))
        var opts = options(.completion, queries: 4)
        opts.tests = [.feature]
        let plan = try TabularPlanner.plan(dataset, options: opts, fewShot: [])
        for query in plan.tests[0].queries {
            let lines = query.request.prompt.components(separatedBy: "\n")
            #expect(lines.count == 6)
            #expect(lines.last == query.prompt + ", \(query.feature!) =")
            #expect(!lines.dropLast().contains { $0.hasPrefix(query.prompt + ",") }, "the test row is not a few-shot row")
        }
    }

    /// The definition, spelled out: first n characters with ≥ 3 values and the most common under half the rows.
    @Test func firstTokenLengthMatchesTheDefinition() throws {
        var rng = TabularRandom(seed: 9)
        for _ in 0..<60 {
            var lines = ["x,y"]
            let prefixPool = ["1", "12", "123", "2", "22", "9"]
            for _ in 0..<rng.int(in: 1..<40) {
                lines.append(prefixPool[rng.int(in: 0..<prefixPool.count)] + String(rng.int(in: 0..<(rng.int(in: 1..<4) * 10))) + ",z")
            }
            let dataset = try TabularFixtures.dataset(lines.joined(separator: "\n"))
            var expected: Int?
            for n in 1...6 {
                let tokens = lines.dropFirst().map { String($0.prefix(n)) }
                let counts = Dictionary(tokens.map { ($0, 1) }, uniquingKeysWith: +)
                if counts.count >= 3 && Double(counts.values.max()!) < 0.5 * Double(tokens.count) { expected = n; break }
            }
            #expect(TabularPlanner.firstTokenLength(dataset) == expected)
        }
    }

    @Test func sameSeedSameRequestsOtherSeedOthers() throws {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 200, seed: 6))
        for mode in [TabularMode.chat, .completion] {
            let a = try TabularPlanner.plan(dataset, options: options(mode, seed: 1), fewShot: [])
            let b = try TabularPlanner.plan(dataset, options: options(mode, seed: 1), fewShot: [])
            let c = try TabularPlanner.plan(dataset, options: options(mode, seed: 2), fewShot: [])
            let bodies = { (plan: TabularPlan) in plan.allQueries.map { $0.request.body(model: "m") } }
            #expect(bodies(a) == bodies(b))
            #expect(bodies(a) != bodies(c))
            // Choosing fewer tests does not change the others' queries.
            var only = options(mode, seed: 1)
            only.tests = [.feature]
            let d = try TabularPlanner.plan(dataset, options: only, fewShot: [])
            #expect(bodies(d) == a.tests.first { $0.test == .feature }!.queries.map { $0.request.body(model: "m") })
        }
    }

    @Test func smallDatasetsGetNotApplicableNotCrashes() throws {
        let tiny = try TabularFixtures.dataset("a\n1\n")
        let plan = try TabularPlanner.plan(tiny, options: options(.chat), fewShot: [])
        for test in plan.tests {
            #expect(test.notApplicable != nil, "\(test.test)")
            #expect(test.queries.isEmpty)
        }
        let few = try TabularFixtures.dataset("a,b\n1,2\n3,4\n5,6\n")
        let plan2 = try TabularPlanner.plan(few, options: options(.completion), fewShot: [])
        #expect(plan2.tests.first { $0.test == .header }?.queries.map(\.cutRow) == [2])
        #expect(plan2.tests.first { $0.test == .row }?.notApplicable != nil)
        #expect(plan2.tests.first { $0.test == .feature }?.queries.count == 3)
    }

    @Test func featureNamesPrompt() throws {
        let dataset = try TabularFixtures.dataset("sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,Iris-setosa\n", name: "iris")
        let other = try TabularFixtures.dataset("a,b,c,d,e,f,g,h\n1,2,3,4,5,6,7,8\n", name: "letters")
        let chat = try TabularPlanner.plan(dataset, options: { var o = options(.chat); o.tests = [.featureNames]; return o }(), fewShot: [other])
        let query = try #require(chat.tests[0].queries.first)
        #expect(query.truth == "sepal_width, petal_length, petal_width, species")
        #expect(query.request.messages.map(\.content).dropFirst() == ["Dataset: letters. Feature Names: a, b", "c, d, e, f, g, h", "Dataset: iris. Feature Names: sepal_length"])
        let completion = try TabularPlanner.plan(dataset, options: { var o = options(.completion); o.tests = [.featureNames]; return o }(), fewShot: [other])
        #expect(completion.tests[0].queries[0].request.prompt == "Dataset: letters\nNumber of Features: 8\nFeature Names: a, b, c, d, e, f, g, h\n\nDataset: iris\nNumber of Features: 5\nFeature Names: sepal_length, ")
    }
}
