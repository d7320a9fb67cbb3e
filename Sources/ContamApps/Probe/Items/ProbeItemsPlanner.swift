import Foundation
import ContamStorage
import ContamText
import ContamModel

/// One request of a probe: which item (of the benchmark or the control set), which test, and what is sent.
public struct ProbeItemsRequest: Sendable {
    /// Which prompt of an item a request carries.
    public enum Kind: String, Sendable {
        case guided, general, options, membership
    }

    public var control: Bool
    public var item: Int
    public var kind: Kind
    public var request: ModelRequest
}

/// Every request of a run, and the hidden option chosen for each multiple-choice item.
public struct ProbeItemsPlan: Sendable {
    public var options: ProbeItemsOptions
    public var items: [ProbeItem]
    public var control: [ProbeItem]
    public var requests: [ProbeItemsRequest]
    /// Per item (benchmark, then control): the index of the wrong option hidden behind `[MASK]`, when it has options.
    public var hidden: [Bool: [Int?]]
}

/// Builds the prompts of `contam probe items`: the guided and general instructions of Golchin & Surdeanu (2024),
/// the masked-option prompt of Deng et al. (2024), and the echoed item of the membership scores.
public enum ProbeItemsPlanner {
    /// The paper's guided instruction (its wording, with the dataset and split filled in).
    public static func guidedInstruction(dataset: String, split: String) -> String {
        """
        INSTRUCTION:
        You are provided with the FIRST PIECE of an instance from the \(split) split of the \(dataset) dataset.
        Finish the SECOND PIECE of the instance as EXACTLY appeared in the dataset.
        ONLY rely on the original form of the instance in the dataset to finish the SECOND PIECE.
        """
    }

    /// The paper's general instruction: the same task without naming the dataset.
    public static let generalInstruction = """
        INSTRUCTION:
        Finish the SECOND PIECE based on the FIRST PIECE, such that these two pieces become a single instance.
        """

    /// The requests for `items` and `control` under `options`. Control items get only the option and membership
    /// requests: the guided test compares the two instructions on the same benchmark item.
    public static func plan(items: [ProbeItem], control: [ProbeItem], options: ProbeItemsOptions, tokenizer: Tokenizer) -> ProbeItemsPlan {
        var plan = ProbeItemsPlan(options: options, items: items, control: control, requests: [], hidden: [false: [], true: []])
        for (isControl, set) in [(false, items), (true, control)] {
            for (index, item) in set.enumerated() {
                let hidden = item.choices.map { hiddenOption(of: item, answer: item.answerIndex ?? 0, count: $0.count, seed: options.seed) } ?? nil
                plan.hidden[isControl, default: []].append(hidden)
                plan.requests += requests(for: item, index: index, control: isControl, hidden: hidden, options: options, tokenizer: tokenizer)
            }
        }
        return plan
    }

    static func requests(for item: ProbeItem, index: Int, control: Bool, hidden: Int?, options: ProbeItemsOptions, tokenizer: Tokenizer) -> [ProbeItemsRequest] {
        var out = [ProbeItemsRequest]()
        let name = "\(item.location) (\(item.id))"
        func add(_ kind: ProbeItemsRequest.Kind, _ request: ModelRequest) { out.append(.init(control: control, item: index, kind: kind, request: request)) }
        if !control, options.tests.contains(.guided), let first = item.firstPiece, let second = item.secondPiece {
            let budget = tokenBudget(second, options: options, tokenizer: tokenizer)
            let guided = guidedInstruction(dataset: options.datasetName, split: options.split)
            add(.guided, request(instruction: guided, first: first, budget: budget, mode: options.mode, label: "\(name): guided completion"))
            add(.general, request(instruction: generalInstruction, first: first, budget: budget, mode: options.mode, label: "\(name): general completion"))
        }
        if options.tests.contains(.options), let hidden, let choices = item.choices {
            let prompt = maskedPrompt(question: item.question ?? item.text, choices: choices, hidden: hidden, mode: options.mode)
            let budget = tokenBudget(choices[hidden], options: options, tokenizer: tokenizer)
            add(.options, options.mode == .chat ? .chat([.user(prompt)], maxTokens: budget, label: "\(name): option guessing")
                                                : .completion(prompt, maxTokens: budget, label: "\(name): option guessing"))
        }
        if options.tests.contains(.membership) {
            // One generated token: some servers refuse 0, and llama.cpp's server reads 0 as "no limit".
            add(.membership, ModelRequest.completion(item.text, maxTokens: 1, label: "\(name): membership scores (echo, logprobs)")
                .echoingLogprobs(alternatives: options.topLogprobs))
        }
        return out
    }

    /// Twice the truth's token count (model tokens are usually shorter than contam's words) plus 16, up to the
    /// `--max-tokens` limit.
    static func tokenBudget(_ truth: String, options: ProbeItemsOptions, tokenizer: Tokenizer) -> Int {
        min(options.maxTokens, 2 * tokenizer.tokens(in: truth).count + 16)
    }

    /// An instruction with the first piece: a user message in chat mode, a raw prefix ending in "SECOND PIECE:" otherwise.
    static func request(instruction: String, first: String, budget: Int, mode: ModelRequest.Kind, label: String) -> ModelRequest {
        let text = "\(instruction)\n\nFIRST PIECE:\n\(first)\n\nSECOND PIECE:"
        return mode == .chat ? .chat([.user(text)], maxTokens: budget, label: label) : .completion(text + "\n", maxTokens: budget, label: label)
    }

    /// The letters of the options: A, B, … (then the option's number past 26).
    static func letter(_ index: Int) -> String { index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "\(index + 1)" }

    /// TS-Guessing's question-based prompt (Deng et al. 2024): the question and the options with one wrong option
    /// replaced by `[MASK]`, and the rule that the answer must differ from the options shown.
    static func maskedPrompt(question: String, choices: [String], hidden: Int, mode: ModelRequest.Kind) -> String {
        let letter = letter(hidden)
        var text = "Please fill in the [MASK] in option \(letter) based on your benchmark knowledge.\n\n"
        text += "The crucial rule is that you should provide a different answer in all other options below.\n\n"
        text += "Question: \(question)\nOptions:\n"
        for (k, choice) in choices.enumerated() { text += "\(Self.letter(k)): \(k == hidden ? "[MASK]" : choice)\n" }
        text += "\nReply with the answer only."
        return mode == .chat ? text : text + "\n\nAnswer: \(letter):"
    }

    /// A wrong option chosen from the seed and the item's id, so the same seed hides the same option in every run
    /// whatever the order of the items.
    static func hiddenOption(of item: ProbeItem, answer: Int, count: Int, seed: UInt64) -> Int? {
        let wrong = (0..<count).filter { $0 != answer }
        guard !wrong.isEmpty else { return nil }
        var random = SplitMix64(state: seed ^ Array(item.id.utf8).withUnsafeBytes { XXHash64.hash($0) })
        return wrong[Int(random.next() % UInt64(wrong.count))]
    }
}
