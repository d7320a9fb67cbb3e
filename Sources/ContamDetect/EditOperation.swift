/// One run of alignment columns of the same kind, from the item's point of view.
public struct EditOperation: Sendable, Equatable, Hashable {
    public enum Kind: Sendable, Equatable, Hashable {
        /// Item token equals the document token.
        case match
        /// Item token replaces a different document token.
        case substitution
        /// Item token with no counterpart in the document (inserted in the item).
        case insertion
        /// Document token with no counterpart in the item (deleted from the item).
        case deletion

        /// The SAM/CIGAR letter: `=` match, `X` substitution, `I` insertion, `D` deletion.
        public var cigarLetter: Character {
            switch self {
            case .match: return "="
            case .substitution: return "X"
            case .insertion: return "I"
            case .deletion: return "D"
            }
        }

        /// Whether the column consumes an item token / a document token.
        public var consumesItem: Bool { self != .deletion }
        public var consumesDocument: Bool { self != .insertion }
    }

    public var kind: Kind
    public var count: Int

    public init(_ kind: Kind, _ count: Int) {
        self.kind = kind
        self.count = count
    }

    /// Run-length operations in CIGAR notation, e.g. `12=1X2I30=`.
    public static func cigar(_ operations: [EditOperation]) -> String {
        operations.map { "\($0.count)\($0.kind.cigarLetter)" }.joined()
    }

    /// Appends one column to run-length operations.
    static func append(_ kind: Kind, to operations: inout [EditOperation]) {
        if let last = operations.last, last.kind == kind {
            operations[operations.count - 1].count += 1
        } else {
            operations.append(EditOperation(kind, 1))
        }
    }
}
