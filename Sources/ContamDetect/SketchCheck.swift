import ContamStatistics
import ContamIndex

/// `contam check` on an index that has only n-gram sketches (`contam index --sketch-only`): the n-gram
/// methods that a membership filter can answer, with their answers marked probabilistic. A Bloom filter has
/// no false negatives, so a "clean" verdict is certain; a "dirty" one can be a false positive (each n-gram
/// probe errs at about the sketch's false-positive rate).
///
/// - `lmeval13`: dirty when any 13-gram of the item is in the sketch (needs 13 among the sketch's n).
/// - `palm`: dirty when at least 70 % of the item's 8-grams are (needs 8 among the sketch's n).
/// Every other method needs the suffix array and is refused with a message saying so. Items shorter than n
/// have no n-gram and are clean. A "dirty" verdict whose hit count false positives alone would explain
/// (binomial tail p >= 0.01 at the filter's rate) is flagged as a possible false positive ("dirty?").
public enum SketchCheck {
    /// One item's answer.
    public struct ItemAnswer: Codable, Equatable, Sendable {
        public var id: String
        public var tokens: Int
        /// Method name -> "dirty" / "clean".
        public var methods: [String: String]
        /// Method name -> n-grams probed and found.
        public var ngramsChecked: [String: Int]
        public var ngramsFound: [String: Int]
        /// Methods whose "dirty" rests on so few hits that false positives alone would explain them
        /// (one-sided binomial p >= 0.01 for that many hits at the filter's false-positive rate).
        public var possibleFalsePositive: [String] = []
        public var probabilistic = true
        public var falsePositiveRate: Double
    }

    /// The methods a sketch-only index can answer.
    public static let supportedMethods: [ContaminationMethod: (n: Int, rule: String)] = [
        .lmeval13: (13, "any 13-gram present"),
        .palm: (8, "at least 70 % of the 8-grams present"),
    ]

    /// Throws when a method needs the suffix array, or needs an n-gram size the sketch does not hold.
    public static func validate(_ methods: [ContaminationMethod], index: Index) throws {
        for method in methods {
            guard let needed = supportedMethods[method] else {
                throw IndexError.incompatibleOptions(path: index.path, detail: "this index was built with --sketch-only; method \(method.rawValue) needs a full index (on a sketch-only index use --method \(supportedMethods.keys.map(\.rawValue).sorted().joined(separator: " or ")))")
            }
            guard index.sketchNGramSizes.contains(needed.n) else {
                throw IndexError.incompatibleOptions(path: index.path, detail: "method \(method.rawValue) needs \(needed.n)-grams, but the sketch holds \(index.sketchNGramSizes.map(String.init).joined(separator: ", "))-grams; rebuild with --sketch-n \(needed.n)")
            }
        }
    }

    /// Answers every item for `methods` (validated first). O(item tokens) filter probes per method.
    public static func check(_ items: [CheckItem], methods: [ContaminationMethod], index: Index) throws -> [ItemAnswer] {
        try validate(methods, index: index)
        let rate = index.sketches.map(\.parameters.targetFalsePositiveRate).max() ?? 0
        return items.map { item in
            let tokens = index.tokenizer.tokens(in: item.text).map(\.text)
            var answer = ItemAnswer(id: item.id, tokens: tokens.count, methods: [:], ngramsChecked: [:], ngramsFound: [:], falsePositiveRate: rate)
            for method in methods {
                let n = supportedMethods[method]!.n
                let count = max(0, tokens.count - n + 1)
                var found = 0
                for start in 0..<count where index.sketchContains(tokens: tokens[start..<(start + n)]) { found += 1 }
                let dirty = method == .palm ? (count > 0 && Double(found) >= 0.7 * Double(count)) : found > 0
                answer.methods[method.rawValue] = dirty ? "dirty" : "clean"
                if dirty && Binomial.upperTail(successes: found, trials: count, probability: rate) >= 0.01 {
                    answer.possibleFalsePositive.append(method.rawValue)
                }
                answer.ngramsChecked[method.rawValue] = count
                answer.ngramsFound[method.rawValue] = found
            }
            return answer
        }
    }

    /// A human table and summary.
    public static func table(_ answers: [ItemAnswer], methods: [ContaminationMethod], indexPath: String) -> String {
        let idWidth = max(4, answers.map(\.id.count).max() ?? 4)
        var lines = ["ITEM".padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  " + methods.map { "\($0.rawValue.uppercased())  (found/n-grams)" }.joined(separator: "  ")]
        for answer in answers {
            let cells = methods.map { method -> String in
                let name = method.rawValue
                let verdict = (answer.methods[name] ?? "-") + (answer.possibleFalsePositive.contains(name) ? "?" : "")
                return verdict.padding(toLength: 6, withPad: " ", startingAt: 0) + " \(answer.ngramsFound[name] ?? 0)/\(answer.ngramsChecked[name] ?? 0)"
            }
            lines.append(answer.id.padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  " + cells.map { $0.padding(toLength: max(24, $0.count), withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        lines.append("")
        lines.append("\(answers.count) items checked against \(indexPath) (sketch only: probabilistic answers)")
        for method in methods {
            let dirty = answers.filter { $0.methods[method.rawValue] == "dirty" }.count
            let share = answers.isEmpty ? 0 : 100 * Double(dirty) / Double(answers.count)
            lines.append("  \(method.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(dirty) dirty (\(String(format: "%.1f", share))%), rule: \(supportedMethods[method]!.rule)")
        }
        let rate = answers.first?.falsePositiveRate ?? 0
        lines.append("note: answers come from a Bloom filter: \"clean\" is certain; each n-gram probe is a false positive with probability about \(rate), so \"dirty?\" marks verdicts that false positives alone would explain (binomial p >= 0.01); check those on a full index")
        return lines.joined(separator: "\n") + "\n"
    }
}
