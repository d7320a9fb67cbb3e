/// Whether a dataset's rows are independent of their order, checked before the row and first-token tests: a
/// running id, or a file sorted or grouped by a column, makes part of the next row predictable from the rows
/// shown, so a model would "complete" it without having memorized anything (on Titanic, counting on from the
/// previous PassengerId gets every first token right).
///
/// Definitions, over the data rows (cells trimmed):
/// - **id column**: every cell an integer, all distinct, strictly increasing or strictly decreasing down the file;
/// - **sorted column**: not an id column, at least 3 distinct values, never decreasing or never increasing down
///   the file (numeric order when every cell is a number, else byte order);
/// - **grouped column**: neither of the above, at least 2 distinct values, each value in one contiguous run, and
///   runs of at least 3 rows on average (a column of distinct values is trivially "grouped" and is not).
/// Files with fewer than `minimumRows` rows are not judged: order there says nothing.
public struct TabularRowOrder: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case id, sorted, grouped
    }

    /// One column whose value in the next row follows from the previous rows.
    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        /// 0-based position in the header.
        public var index: Int
        public var kind: Kind
        /// "increasing" / "decreasing" (id, sorted), or "3 runs" (grouped).
        public var detail: String
    }

    /// Rows needed before order is judged.
    public static let minimumRows = 10

    /// Every predictable column, in header order.
    public var columns: [Column]
    /// The column the first-token test starts at: the first one not predictable from the previous row; nil when
    /// every column is.
    public var firstTokenColumn: Int?

    /// True when no column is predictable from the rows before it.
    public var independent: Bool { columns.isEmpty }

    /// The names of the leading predictable columns the first-token test skips.
    public var skippedLeadingColumns: [String] {
        columns.prefix { $0.index < (firstTokenColumn ?? Int.max) }.map(\.name)
    }

    /// Analyzes `dataset` (see the type's documentation).
    public static func analyze(_ dataset: TabularDataset) -> TabularRowOrder {
        guard dataset.rowCount >= minimumRows else {
            return TabularRowOrder(columns: [], firstTokenColumn: dataset.featureNames.isEmpty ? nil : 0)
        }
        var columns = [Column]()
        for (index, name) in dataset.featureNames.enumerated() {
            let cells = (1..<dataset.fields.count).map { TabularPlanner.trimmed(dataset.fields[$0][index]) }
            if let column = classify(cells, name: name, index: index) { columns.append(column) }
        }
        let predictable = Set(columns.map(\.index))
        let first = (0..<dataset.featureNames.count).first { !predictable.contains($0) }
        return TabularRowOrder(columns: columns, firstTokenColumn: first)
    }

    static func classify(_ cells: [String], name: String, index: Int) -> Column? {
        let distinct = Set(cells).count
        guard distinct >= 2 else { return nil }
        let integers = cells.map { Int($0) }
        if distinct == cells.count, integers.allSatisfy({ $0 != nil }) {
            let values = integers.map { $0! }
            if zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) { return Column(name: name, index: index, kind: .id, detail: "increasing") }
            if zip(values, values.dropFirst()).allSatisfy({ $0 > $1 }) { return Column(name: name, index: index, kind: .id, detail: "decreasing") }
        }
        if distinct >= 3 {
            let numbers = cells.map { Double($0) }
            let pairs: [(Bool, Bool)]
            if numbers.allSatisfy({ $0 != nil }) {
                pairs = zip(numbers, numbers.dropFirst()).map { ($0! <= $1!, $0! >= $1!) }
            } else {
                pairs = zip(cells, cells.dropFirst()).map { (!$1.utf8.lexicographicallyPrecedes($0.utf8), !$0.utf8.lexicographicallyPrecedes($1.utf8)) }
            }
            if pairs.allSatisfy(\.0) { return Column(name: name, index: index, kind: .sorted, detail: "increasing") }
            if pairs.allSatisfy(\.1) { return Column(name: name, index: index, kind: .sorted, detail: "decreasing") }
        }
        let runs = 1 + zip(cells, cells.dropFirst()).filter { $0 != $1 }.count
        if runs == distinct && cells.count >= 3 * distinct {
            return Column(name: name, index: index, kind: .grouped, detail: "\(runs) runs")
        }
        return nil
    }

    /// `text` after its first `count` fields and their delimiters (delimiters inside double quotes do not count);
    /// nil when it has no more than `count` fields.
    public static func dropLeadingFields(_ text: String, count: Int, delimiter: Character) -> Substring? {
        var rest = Substring(text)
        guard count > 0 else { return rest }
        var seen = 0, quoted = false
        for index in rest.indices {
            let character = rest[index]
            if character == "\"" { quoted.toggle() }
            guard !quoted, character == delimiter else { continue }
            seen += 1
            if seen == count {
                rest = rest[rest.index(after: index)...]
                return rest
            }
        }
        return nil
    }

    /// One sentence per predictable column, and what the tests do about it.
    public var notes: [String] {
        var notes = columns.map { column -> String in
            switch column.kind {
            case .id: return "\(column.name) is a running id (unique integers, \(column.detail)): the next row's value follows from the previous one"
            case .sorted: return "the rows are sorted by \(column.name) (\(column.detail)): the next row's value is the previous one's or comes just after it"
            case .grouped: return "the rows are grouped by \(column.name) (\(column.detail)): the next row usually repeats the previous row's value"
            }
        }
        let skipped = skippedLeadingColumns
        if !skipped.isEmpty {
            if firstTokenColumn != nil {
                notes.append("the first-token test skips the leading \(skipped.joined(separator: ", ")) and compares the first characters after \(skipped.count == 1 ? "it" : "them")")
            } else {
                notes.append("every column is predictable from the previous row: the first-token test does not apply")
            }
        }
        return notes
    }
}
