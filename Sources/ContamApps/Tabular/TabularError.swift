/// Bad tabular input or options. Each description names the dataset file and, where there is one, the line.
public enum TabularError: Error, CustomStringConvertible, Sendable, Equatable {
    case noRows(path: String)
    case headerOnly(path: String)
    case raggedRow(path: String, line: Int, fields: Int, expected: Int)
    case binary(path: String)
    case unreadable(path: String, reason: String)
    case unknownFeature(dataset: String, feature: String, available: [String])
    case unknownTest(name: String)
    case noDatasets(paths: [String])
    case notADataset(path: String)
    case responses(path: String, line: Int, reason: String)
    case missingResponses(dataset: String, missing: Int, total: Int, firstID: String)
    case requestMismatch(dataset: String, customID: String)
    case index(path: String, reason: String)
    case aliases(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .noRows(path):
            return "\(path): no rows; a tabular dataset needs a header line and at least one row"
        case let .headerOnly(path):
            return "\(path): only a header line, no data rows"
        case let .raggedRow(path, line, fields, expected):
            return "\(path):\(line): this row has \(fields) field\(fields == 1 ? "" : "s") but the header has \(expected); fix the row (unbalanced quotes?) or the header"
        case let .binary(path):
            return "\(path): binary content (NUL bytes or invalid UTF-8), not a CSV file"
        case let .unreadable(path, reason):
            return "\(path): \(reason)"
        case let .unknownFeature(dataset, feature, available):
            return "\(dataset): no feature '\(feature)' for --feature; the features are: \(available.joined(separator: ", "))"
        case let .unknownTest(name):
            return "unknown test '\(name)'; --tests takes a comma-separated list of: \(TabularTestKind.allCases.map(\.rawValue).joined(separator: ", ")), or all"
        case let .noDatasets(paths):
            return "no table files (.csv .tsv .jsonl .json, optionally compressed, or .parquet) found in \(paths.joined(separator: ", "))"
        case let .notADataset(path):
            return "\(path): not a table file (.csv .tsv .jsonl .json, optionally compressed, or .parquet) or a directory"
        case let .responses(path, line, reason):
            return line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)"
        case let .missingResponses(dataset, missing, total, firstID):
            return "\(dataset): \(missing) of \(total) requests have no response in the responses file (first missing: \(firstID)); were the prompts written with the same options and --seed?"
        case let .requestMismatch(dataset, customID):
            return "\(dataset): the response \(customID) answers a different request than these options produce; score with the same --seed, --chat/--completion, --queries and model as 'contam tabular prompts'"
        case let .index(path, reason):
            return "\(path): \(reason)"
        case let .aliases(path, line, reason):
            return line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)"
        }
    }
}
