import Foundation

/// The memorization tests of `contam tabular` (after Bordt et al. 2024, "Elephants Never Forget").
public enum TabularTestKind: String, CaseIterable, Codable, Sendable, Comparable {
    /// Complete the file text cut inside one of the first rows.
    case header
    /// Complete the next row after 10 consecutive rows.
    case row
    /// Complete one feature's value from all the others.
    case feature
    /// Complete the first characters of the next row.
    case firstToken = "first-token"
    /// List the remaining feature names from the dataset name and the first quarter of them.
    case featureNames = "feature-names"
    /// Generate rows from the dataset name and feature names; count the generated rows that are real rows.
    case sample
    /// Generate a row at temperature 0; count the numeric values that occur in their column as written.
    case featureValues = "feature-values"
    /// Name the dataset from its header and first rows.
    case datasetName = "dataset-name"

    /// The name in reports.
    public var title: String {
        switch self {
        case .header: return "header test"
        case .row: return "row completion"
        case .feature: return "feature completion"
        case .firstToken: return "first-token test"
        case .featureNames: return "feature-names test"
        case .sample: return "sample test"
        case .featureValues: return "feature-values test"
        case .datasetName: return "dataset-name test"
        }
    }

    /// Short column heading.
    public var shortTitle: String {
        switch self {
        case .header: return "header"
        case .row: return "row"
        case .feature: return "feature"
        case .firstToken: return "first token"
        case .featureNames: return "feature names"
        case .sample: return "sample"
        case .featureValues: return "feature values"
        case .datasetName: return "dataset name"
        }
    }

    public static func < (a: Self, b: Self) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    /// Parses `--tests header,row,...`; throws a message listing the valid names.
    public static func parseList(_ text: String) throws -> [TabularTestKind] {
        var result = [TabularTestKind]()
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "all" { return allCases }
            guard let kind = TabularTestKind(rawValue: name) ?? TabularTestKind(rawValue: name.replacingOccurrences(of: "_", with: "-")) else {
                throw TabularError.unknownTest(name: name)
            }
            if !result.contains(kind) { result.append(kind) }
        }
        guard !result.isEmpty else { throw TabularError.unknownTest(name: text) }
        return result.sorted()
    }
}

/// How the model is asked: a raw prefix to continue, or a chat with a system prompt and few-shot turns.
public enum TabularMode: String, Codable, Sendable {
    /// `/v1/completions`.
    case completion
    /// `/v1/chat/completions`.
    case chat
}
