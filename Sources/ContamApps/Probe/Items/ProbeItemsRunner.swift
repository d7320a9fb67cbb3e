import Foundation
import ContamStorage
import ContamText
import ContamModel

/// Runs a plan against a model and scores it: every request through the client (cache, bounded concurrency,
/// retries), then the per-item outcomes and each test's verdict.
public struct ProbeItemsRunner: Sendable {
    public let client: ModelClient
    /// With `--index`: where completions are looked up.
    public var corpus: ProbeItemsCorpusMatcher?
    /// The tokenizer answers are compared in (the index's when there is one).
    public var tokenizer: Tokenizer

    public init(client: ModelClient, tokenizer: Tokenizer = Tokenizer(options: TokenizerOptions()), corpus: ProbeItemsCorpusMatcher? = nil) {
        self.client = client
        self.corpus = corpus
        self.tokenizer = corpus?.tokenizer ?? tokenizer
    }

    /// The answers each item got, by kind.
    typealias Answers = [Bool: [Int: [ProbeItemsRequest.Kind: ModelResponse]]]

    /// Sends every request of `plan`, then scores. A request that fails for good is thrown (its message names the
    /// item and the prompt), except a membership request refused with a 4xx: that test is then n/a with the reason.
    /// `progress(done, total)` after each answer.
    public func run(_ plan: ProbeItemsPlan, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> ProbeItemsReport {
        let before = client.statistics
        let total = plan.requests.count
        let results = await client.completeAll(plan.requests.map(\.request)) { done in progress?(done, total) }
        var answers: Answers = [false: [:], true: [:]]
        var refusal: String?
        for (planned, result) in zip(plan.requests, results) {
            switch result {
            case let .success(response):
                answers[planned.control, default: [:]][planned.item, default: [:]][planned.kind] = response
            case let .failure(error):
                guard planned.kind == .membership, let reason = Self.refusal(error) else { throw error }
                refusal = refusal ?? reason
            }
        }
        let after = client.statistics
        return try report(plan, answers: answers, refusal: refusal, requestsSent: after.requestsSent - before.requestsSent, cacheHits: after.cacheHits - before.cacheHits)
    }

    /// Why membership cannot run when the server refuses echo or logprobs (HTTP 4xx other than 429), else nil.
    static func refusal(_ error: Error) -> String? {
        guard case let .http(label, url, status, _, message)? = error as? ModelError, (400..<500).contains(status), status != 429 else { return nil }
        return "the endpoint refused the echoed prompt with log-probabilities (\(label): POST \(url): HTTP \(status)\(message.isEmpty ? "" : ": \(message)")); membership scores need the prompt's token log-probabilities (/v1/completions with echo and logprobs)"
    }

    /// Scores the answers into the report.
    func report(_ plan: ProbeItemsPlan, answers: Answers, refusal: String?, requestsSent: Int, cacheHits: Int) throws -> ProbeItemsReport {
        var membershipRefusal = refusal
        if membershipRefusal == nil, let silent = Self.firstWithoutLogprobs(plan, answers: answers) {
            membershipRefusal = "the endpoint answered without log-probabilities (\(silent): no logprobs in choices[0]); membership scores need a server that returns the prompt's token log-probabilities with echo (llama.cpp, vLLM)"
        }
        if membershipRefusal == nil { membershipRefusal = Self.shiftedEcho(plan, answers: answers) }
        var outcomes: [Bool: [ProbeItemOutcome]] = [:]
        for isControl in [false, true] {
            let set = isControl ? plan.control : plan.items
            outcomes[isControl] = try set.indices.map { index in
                try outcome(set[index], index: index, control: isControl, plan: plan, answers: answers[isControl]?[index] ?? [:], membershipRefusal: membershipRefusal)
            }
        }
        let items = outcomes[false] ?? [], control = outcomes[true] ?? []
        let tests = summaries(plan, items: items, control: control, membershipRefusal: membershipRefusal)
        let summary = ProbeItemsSummary(dataset: plan.options.datasetName, split: plan.options.split, model: client.configuration.model,
                                        endpoint: client.configuration.endpoint.absoluteString, mode: plan.options.mode, seed: plan.options.seed,
                                        items: plan.items.count, controlItems: plan.control.count, tests: tests,
                                        verdict: ProbeItemsVerdicts.overall(tests), requestsSent: requestsSent, cacheHits: cacheHits)
        return ProbeItemsReport(items: items, control: control, summary: summary)
    }

    /// Why the echoed log-probabilities cannot be used when their alternatives predict the next token rather than
    /// the token at their position (counted over every membership answer), else nil. Scores from such a server would
    /// be wrong, and the top alternatives cannot repair them exactly, so none are given.
    static func shiftedEcho(_ plan: ProbeItemsPlan, answers: Answers) -> String? {
        var own = 0, next = 0
        for planned in plan.requests where planned.kind == .membership {
            guard let logprobs = answers[planned.control]?[planned.item]?[.membership]?.logprobs else { continue }
            let text = (planned.control ? plan.control : plan.items)[planned.item].text
            let counts = ProbeItemsScorer.echoAlignment(logprobs, text: text, alternatives: plan.options.topLogprobs)
            (own, next) = (own + counts.own, next + counts.next)
        }
        // A wide margin: on text the model finds hard both counts are small, and a correct server must not be refused.
        guard next > 2 * own, next >= 5 else { return nil }
        return "the endpoint's echoed log-probabilities are shifted by one token: at \(next) positions the listed alternatives hold the next token and at only \(own) their own, so each token's log-probability is not that of the token given the text before it (a known bug of llama-cpp-python's server, abetlen/llama-cpp-python#1983); membership scores from them would be wrong, so none are given"
    }

    /// The label of the first membership answer that came without log-probabilities, if any.
    static func firstWithoutLogprobs(_ plan: ProbeItemsPlan, answers: Answers) -> String? {
        plan.requests.first { $0.kind == .membership && answers[$0.control]?[$0.item]?[.membership].map { $0.logprobs == nil } == true }?.request.label
    }

    /// The test summaries, in the order of `ProbeItemsTest.allCases`, for the tests asked.
    func summaries(_ plan: ProbeItemsPlan, items: [ProbeItemOutcome], control: [ProbeItemOutcome], membershipRefusal: String?) -> [ProbeTestSummary] {
        let hasControl = !plan.control.isEmpty
        return plan.options.tests.map { test in
            switch test {
            case .guided:
                return ProbeItemsVerdicts.guided(items.compactMap(\.guided), skippedReason: Self.skipped(items, test: test))
            case .options:
                return ProbeItemsVerdicts.options(items.compactMap(\.options), control: hasControl ? control.compactMap(\.options) : nil,
                                                  skippedReason: Self.skipped(items, test: test))
            case .membership:
                return ProbeItemsVerdicts.membership(items.compactMap(\.membership), control: hasControl ? control.compactMap(\.membership) : nil,
                                                     refusal: membershipRefusal)
            }
        }
    }

    /// "N items skipped: REASON" for the benchmark items a test could not score.
    static func skipped(_ items: [ProbeItemOutcome], test: ProbeItemsTest) -> String? {
        let reasons = items.compactMap { $0.notApplicable[test.rawValue] }
        guard let first = reasons.first else { return nil }
        if reasons.count == items.count && Set(reasons).count == 1 { return reasons.count == 1 ? first : "\(first) (all \(reasons.count) items)" }
        return "\(reasons.count) of \(items.count) item\(items.count == 1 ? "" : "s") not scored (\(reasons.count == 1 ? "" : "first: ")\(first))"
    }

    /// One item's outcome from its answers.
    func outcome(_ item: ProbeItem, index: Int, control: Bool, plan: ProbeItemsPlan, answers: [ProbeItemsRequest.Kind: ModelResponse],
                 membershipRefusal: String?) throws -> ProbeItemOutcome {
        var outcome = ProbeItemOutcome(id: item.id, location: item.location, set: control ? "control" : "benchmark", notApplicable: [:])
        let options = plan.options
        if options.tests.contains(.guided) && !control {
            if let first = item.firstPiece, let truth = item.secondPiece, let guided = answers[.guided], let general = answers[.general] {
                outcome.guided = ProbeGuidedOutcome(firstPiece: first, truth: truth, guided: try completion(guided, truth: truth, similarity: options.similarity),
                                                    general: try completion(general, truth: truth, similarity: options.similarity))
            } else {
                outcome.notApplicable[ProbeItemsTest.guided.rawValue] = item.splitNote ?? "no first and second piece"
            }
        }
        if options.tests.contains(.options) {
            if let hidden = plan.hidden[control]?[index] ?? nil, let choices = item.choices, let answer = answers[.options] {
                let letter = ProbeItemsPlanner.letter(hidden)
                var guess = ProbeItemsScorer.score(answer: ProbeItemsScorer.cleanedGuess(answer.text, letter: letter), truth: choices[hidden],
                                                   tokenizer: tokenizer, similarity: options.similarity, cached: answer.fromCache)
                guess.nearVerbatim = guess.exact
                outcome.options = ProbeOptionsOutcome(hiddenLetter: letter, truth: choices[hidden], guess: guess)
            } else {
                outcome.notApplicable[ProbeItemsTest.options.rawValue] = item.choicesNote ?? "no wrong option to hide"
            }
        }
        if options.tests.contains(.membership) {
            if let membershipRefusal {
                outcome.notApplicable[ProbeItemsTest.membership.rawValue] = membershipRefusal
            } else if let answer = answers[.membership], let logprobs = answer.logprobs {
                outcome.membership = try ProbeItemsScorer.membership(logprobs, text: item.text, fraction: options.minKFraction, cached: answer.fromCache)
                if outcome.membership == nil { outcome.notApplicable[ProbeItemsTest.membership.rawValue] = "no token of the echoed item had a log-probability" }
            }
        }
        return outcome
    }

    /// A guided or general answer scored against the truth, with its corpus match under `--index`.
    func completion(_ response: ModelResponse, truth: String, similarity: Double) throws -> ProbeCompletionScore {
        var score = ProbeItemsScorer.score(answer: ProbeItemsScorer.cleanedCompletion(response.text), truth: truth, tokenizer: tokenizer,
                                           similarity: similarity, cached: response.fromCache)
        if let corpus {
            let match = try corpus.longestMatch(score.answer)
            (score.corpusMatchTokens, score.corpusMatchSource) = (match.tokens, match.source)
        }
        return score
    }
}
