import ContamCorpus

/// The parts of one `--shard K/N` split as `contam merge` and `contam check --combine` receive them: each input's
/// part and split fingerprint. `check` puts them in part order (so a merged index's shards, and a combined
/// check's, come in the same order whatever order the shell gave the files in) and refuses a part of another
/// split, a part given twice, and (unless allowed) a missing part, naming the file.
public enum SplitParts {
    /// One input: its path, its part (nil when it is a whole index) and its split's fingerprint.
    public struct Input: Sendable {
        public var path: String
        public var part: InputPart?
        public var split: String?

        public init(path: String, part: InputPart?, split: String?) {
            self.path = path
            self.part = part
            self.split = split
        }
    }

    /// What is wrong with a set of inputs: the file it concerns and a sentence.
    public struct Problem: Error, Sendable, Equatable {
        public var path: String
        public var detail: String
    }

    /// The inputs' order (indices into `inputs`: by part number when they are parts, else as given) and, when
    /// `allowMissing` let missing parts through, a note naming them. Throws `Problem` for a mixture of parts and
    /// whole indexes, parts of different splits, a part given twice, or (without `allowMissing`) a missing part.
    public static func check(_ inputs: [Input], allowMissing: Bool) throws(Problem) -> (order: [Int], missingNote: String?) {
        guard let reference = inputs.firstIndex(where: { $0.part != nil }), let first = inputs[reference].part else {
            return (Array(inputs.indices), nil)
        }
        let name = inputs[reference].path
        var byPart: [Int: Int] = [:]
        for (i, input) in inputs.enumerated() {
            guard let part = input.part else {
                throw Problem(path: input.path, detail: "it is not a part of a --shard split, but \(name) is part \(first); give all parts of one split, or only whole indexes")
            }
            guard part.count == first.count else {
                throw Problem(path: input.path, detail: "it is part \(part), of a split into \(part.count) parts, but \(name) is part \(first): parts of different splits do not combine")
            }
            if let split = input.split, let other = inputs[reference].split, split != other {
                throw Problem(path: input.path, detail: "it is part \(part) of another split than \(name) (split fingerprint \(split), not \(other)): another corpus, file list or tokenizer; rebuild the parts from the same inputs and options")
            }
            if let earlier = byPart[part.index] {
                throw Problem(path: input.path, detail: "part \(part) is given twice (\(inputs[earlier].path) and \(input.path)); give each part once")
            }
            byPart[part.index] = i
        }
        let missing = (1...first.count).filter { byPart[$0] == nil }
        var note: String?
        if !missing.isEmpty {
            let present = byPart.keys.sorted().map { "\($0)/\(first.count)" }.joined(separator: ", ")
            let absent = missing.map { "\($0)/\(first.count)" }.joined(separator: ", ")
            note = "parts \(present): \(missing.count == 1 ? "part" : "parts") \(absent) \(missing.count == 1 ? "is" : "are") missing"
            if !allowMissing {
                throw Problem(path: name, detail: "\(note!) (given: \(inputs.map(\.path).joined(separator: ", "))); a result without every part would miss what the absent ones hold")
            }
        }
        return (byPart.keys.sorted().compactMap { byPart[$0] }, note)
    }
}
