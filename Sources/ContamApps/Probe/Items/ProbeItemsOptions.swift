import ContamModel
import ContamCorpus

/// The three families of `contam probe items`, in the order they are reported (docs/probe.md).
public enum ProbeItemsTest: String, Codable, Sendable, CaseIterable, Comparable {
    /// Guided vs general completion of an item's second piece (Golchin & Surdeanu 2024, *Time Travel in LLMs*).
    case guided
    /// Guessing a hidden wrong option of a multiple-choice item (Deng et al. 2024, TS-Guessing).
    case options
    /// Loss, zlib, Min-K% and Min-K%++ from the echoed item's token log-probabilities, against a control set.
    case membership

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// The title in reports.
    public var title: String {
        switch self {
        case .guided: return "guided completion"
        case .options: return "option guessing"
        case .membership: return "membership scores"
        }
    }

    /// Parses `guided,options,membership` (any subset, any order); an unknown name is an error listing the known ones.
    public static func parseList(_ texts: [String]) throws -> [ProbeItemsTest] {
        var tests = Set<ProbeItemsTest>()
        for text in texts {
            for name in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let test = ProbeItemsTest(rawValue: name) else {
                    throw ProbeItemsError.unknownTest(name: name)
                }
                tests.insert(test)
            }
        }
        return tests.sorted()
    }
}

/// Where the parts of an item come from, beyond its text (`--field`): field paths inside each JSON record.
public struct ProbeItemFieldPaths: Sendable, Equatable {
    /// `--prompt-field`: the first piece of the guided test (and the question of option guessing).
    public var prompt: FieldPath?
    /// `--answer-field`: the second piece (text), or the correct option (an index from 0, a letter, or its text).
    public var answer: FieldPath?
    /// `--choices-field`: the options of a multiple-choice item, an array of strings (`choices[]`, `question.choices[].text`).
    public var choices: FieldPath?

    public init(prompt: FieldPath? = nil, answer: FieldPath? = nil, choices: FieldPath? = nil) {
        self.prompt = prompt
        self.answer = answer
        self.choices = choices
    }

    /// True when any field beyond the item text is asked for: the records are then read a second time.
    public var any: Bool { prompt != nil || answer != nil || choices != nil }
}

/// What one `contam probe items` run asks and how it judges the answers.
public struct ProbeItemsOptions: Sendable {
    /// The tests to run; a test that cannot apply to these items reports n/a with the reason.
    public var tests: [ProbeItemsTest] = ProbeItemsTest.allCases
    /// The API of the guided and option prompts; membership always uses `/v1/completions` with echo.
    public var mode: ModelRequest.Kind = .chat
    /// The dataset and split the guided instruction names.
    public var datasetName = "benchmark"
    public var split = "test"
    /// Seed of the choice of the hidden wrong option.
    public var seed: UInt64 = 0
    /// Generated tokens per completion at most; each request asks for twice the truth's token count plus 16, up to this.
    public var maxTokens = 256
    /// Alternatives per position asked for the membership scores (`logprobs`); Min-K%++ is computed over them.
    public var topLogprobs = 20
    /// Fraction of lowest-probability tokens Min-K% and Min-K%++ average (Shi et al. 2024 use 20 %).
    public var minKFraction = 0.2
    /// Token similarity from which a completion counts as near-verbatim (1 − token edit distance / length).
    public var similarity = 0.8

    public init() {}
}
