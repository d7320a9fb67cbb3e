/// A dataset or target that `contam tabular learn` cannot test. Each description names the file and the column.
public enum TabularLearnError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `--target` names no column.
    case unknownTarget(path: String, target: String, available: [String])
    /// The target has more distinct values than a classification target may have.
    case notClassification(path: String, target: String, distinct: Int, candidates: [String])
    /// The target has fewer than two classes: accuracy would say nothing.
    case singleClass(path: String, target: String, classes: [String])

    public var description: String {
        switch self {
        case let .unknownTarget(path, target, available):
            return "\(path): no column '\(target)' for --target; the columns are: \(available.joined(separator: ", "))"
        case let .notClassification(path, target, distinct, candidates):
            let hint = candidates.isEmpty ? "no column has 2 to \(TabularLearnOptions.maxClasses) distinct values"
                : "columns with 2 to \(TabularLearnOptions.maxClasses) distinct values: \(candidates.joined(separator: ", "))"
            return "\(path): the target '\(target)' has \(distinct) distinct values, more than the \(TabularLearnOptions.maxClasses) a classification target may have; pass another --target (\(hint))"
        case let .singleClass(path, target, classes):
            return "\(path): the target '\(target)' has \(classes.isEmpty ? "no values" : "a single class ('\(classes[0])')"); accuracy needs at least 2 classes"
        }
    }
}
