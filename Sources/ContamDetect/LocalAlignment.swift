/// Scores of a local alignment over tokens: linear gaps, one score per column.
public struct AlignmentScoring: Sendable, Equatable {
    public var match: Int32
    public var mismatch: Int32
    public var gap: Int32

    /// +1 for a match, −1 for a substitution, −1 for each inserted or deleted token: an alignment grows
    /// while more than half of its new columns match, so it stops where a copy ends.
    public init(match: Int32 = 1, mismatch: Int32 = -1, gap: Int32 = -1) {
        self.match = match
        self.mismatch = mismatch
        self.gap = gap
    }

    /// The score of a column.
    public func score(_ kind: EditOperation.Kind) -> Int {
        switch kind {
        case .match: return Int(match)
        case .substitution: return Int(mismatch)
        case .insertion, .deletion: return Int(gap)
        }
    }
}

/// A local alignment of item tokens `itemRange` against target tokens `targetRange`, as run-length
/// edit operations. Similarity = matched tokens / aligned columns.
public struct LocalAlignment: Sendable, Equatable {
    public var score: Int
    public var itemRange: Range<Int>
    public var targetRange: Range<Int>
    public var operations: [EditOperation]

    public init(score: Int, itemRange: Range<Int>, targetRange: Range<Int>, operations: [EditOperation]) {
        self.score = score
        self.itemRange = itemRange
        self.targetRange = targetRange
        self.operations = operations
    }

    /// The empty alignment (nothing matched).
    public static let empty = LocalAlignment(score: 0, itemRange: 0..<0, targetRange: 0..<0, operations: [])

    /// Number of matched tokens.
    public var matches: Int { operations.reduce(0) { $0 + ($1.kind == .match ? $1.count : 0) } }
    /// Number of aligned columns (matches + substitutions + insertions + deletions).
    public var columns: Int { operations.reduce(0) { $0 + $1.count } }
    /// Matched tokens / aligned columns (0 for the empty alignment).
    public var similarity: Double { columns == 0 ? 0 : Double(matches) / Double(columns) }

    /// The same alignment with both ranges shifted (region coordinates to document coordinates).
    public func shifted(item itemOffset: Int, target targetOffset: Int) -> LocalAlignment {
        LocalAlignment(score: score, itemRange: (itemRange.lowerBound + itemOffset)..<(itemRange.upperBound + itemOffset),
                       targetRange: (targetRange.lowerBound + targetOffset)..<(targetRange.upperBound + targetOffset), operations: operations)
    }

    /// Calls `body(kind, itemIndex, targetIndex)` for every column in order; the index of the side a
    /// column does not consume is where the next token of that side would be.
    public func forEachColumn(_ body: (EditOperation.Kind, Int, Int) -> Void) {
        var i = itemRange.lowerBound
        var j = targetRange.lowerBound
        for operation in operations {
            for _ in 0..<operation.count {
                body(operation.kind, i, j)
                if operation.kind.consumesItem { i += 1 }
                if operation.kind.consumesDocument { j += 1 }
            }
        }
    }
}

extension LocalAlignment {
    /// The kind of every column, in order (the run-length operations expanded).
    public var columnKinds: [EditOperation.Kind] {
        var kinds: [EditOperation.Kind] = []
        kinds.reserveCapacity(columns)
        for operation in operations { kinds.append(contentsOf: repeatElement(operation.kind, count: operation.count)) }
        return kinds
    }

    /// The alignment made of columns `columnRange` of this one, with its ranges and score recomputed.
    public func subAlignment(columns columnRange: Range<Int>, scoring: AlignmentScoring) -> LocalAlignment {
        guard !columnRange.isEmpty else { return .empty }
        var i = itemRange.lowerBound
        var j = targetRange.lowerBound
        var itemStart = i, targetStart = j
        var operations: [EditOperation] = []
        var score = 0
        var column = 0
        for kind in columnKinds {
            if column == columnRange.lowerBound { itemStart = i; targetStart = j }
            if columnRange.contains(column) {
                EditOperation.append(kind, to: &operations)
                score += scoring.score(kind)
            }
            if kind.consumesItem { i += 1 }
            if kind.consumesDocument { j += 1 }
            column += 1
            if column == columnRange.upperBound { break }
        }
        return LocalAlignment(score: score, itemRange: itemStart..<i, targetRange: targetStart..<j, operations: operations)
    }
}
