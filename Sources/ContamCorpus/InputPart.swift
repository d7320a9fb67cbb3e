import Foundation

/// `contam index --shard K/N`: part K (1-based) of a deterministic N-way split of the input files, so
/// N machines (or array jobs) can each index one part and `contam merge` can combine the parts.
///
/// The split: the resolved input files (directories walked) are sorted by path and dealt by size, largest
/// first, each to the part with the fewest bytes so far (ties: the lower part number; equal sizes: the
/// path order). Every machine computes the same split from the same files, whatever the order of its
/// arguments; the parts' sizes differ by at most the largest file. A file is never split.
public struct InputPart: Codable, Equatable, Sendable, CustomStringConvertible {
    /// 1...count.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw CorpusError.invalidInputPart("--shard K/N needs 1 <= K <= N, not \(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Parses "K/N".
    public init(parsing text: String) throws {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let k = Int(pieces[0]), let n = Int(pieces[1]) else {
            throw CorpusError.invalidInputPart("--shard takes K/N (part K of N, counted from 1), not '\(text)'")
        }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// This part's files among `files` (each with its size in bytes), in path order. Throws when standard
    /// input is among them (it cannot be split) or when this part gets no file.
    public func select(from files: [(path: String, bytes: Int)]) throws -> [String] {
        if files.contains(where: { $0.path == "-" }) {
            throw CorpusError.invalidInputPart("--shard splits input files; standard input ('-') cannot be split")
        }
        let assignment = Self.assign(files, parts: count)
        let mine = files.indices.filter { assignment[$0] == index - 1 }.map { files[$0].path }.sorted()
        guard !mine.isEmpty else {
            throw CorpusError.invalidInputPart("--shard \(self): part \(index) gets no input file (\(files.count) file(s) for \(count) parts; a file is never split)")
        }
        return mine
    }

    /// The part (0-based) of each file: largest first to the lightest part.
    static func assign(_ files: [(path: String, bytes: Int)], parts: Int) -> [Int] {
        let order = files.indices.sorted { a, b in
            files[a].bytes != files[b].bytes ? files[a].bytes > files[b].bytes : files[a].path < files[b].path
        }
        var loads = [Int](repeating: 0, count: parts)
        var assignment = [Int](repeating: 0, count: files.count)
        for i in order {
            // Invariant: parts >= 1, so loads is not empty.
            let lightest = loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
            assignment[i] = lightest
            loads[lightest] += files[i].bytes
        }
        return assignment
    }
}
