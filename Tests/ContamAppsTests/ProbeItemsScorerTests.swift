import Foundation
import Testing
import ContamTestSupport
import ContamStorage
import ContamText
import ContamCorpus
import ContamDetect
@testable import ContamModel
@testable import ContamApps

/// The pieces of `probe items` one by one: scoring an answer, the membership scores, the verdict thresholds, the
/// prompts, and reading the extra fields (with their errors naming the record).
@Suite struct ProbeItemsScorerTests {
    let tokenizer = Tokenizer(options: TokenizerOptions())

    @Test func exactNearAndLongestRun() {
        let exact = ProbeItemsScorer.score(answer: "The end point is never part, and more text", truth: "the end point is never part",
                                           tokenizer: tokenizer, similarity: 0.8, cached: false)
        #expect(exact.exact && exact.nearVerbatim && exact.similarity == 1 && exact.longestCommonRun == 6)
        let near = ProbeItemsScorer.score(answer: "a b c d e f g h i X", truth: "a b c d e f g h i j", tokenizer: tokenizer, similarity: 0.8, cached: false)
        #expect(!near.exact && near.nearVerbatim && abs(near.similarity - 0.9) < 1e-12 && near.longestCommonRun == 9)
        let strict = ProbeItemsScorer.score(answer: "a b c d e f g h i X", truth: "a b c d e f g h i j", tokenizer: tokenizer, similarity: 0.95, cached: false)
        #expect(!strict.nearVerbatim)
        let none = ProbeItemsScorer.score(answer: "", truth: "a b", tokenizer: tokenizer, similarity: 0.8, cached: false)
        #expect(!none.exact && none.similarity == 0 && none.longestCommonRun == 0)
    }

    @Test func longestCommonRunMatchesBruteForce() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<300 {
            let a = (0..<Int.random(in: 0..<12, using: &random)).map { _ in ["x", "y", "z"][Int.random(in: 0..<3, using: &random)] }
            let b = (0..<Int.random(in: 0..<12, using: &random)).map { _ in ["x", "y", "z"][Int.random(in: 0..<3, using: &random)] }
            var oracle = 0
            for i in a.indices { for j in b.indices { var k = 0; while i + k < a.count, j + k < b.count, a[i + k] == b[j + k] { k += 1 }; oracle = max(oracle, k) } }
            #expect(ProbeItemsScorer.longestCommonRun(a, b) == oracle, "\(a) \(b)")
        }
    }

    @Test func answersAreCleanedOfLabels() {
        #expect(ProbeItemsScorer.cleanedCompletion("  SECOND PIECE:\n the rest ") == "the rest")
        #expect(ProbeItemsScorer.cleanedGuess("B: the amber dune\nExplanation: …", letter: "B") == "the amber dune")
        #expect(ProbeItemsScorer.cleanedGuess("\n\"Option text\"", letter: "C") == "Option text")
        #expect(ProbeItemsScorer.cleanedGuess("Option D: x", letter: "D") == "x")
    }

    @Test func promptTokensAreCutWhereThePromptEnds() {
        // llama-cpp-python lists only the prompt's tokens; vLLM adds the generated one.
        let prompt = TokenLogprobs(tokens: ["The", " quick", " brown"], tokenLogprobs: [nil, -9.96, -7.04], textOffsets: [0, 3, 9], topLogprobs: [[], [], []])
        #expect(ProbeItemsScorer.promptTokenCount(prompt, text: "The quick brown") == 3)
        let generated = TokenLogprobs(tokens: ["The", " quick", " brown", " fox"], tokenLogprobs: [nil, -9.96, -7.04, -1], textOffsets: [0, 3, 9, 15], topLogprobs: [[], [], [], []])
        #expect(ProbeItemsScorer.promptTokenCount(generated, text: "The quick brown") == 3)
        #expect(ProbeItemsScorer.promptTokenCount(generated, text: "Ünï quick brown") == 3)
    }

    @Test func echoAlignmentTellsOwnTokenRowsFromNextTokenRows() {
        // The rows recorded from llama-cpp-python (SmolLM2-135M): each lists the token after its position.
        let recorded = TokenLogprobs(tokens: ["The", " quick", " brown", " fox"], tokenLogprobs: [nil, -9.96, -7.04, -6.82], textOffsets: [0, 3, 9, 15],
                                     topLogprobs: [[], [.init(token: " way", logprob: -2.1), .init(token: " quick", logprob: -9.96)],
                                                   [.init(token: " fox", logprob: -1.6), .init(token: " brown", logprob: -7.04)],
                                                   [.init(token: " with", logprob: -0.6), .init(token: " fox", logprob: -6.8)]])
        #expect(ProbeItemsScorer.echoAlignment(recorded, text: "The quick brown fox", alternatives: 1) == (0, 1))
        let aligned = TokenLogprobs(tokens: ["The", " quick", " brown"], tokenLogprobs: [nil, -2, -1], textOffsets: [],
                                    topLogprobs: [[], [.init(token: " quick", logprob: -2), .init(token: " way", logprob: -2.5)], [.init(token: " brown", logprob: -1)]])
        #expect(ProbeItemsScorer.echoAlignment(aligned, text: "The quick brown", alternatives: 1) == (2, 0))
    }

    @Test func topKMomentsMatchTheirDefinition() {
        var random = SeededRandom(seed: 3)
        for _ in 0..<200 {
            let alternatives = (0..<Int.random(in: 2..<8, using: &random)).map { _ in -Double.random(in: 0..<12, using: &random) }
            guard let moments = ProbeItemsScorer.topKMoments(alternatives) else { continue }
            let mass = alternatives.map { exp($0) }.reduce(0, +)
            let q = alternatives.map { exp($0) / mass }
            let mean = zip(q, q.map(log)).map { $0 * $1 }.reduce(0, +)
            let variance = zip(q, q.map(log)).map { $0 * ($1 - mean) * ($1 - mean) }.reduce(0, +)
            #expect(abs(moments.mean - mean) < 1e-9 && abs(moments.deviation - variance.squareRoot()) < 1e-9 && abs(moments.logMass - log(mass)) < 1e-9)
        }
        #expect(ProbeItemsScorer.topKMoments([-1]) == nil)
        #expect(ProbeItemsScorer.topKMoments([-2, -2]) == nil)
    }

    @Test func membershipScoresFromTheEcho() throws {
        let logprobs = TokenLogprobs(tokens: ["a", " b", " c", " d", " e", " f"], tokenLogprobs: [nil, -1, -2, -3, -4, -5], textOffsets: [],
                                     topLogprobs: [[], [.init(token: " b", logprob: -1), .init(token: " z", logprob: -2)], [], [], [], []])
        let scores = try #require(try ProbeItemsScorer.membership(logprobs, text: "a b c d e f", fraction: 0.2, cached: false))
        #expect(scores.tokens == 5 && scores.loss == 3 && scores.minK == -5)
        #expect(scores.zlib == -15 / Double(try ZlibCompressedLength.byteCount(of: Array("a b c d e f".utf8))))
        #expect(scores.minKPlusPlusPositions == 1 && scores.minKPlusPlusTopK != nil)
        let empty = TokenLogprobs(tokens: ["a"], tokenLogprobs: [nil], textOffsets: [], topLogprobs: [])
        #expect(try ProbeItemsScorer.membership(empty, text: "a", fraction: 0.2, cached: false) == nil)
    }

    // MARK: Verdicts

    func guidedOutcome(guided: Double, general: Double, exact: Bool = false) -> ProbeGuidedOutcome {
        func score(_ similarity: Double, _ exact: Bool) -> ProbeCompletionScore {
            ProbeCompletionScore(answer: "", exact: exact, nearVerbatim: exact || similarity >= 0.8, similarity: similarity, longestCommonRun: 0, cached: false)
        }
        return ProbeGuidedOutcome(firstPiece: "", truth: "", guided: score(guided, exact), general: score(general, false))
    }

    @Test func guidedThresholds() {
        let six = (0..<6).map { _ in guidedOutcome(guided: 0.5, general: 0.1) }
        #expect(ProbeItemsVerdicts.guided(six, skippedReason: nil).verdict == .inconclusive)   // p = 1/64
        let seven = (0..<7).map { _ in guidedOutcome(guided: 0.5, general: 0.1) }
        #expect(ProbeItemsVerdicts.guided(seven, skippedReason: nil).verdict == .inconclusive)  // p = 1/128, nothing reproduced
        #expect(ProbeItemsVerdicts.guided(seven + [guidedOutcome(guided: 1, general: 0.1, exact: true)], skippedReason: nil).verdict == .memorized)
        let ties = (0..<20).map { _ in guidedOutcome(guided: 0.2, general: 0.2) }
        #expect(ProbeItemsVerdicts.guided(ties, skippedReason: nil).verdict == .noEvidence)
        #expect(ProbeItemsVerdicts.guided(ties + [guidedOutcome(guided: 1, general: 0.2, exact: true)], skippedReason: nil).verdict == .inconclusive)
        let none = ProbeItemsVerdicts.guided([], skippedReason: "3 items not scored (first: too short)")
        #expect(none.verdict == .notApplicable && none.reason == "3 items not scored (first: too short)")
    }

    func guess(_ exact: Bool) -> ProbeOptionsOutcome {
        ProbeOptionsOutcome(hiddenLetter: "A", truth: "t", guess: ProbeCompletionScore(answer: "", exact: exact, nearVerbatim: exact, similarity: exact ? 1 : 0, longestCommonRun: 0, cached: false))
    }

    @Test func optionThresholds() {
        let twoOfTen = (0..<10).map { guess($0 < 2) }
        let alone = ProbeItemsVerdicts.options(twoOfTen, control: nil, skippedReason: nil)
        #expect(alone.verdict == .inconclusive && alone.reason.contains("no --control"))
        #expect(ProbeItemsVerdicts.options((0..<10).map { guess($0 < 1) }, control: nil, skippedReason: nil).verdict == .noEvidence)
        let controls = (0..<10).map { _ in guess(false) }
        #expect(ProbeItemsVerdicts.options(twoOfTen, control: controls, skippedReason: nil).verdict == .noEvidence)  // Fisher p = 0.24
        let sixOfTen = (0..<10).map { guess($0 < 6) }
        let strong = ProbeItemsVerdicts.options(sixOfTen, control: controls, skippedReason: nil)
        #expect(strong.verdict == .memorized && (strong.pValue ?? 1) < 0.01)
    }

    @Test func membershipThresholdsNeedEnoughItems() {
        func scores(_ minK: Double) -> ProbeMembershipOutcome {
            ProbeMembershipOutcome(tokens: 10, loss: -minK, zlib: minK, minK: minK, minKPlusPlusTopK: nil, minKPlusPlusPositions: 0, cached: false)
        }
        let few = ProbeItemsVerdicts.membership((0..<4).map { scores(-Double($0) * 0.01) }, control: (0..<4).map { scores(-5 - Double($0)) }, refusal: nil)
        #expect(few.verdict == .notApplicable && few.reason.contains("at least 5"))
        let separated = ProbeItemsVerdicts.membership((0..<8).map { scores(-Double($0) * 0.01) }, control: (0..<8).map { scores(-5 - Double($0)) }, refusal: nil)
        #expect(separated.verdict == .memorized)
        #expect(separated.scores?.first { $0.score == "minKPlusPlusTopK" }?.auc == nil)
        let mixed = ProbeItemsVerdicts.membership((0..<8).map { scores(-Double($0)) }, control: (0..<8).map { scores(-Double($0) - 0.5) }, refusal: nil)
        #expect(mixed.verdict != .memorized)
    }

    // MARK: Prompts

    func item(_ id: String, choices: [String]? = nil, answer: Int? = nil) -> ProbeItem {
        var item = ProbeItem(id: id, location: "f: record 1", text: "one two three four five six")
        item.applyHalves()
        (item.choices, item.answerIndex, item.question) = (choices, answer, choices == nil ? nil : "Which?")
        return item
    }

    @Test func promptsNameTheDatasetAndHideAWrongOption() {
        var options = ProbeItemsOptions()
        options.datasetName = "MMLU"
        options.split = "validation"
        let choices = ["w", "x", "y", "z"]
        let plan = ProbeItemsPlanner.plan(items: [item("a", choices: choices, answer: 2)], control: [item("c", choices: choices, answer: 0)], options: options, tokenizer: tokenizer)
        #expect(plan.requests.map(\.kind) == [.guided, .general, .options, .membership, .options, .membership])
        let guided = plan.requests[0].request.messages[0].content
        #expect(guided.contains("from the validation split of the MMLU dataset") && guided.hasSuffix("FIRST PIECE:\none two three\n\nSECOND PIECE:"))
        #expect(!plan.requests[1].request.messages[0].content.contains("MMLU"))
        #expect(plan.requests[3].request.echo && plan.requests[3].request.logprobs == 20 && plan.requests[3].request.kind == .completion)
        #expect(plan.requests[3].request.prompt == "one two three four five six")
        let hidden = try! #require(plan.hidden[false]?[0] ?? nil)
        #expect(hidden != 2)
        #expect(plan.requests[2].request.messages[0].content.contains("\(ProbeItemsPlanner.letter(hidden)): [MASK]\n"))
        // The hidden option is a wrong one for every seed, and depends on the seed.
        var seen = Set<Int>()
        for seed in 0..<40 as Range<UInt64> {
            let choice = ProbeItemsPlanner.hiddenOption(of: item("a"), answer: 2, count: 4, seed: seed)
            #expect(choice != 2 && choice != nil)
            seen.insert(choice ?? -1)
        }
        #expect(seen.count == 3)
        options.mode = .completion
        let raw = ProbeItemsPlanner.plan(items: [item("a")], control: [], options: options, tokenizer: tokenizer).requests[0].request
        #expect(raw.kind == .completion && raw.prompt.hasSuffix("SECOND PIECE:\n"))
    }

    @Test func itemsAreSplitInTheMiddleKeepingTheirSpacing() {
        #expect(ProbeItem.halves(of: "a b c d e")! == ("a b", "c d e"))
        #expect(ProbeItem.halves(of: "a  b\nc d")! == ("a  b", "c d"))
        #expect(ProbeItem.halves(of: "  single  ") == nil)
    }

    // MARK: Reading the fields

    func read(_ jsonl: String, prompt: String? = nil, answer: String? = "answer", choices: String? = "choices[]") throws -> [ProbeItem] {
        let directory = TestDirectory("probe-fields")
        defer { directory.cleanup() }
        let path = directory.write("items.jsonl", jsonl)
        var reader = ItemReaderOptions()
        reader.fields = ["question"]
        reader.fieldsGiven = true
        let fields = ProbeItemFieldPaths(prompt: try prompt.map { try FieldPath(parsing: $0) }, answer: try answer.map { try FieldPath(parsing: $0) },
                                         choices: try choices.map { try FieldPath(parsing: $0) })
        return try ProbeItemsInput.read(paths: [path], reader: reader, fields: fields).items
    }

    @Test func answersAreIndicesLettersOrTexts() throws {
        let items = try read("""
        {"question": "q one two", "choices": ["a", "b", "c"], "answer": 2}
        {"question": "q one two", "choices": ["a", "b", "c"], "answer": "B"}

        {"question": "q one two", "choices": ["a", "b", "c"], "answer": "a"}
        """)
        #expect(items.map(\.answerIndex) == [2, 1, 0])
        #expect(items.map(\.location).last?.hasSuffix(": record 4") == true)
        #expect(items.allSatisfy { $0.question == "q one two" && $0.firstPiece == "q" && $0.secondPiece == "one two" })
        let prompted = try read(#"{"question": "q", "context": "first words", "choices": ["a", "b"], "answer": 1}"#, prompt: "context")
        #expect(prompted[0].firstPiece == "first words" && prompted[0].secondPiece == "b" && prompted[0].question == "first words")
        let open = try read(#"{"question": "q", "context": "first words", "answer": "the rest"}"#, prompt: "context", choices: nil)
        #expect(open[0].secondPiece == "the rest" && open[0].choices == nil && open[0].choicesNote != nil)
    }

    @Test func fieldsFollowTheirItemInDocumentsRecordsAndSkippedLines() throws {
        let directory = TestDirectory("probe-layouts")
        defer { directory.cleanup() }
        var reader = ItemReaderOptions()
        reader.fields = ["question"]
        reader.fieldsGiven = true
        let fields = ProbeItemFieldPaths(answer: try FieldPath(parsing: "answer"), choices: try FieldPath(parsing: "choices[]"))
        // A JSON document: records numbered from 1.
        let document = directory.write("doc.json", #"[{"question":"q1 a b","choices":["x","y"],"answer":1},{"question":"q2 a b","choices":["u","v","w"],"answer":"C"}]"#)
        let fromDocument = try ProbeItemsInput.read(paths: [document], reader: reader, fields: fields).items
        #expect(fromDocument.map(\.answerIndex) == [1, 2] && fromDocument.map { $0.choices?.count } == [2, 3])
        // --records: several items on one line, in order.
        var nested = reader
        nested.records = try FieldPath(parsing: "qs[]")
        let lines = directory.write("nested.jsonl", #"{"qs":[{"question":"q1 a b","choices":["x","y"],"answer":0},{"question":"q2 a b","choices":["u","v"],"answer":1}]}"# + "\n")
        let fromRecords = try ProbeItemsInput.read(paths: [lines], reader: nested, fields: fields).items
        #expect(fromRecords.map(\.answerIndex) == [0, 1] && fromRecords.map(\.question) == ["q1 a b", "q2 a b"])
        // A malformed line skipped by --skip-bad-records: the next item keeps its own fields, and the skip is noted.
        var skipping = reader
        skipping.skipBadRecords = true
        let damaged = directory.write("damaged.jsonl", #"{"question":"q1 a b","choices":["x","y"],"answer":0}"# + "\n{not json\n" + #"{"question":"q3 a b","choices":["s","t"],"answer":1}"# + "\n")
        let set = try ProbeItemsInput.read(paths: [damaged], reader: skipping, fields: fields)
        #expect(set.items.map(\.choices) == [["x", "y"], ["s", "t"]] && set.items.map(\.location).last == "\(damaged): record 3")
        #expect(set.notes.first?.hasPrefix("1 malformed record skipped (--skip-bad-records)") == true)
        // Plain text cannot carry the extra fields.
        let text = directory.write("items.txt", "one two three\n")
        var plain = ItemReaderOptions()
        plain.linesAreItems = true
        #expect { _ = try ProbeItemsInput.read(paths: [text], reader: plain, fields: fields) } throws: { "\($0)".contains("read JSON records, but this input is read as text") }
    }

    @Test(arguments: [
        (#"{"question": "q", "answer": 1}"#, #": record 1: --choices-field choices[]: "#),
        (#"{"question": "q", "choices": ["a", "b"], "answer": 5}"#, "record 1: --answer-field answer: 5 is not an option index from 0 to 1"),
        (#"{"question": "q", "choices": ["a", "b"], "answer": "D"}"#, "letter D names option 4, but there are 2"),
        (#"{"question": "q", "choices": ["a", "b"], "answer": "1"}"#, "is a digit string"),
        (#"{"question": "q", "choices": ["a"], "answer": 0}"#, "gives 1 option; a multiple-choice item needs at least 2"),
        (#"{"question": "q", "choices": [1, 2], "answer": 0}"#, "choices[0] is a number, not a string"),
        (#"{"question": "q", "choices": ["a", "b"]}"#, "record 1: --answer-field answer: "),
    ])
    func badFieldsAreErrorsNamingTheRecord(line: String, message: String) {
        #expect { _ = try read(line) } throws: { error in
            "\(error)".contains(message) && "\(error)".contains("items.jsonl")
        }
    }
}
