/// What a field named on the command line holds: the text of a record or its id. Errors carry the role,
/// so callers decide by it (not by the option's text) and messages name the option from it.
public enum FieldRole: Sendable, Equatable {
    /// The text (`--field`).
    case text
    /// The record's id (`--id-field`).
    case id

    /// The option that names a field of this role, as the messages tell the user to pass it.
    public var flag: String {
        switch self {
        case .text: return "--field"
        case .id: return "--id-field"
        }
    }
}

/// Errors from reading a corpus: paths, formats and bad records. Each case carries the path and,
/// where there is one, the line or record, so `description` tells a user exactly where to look and what to do.
public enum CorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No corpus input was given at all.
    case noInputs
    /// The path does not exist.
    case missingPath(path: String)
    /// The path exists but cannot be read (permissions, I/O error); `reason` is the system's message.
    case unreadablePath(path: String, reason: String)
    /// A directory holds no file with a supported extension; `found` lists (a few of) the files that were there.
    case noSupportedFiles(directory: String, found: [String], totalFound: Int)
    /// A file named explicitly has an extension that says nothing about its format.
    case unknownFormat(path: String)
    /// A JSONL line is not valid JSON; `column` is 1-based, in bytes.
    case malformedJSON(path: String, line: Int, column: Int, detail: String)
    /// A JSONL line is valid JSON but not an object; `found` is what it is (an array, a string, ...).
    case notAnObject(path: String, line: Int, found: JSONValueKind)
    /// A record lacks the requested field; `present` lists the fields it has, `role` says which option names
    /// the field (`--field` or `--id-field`) and `suggestion` a field that would likely work.
    case missingField(path: String, line: Int, field: String, present: [String], role: FieldRole, suggestion: String?)
    /// A field exists but holds the wrong kind of value; `found` is that kind, `expected` the kinds that
    /// were wanted (a string, or for an id a string or a number).
    case fieldNotString(path: String, line: Int, field: String, found: JSONValueKind, expected: [JSONValueKind])
    /// A quoted CSV field that starts on `line` is never closed.
    case unbalancedQuote(path: String, line: Int)
    /// The input holds a NUL byte at `line`: binary data, not text.
    case binaryContent(path: String, line: Int)
    /// One CSV record grew beyond the size limit; almost always an unbalanced quote swallowing the rest of the file.
    case recordTooLarge(path: String, line: Int, limitBytes: Int)
    /// `--field` (or `--id-field`, as `role` says) names a CSV column that is not in the header.
    case missingColumn(path: String, column: String, columns: [String], role: FieldRole)
    /// A `.zst` input is truncated, not zstd at all, or otherwise undecodable; `detail` is libzstd's account.
    case compressed(path: String, detail: String)
    /// Every input together held no document with any non-whitespace text.
    case emptyInput(paths: [String])
    /// `InputPart`: an impossible K/N, or a part with no file.
    case invalidInputPart(String)
    /// A CSV row with another number of fields than the header has columns.
    case raggedRow(path: String, line: Int, fields: Int, columns: Int)
    /// A Parquet file that cannot be read; the Parquet error names the file and the place.
    case parquet(ParquetError)
    /// An `--include` / `--exclude` pattern that cannot be read.
    case invalidPattern(pattern: String, detail: String)
    /// A field path (`--field`, `--id-field`, `--records`: `option`) selects nothing in a record: `explanation`
    /// says where it stopped and what was there. `line` is the JSONL line, `record` the record's position inside
    /// a document or line (`data[3].paragraphs[1]`); at least one is set.
    case pathNotFound(path: String, line: Int?, record: String?, option: String, fieldPath: String, explanation: String, suggestion: String?)
    /// A path selects a value that is not what `option` needs (an object or array where text is required, a
    /// number as text, several values as an id): `at` is where, `found` what it is, `need` what was wanted.
    case pathWrongKind(path: String, line: Int?, record: String?, option: String, fieldPath: String, at: String, found: String, need: String, suggestion: String?)
    /// Every path of `option` selects no value in this record (each is null or an empty array).
    case pathHasNoValue(path: String, line: Int?, record: String?, option: String, fieldPaths: [String])
    /// A JSON document (a `.json` file read whole) is not valid JSON; `line` and `column` (in bytes) are 1-based.
    case malformedJSONDocument(path: String, line: Int, column: Int, detail: String)
    /// A JSON document is larger than the limit on documents read whole.
    case documentTooLarge(path: String, limitBytes: Int)
    /// A field path given to `option` does not parse; `message` says where and why.
    case invalidFieldPath(option: String, message: String)

    /// `file:17`, `file, record data[3]` or `file:17, record [2]`: where a record is, for messages.
    static func location(_ path: String, line: Int?, record: String?) -> String {
        var text = path
        if let line { text += ":\(line)" }
        if let record { text += ", record " + record }
        return text
    }

    public var description: String {
        switch self {
        case let .invalidInputPart(message):
            return message
        case .noInputs:
            return "No corpus inputs were given; pass one or more files or directories, or - to read standard input."
        case let .missingPath(path):
            return "\(path): no such file or directory; check the path."
        case let .unreadablePath(path, reason):
            return "\(path): cannot be read (\(reason)); check that it exists and that you have permission to read it."
        case let .noSupportedFiles(directory, found, totalFound):
            let what: String
            if totalFound == 0 {
                what = "the directory holds no files"
            } else {
                let more = totalFound > found.count ? ", and \(totalFound - found.count) more" : ""
                what = "found \(totalFound) unsupported file\(totalFound == 1 ? "" : "s"): \(found.joined(separator: ", "))\(more)"
            }
            return "\(directory): no supported corpus files in this directory (\(what)); supported extensions are \(InputFormat.supportedExtensionsSummary); pass --format text to read every file as text, or --include GLOB to choose files."
        case let .unknownFormat(path):
            return "\(path): cannot tell the format from the file name (supported: \(InputFormat.supportedExtensionsSummary)); pass --format text, --format jsonl or --format csv."
        case let .malformedJSON(path, line, column, detail):
            return "\(path):\(line):\(column): malformed JSON: \(detail); fix the line or pass --skip-bad-records to skip such records."
        case let .notAnObject(path, line, found):
            return "\(path):\(line): expected a JSON object on each line but found \(found); fix the line or pass --skip-bad-records to skip such records."
        case let .missingField(path, line, field, present, role, suggestion):
            let fields = present.isEmpty ? "the object is empty" : "fields: \(present.joined(separator: ", "))"
            let advice = suggestion.map { "pass \(role.flag) \($0)" } ?? "pass \(role.flag) NAME with one of them"
            return "\(path):\(line): no field \"\(field)\" in this record (\(fields)); \(advice)."
        case let .fieldNotString(path, line, field, found, expected):
            return "\(path):\(line): field \"\(field)\" is \(found), but it must be \(JSONValueKind.phrase(expected)); pick another field or pass --skip-bad-records."
        case let .unbalancedQuote(path, line):
            return "\(path):\(line): a quoted CSV field starts on this line but its closing quote never comes; check for a stray \" (a quote inside a quoted field is written \"\"). --skip-bad-records cannot skip this one: every record after it would be misread."
        case let .binaryContent(path, line):
            return "\(path):\(line): contains a NUL byte, so it looks like binary data rather than text; leave the file out (--exclude GLOB when it is in a directory) or pass --skip-bad-records."
        case let .recordTooLarge(path, line, limitBytes):
            return "\(path):\(line): the CSV record starting on this line is larger than \(limitBytes >> 20) MiB; this is almost always an unbalanced quote, check the quotes on that line."
        case let .missingColumn(path, column, columns, role):
            let list = columns.isEmpty ? "the header is empty" : "columns: \(columns.joined(separator: ", "))"
            let fallback = role == .text ? " (contam index reads whole rows when --field is left out)" : ", or leave it out"
            return "\(path): no column \"\(column)\" in the CSV header (\(list)); pass \(role.flag) with one of these columns\(fallback)."
        case let .compressed(path, detail):
            return "\(path): cannot decompress: \(detail)."
        case let .raggedRow(path, line, fields, columns):
            return "\(path):\(line): this row has \(fields) field\(fields == 1 ? "" : "s") but the header has \(columns) column\(columns == 1 ? "" : "s"); check the quotes and separators on that line, or pass --skip-bad-records to skip such rows."
        case let .parquet(error):
            return error.description
        case let .invalidPattern(pattern, detail):
            return "the pattern '\(pattern)' cannot be used: \(detail); write * for any name, ** for any path, ? for one character, [abc] for a class."
        case let .emptyInput(paths):
            let shown = paths.prefix(5).joined(separator: ", ") + (paths.count > 5 ? ", ..." : "")
            return "The corpus inputs (\(shown)) hold no document with any text; check the inputs, --format and --field."
        case let .pathNotFound(path, line, record, option, fieldPath, explanation, suggestion):
            let skip = option == "--records" && line == nil ? "" : " or --skip-bad-records"
            let advice = suggestion.map { "; did you mean \(option) '\($0)'? (docs/field-paths.md)" } ?? "; pass \(option) with a path that exists (see docs/field-paths.md)\(skip)"
            return "\(Self.location(path, line: line, record: record)): \(option) '\(fieldPath)' matches nothing: \(explanation)\(advice)."
        case let .pathWrongKind(path, line, record, option, fieldPath, at, found, need, suggestion):
            let advice = suggestion.map { "; try \(option) '\($0)'" } ?? "; pick another path or pass --skip-bad-records"
            return "\(Self.location(path, line: line, record: record)): \(option) '\(fieldPath)' selects \(found) at \(at), but \(need)\(advice)."
        case let .pathHasNoValue(path, line, record, option, fieldPaths):
            let list = fieldPaths.map { "'\($0)'" }.joined(separator: ", ")
            return "\(Self.location(path, line: line, record: record)): \(option) \(list) \(fieldPaths.count == 1 ? "has" : "have") no value in this record (null or an empty array); pass another \(option) as well or instead, or --skip-bad-records to skip such records."
        case let .malformedJSONDocument(path, line, column, detail):
            return "\(path):\(line):\(column): malformed JSON: \(detail); the file is read as one JSON document (it does not hold one object per line), fix it there."
        case let .documentTooLarge(path, limitBytes):
            return "\(path): this JSON document is larger than \(limitBytes >> 20) MiB, the limit for documents read whole; convert it to JSON Lines (e.g. jq -c '.[]' or jq -c '.data[]') and index that."
        case let .invalidFieldPath(option, message):
            return "\(option): \(message)."
        }
    }

    /// The path the error is about, when there is one.
    public var path: String? {
        switch self {
        case .noInputs, .emptyInput, .invalidInputPart, .invalidPattern: return nil
        case let .parquet(error): return error.path
        case let .missingPath(path), let .unreadablePath(path, _), let .unknownFormat(path),
             let .malformedJSON(path, _, _, _), let .notAnObject(path, _, _), let .missingField(path, _, _, _, _, _),
             let .fieldNotString(path, _, _, _, _), let .unbalancedQuote(path, _), let .binaryContent(path, _),
             let .recordTooLarge(path, _, _), let .missingColumn(path, _, _, _), let .compressed(path, _),
             let .raggedRow(path, _, _, _):
            return path
        case let .pathNotFound(path, _, _, _, _, _, _), let .pathWrongKind(path, _, _, _, _, _, _, _, _),
             let .pathHasNoValue(path, _, _, _, _), let .malformedJSONDocument(path, _, _, _), let .documentTooLarge(path, _):
            return path
        case .invalidFieldPath: return nil
        case let .noSupportedFiles(directory, _, _): return directory
        }
    }

    /// True for errors about one record that `--skip-bad-records` may skip; false for errors about whole inputs.
    public var isRecordError: Bool {
        switch self {
        case .malformedJSON, .notAnObject, .missingField, .fieldNotString, .binaryContent, .raggedRow: return true
        case .pathNotFound, .pathWrongKind, .pathHasNoValue: return true
        default: return false
        }
    }
}
