/// Errors about items and check options. Each names the file and record when there is one.
public enum DetectError: Error, CustomStringConvertible, Equatable {
    case unknownMethod(String)
    /// A `--method` value with no method name in it (",", " ").
    case noMethodNamed(String)
    case itemsFileUnreadable(path: String, message: String)
    case emptyItem(path: String, record: Int, detail: String)
    case itemTooLong(path: String, record: Int, tokens: Int, limit: Int)
    case noItems(paths: [String])
    case tokenizerMismatch(index: String, indexOptions: String, asked: String)
    case invalidFailOn(String)
    case outputExists(path: String)
    case cannotWrite(path: String, message: String)
    case mixedCleanFormats(paths: [String])
    case cleanCSVNeedsOneInput(path: String, inputs: Int)
    /// `--write-clean` cannot rewrite this input item by item; `reason` says why.
    case cleanCopyUnsupported(path: String, reason: String)
    /// A document's stored text does not give back its indexed tokens (a damaged store).
    case inconsistentCorpus(String)
    /// `--documents`: a line names no document of the index.
    case unknownDocument(path: String, line: Int, id: String)
    /// A partial check result (`check --partial`) that cannot be read, or that does not belong with the others.
    case badPartial(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unknownMethod(name):
            return "unknown method '\(name)'; choose from \(ContaminationMethod.allCases.map(\.rawValue).joined(separator: ", ")) or all."
        case let .noMethodNamed(value):
            return "'\(value)' names no method; choose from \(ContaminationMethod.allCases.map(\.rawValue).joined(separator: ", ")) or all."
        case let .itemsFileUnreadable(path, message):
            return "\(path): cannot read the items file: \(message)."
        case let .emptyItem(path, record, detail):
            return "\(path):\(record): the item is empty (\(detail)); remove it or choose other fields with --field."
        case let .itemTooLong(path, record, tokens, limit):
            return "\(path):\(record): the item has \(tokens) tokens, more than --max-item-tokens \(limit); is this a corpus file rather than benchmark items? Split it or raise the limit."
        case let .noItems(paths):
            return "\(paths.joined(separator: ", ")): no items found."
        case let .tokenizerMismatch(index, indexOptions, asked):
            return "\(index): the index was built with \(indexOptions), but \(asked) was asked; rebuild the index with those options or drop them."
        case let .invalidFailOn(value):
            return "--fail-on takes METHOD[:FRACTION] with FRACTION from 0 to 1, not '\(value)'."
        case let .outputExists(path):
            return "\(path): already exists and is a directory; --write-clean writes a new directory for whole-file items, remove it or choose another path."
        case let .cannotWrite(path, message):
            return "\(path): cannot write: \(message)."
        case let .mixedCleanFormats(paths):
            return "--write-clean cannot mix whole-file text items (\(paths.joined(separator: ", "))) with line-based inputs (JSONL, --lines); run them separately."
        case let .cleanCSVNeedsOneInput(path, inputs):
            return "--write-clean writes one file, and \(path) is CSV: with \(inputs) inputs its header row would land among the rows; check each CSV file with its own --write-clean."
        case let .inconsistentCorpus(detail):
            return "index damaged: \(detail)"
        case let .unknownDocument(path, line, id):
            return "\(path):\(line): no document '\(id)' in the index (give external ids, or FILE:LINE as 'contam check' prints sources)."
        case let .badPartial(path, detail):
            return "\(path): \(detail)."
        case let .cleanCopyUnsupported(path, reason):
            return "\(path): --write-clean cannot write this input without the flagged items: \(reason); use --json to list the flagged items and filter the file yourself, or convert it to JSON Lines."
        }
    }
}
