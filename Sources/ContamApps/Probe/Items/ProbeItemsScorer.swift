import Foundation
import ContamStorage
import ContamStatistics
import ContamText
import ContamModel

/// Scores the answers of `contam probe items` and gives each test its verdict. The thresholds are written down in
/// docs/probe.md; they are constants here so the docs and the code cannot drift apart unnoticed.
public enum ProbeItemsScorer {
    /// p below which a test can say memorized, and below which it says inconclusive.
    public static let memorizedP = 0.01
    public static let inconclusiveP = 0.05
    /// Membership: the AUC of Min-K% from which it can say memorized, and of any score for inconclusive.
    public static let memorizedAUC = 0.7
    public static let inconclusiveAUC = 0.6
    /// Membership: items per group below which the Mann-Whitney normal approximation is not trusted.
    public static let minimumGroup = 5

    // MARK: One answer

    /// `answer` against `truth` in `tokenizer`'s tokens: exact (the answer's first tokens are the truth), token
    /// similarity over as many answer tokens as the truth has (a model may go on past the instance), and the
    /// longest shared run. Similarity is 1 − Levenshtein distance / the longer length: a plain token edit distance.
    public static func score(answer: String, truth: String, tokenizer: Tokenizer, similarity threshold: Double, cached: Bool) -> ProbeCompletionScore {
        let truthTokens = tokenizer.tokens(in: truth).map(\.text)
        let answerTokens = tokenizer.tokens(in: answer).map(\.text)
        let compared = Array(answerTokens.prefix(truthTokens.count))
        let longer = max(compared.count, truthTokens.count)
        let similarity = longer == 0 ? 0 : 1 - Double(Levenshtein.distance(compared, truthTokens)) / Double(longer)
        let exact = !truthTokens.isEmpty && compared == truthTokens
        return ProbeCompletionScore(answer: answer, exact: exact, nearVerbatim: exact || similarity >= threshold, similarity: similarity,
                                    longestCommonRun: longestCommonRun(answerTokens, truthTokens), cached: cached)
    }

    /// The guided or general answer without surrounding space and without a repeated "SECOND PIECE:" label.
    static func cleanedCompletion(_ text: String) -> String {
        var answer = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if answer.uppercased().hasPrefix("SECOND PIECE:") { answer = String(answer.dropFirst("SECOND PIECE:".count)).trimmingCharacters(in: .whitespacesAndNewlines) }
        return answer
    }

    /// The guessed option: the first non-empty line, without a leading "Option B:", "B:", "B." or "B)" and quotes.
    static func cleanedGuess(_ text: String, letter: String) -> String {
        var line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? ""
        for prefix in ["Option \(letter):", "option \(letter):", "\(letter):", "\(letter).", "\(letter))"] where line.hasPrefix(prefix) {
            line = String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        if line.count >= 2, let first = line.first, let last = line.last, "\"'`".contains(first), first == last {
            line = String(line.dropFirst().dropLast())
        }
        return line
    }

    /// The longest common substring of two token sequences: O(m·n) time, O(n) memory.
    static func longestCommonRun(_ a: [String], _ b: [String]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        var best = 0
        for i in 1...a.count {
            for j in 1...b.count {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : 0
                best = max(best, current[j])
            }
            swap(&previous, &current)
        }
        return best
    }

    // MARK: Membership scores

    /// The membership scores of `text` from the log-probabilities of its echo, or nil when none of its tokens has
    /// one. Tokens past the prompt (the one generated token some servers list) are cut by their text; Min-K%++ uses
    /// each position's top alternatives renormalized, an estimate of the whole next-token distribution.
    public static func membership(_ logprobs: TokenLogprobs, text: String, fraction: Double, cached: Bool) throws -> ProbeMembershipOutcome? {
        let count = promptTokenCount(logprobs, text: text)
        var values = [Double](), plusValues = [Double](), means = [Double](), deviations = [Double]()
        for position in 0..<count {
            guard let logprob = logprobs.tokenLogprobs[position] else { continue }
            values.append(logprob)
            let alternatives = position < logprobs.topLogprobs.count ? logprobs.topLogprobs[position].map(\.logprob) : []
            if let standard = topKMoments(alternatives) {
                plusValues.append(logprob - standard.logMass)
                means.append(standard.mean)
                deviations.append(standard.deviation)
            }
        }
        guard let loss = MembershipScore.loss(values), let minK = MembershipScore.minKPercent(values, fraction: fraction) else { return nil }
        let zlibBytes = try ZlibCompressedLength.byteCount(of: Array(text.utf8))
        return ProbeMembershipOutcome(tokens: values.count, loss: loss, zlib: values.reduce(0, +) / Double(max(zlibBytes, 1)), minK: minK,
                                      minKPlusPlusTopK: MembershipScore.minKPlusPlus(plusValues, means: means, deviations: deviations, fraction: fraction),
                                      minKPlusPlusPositions: plusValues.count, cached: cached)
    }

    /// How often each position's listed alternatives hold the position's own token among the `k` most probable
    /// (`own`), and how often they hold the next token (`next`). In the OpenAI format the alternatives at position t
    /// are the distribution t's token was drawn from, so `own` is common and `next` rare; a server whose rows are the
    /// distribution after t (llama-cpp-python's echo, abetlen/llama-cpp-python#1983) shows the reverse, and its
    /// token log-probabilities are then not those of the tokens given the text before them.
    static func echoAlignment(_ logprobs: TokenLogprobs, text: String, alternatives k: Int) -> (own: Int, next: Int) {
        let count = promptTokenCount(logprobs, text: text)
        var own = 0, next = 0
        for position in 0..<count where position < logprobs.topLogprobs.count && logprobs.tokenLogprobs[position] != nil {
            let row = logprobs.topLogprobs[position]
            if row.prefix(k).contains(where: { $0.token == logprobs.tokens[position] }) { own += 1 }
            if position + 1 < count, row.contains(where: { $0.token == logprobs.tokens[position + 1] && $0.token != logprobs.tokens[position] }) { next += 1 }
        }
        return (own, next)
    }

    /// How many of the listed tokens spell the prompt: tokens are taken while their text, in Unicode scalars, has not
    /// yet covered the prompt's (servers count offsets in bytes or in characters; the token texts are the same).
    static func promptTokenCount(_ logprobs: TokenLogprobs, text: String) -> Int {
        let target = text.unicodeScalars.count
        var covered = 0
        for (k, token) in logprobs.tokens.enumerated() {
            if covered >= target { return k }
            covered += token.unicodeScalars.count
        }
        return logprobs.tokens.count
    }

    /// Mean and standard deviation of log q over the top alternatives renormalized to q (and log of their mass),
    /// Min-K%++'s moments of the next-token distribution restricted to what the server listed. Nil for fewer than two
    /// alternatives or no spread.
    static func topKMoments(_ alternatives: [Double]) -> (mean: Double, deviation: Double, logMass: Double)? {
        guard alternatives.count >= 2, let largest = alternatives.max() else { return nil }
        let logMass = largest + log(alternatives.reduce(0) { $0 + exp($1 - largest) })
        let logQ = alternatives.map { $0 - logMass }
        let mean = logQ.reduce(0) { $0 + exp($1) * $1 }
        // Two passes: E[(log q − mean)²] does not cancel catastrophically when the alternatives are (nearly) equal.
        let deviation = sqrt(logQ.reduce(0) { $0 + exp($1) * ($1 - mean) * ($1 - mean) })
        guard deviation > 1e-6 else { return nil }
        return (mean, deviation, logMass)
    }
}
