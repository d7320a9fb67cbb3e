/// Where one record is, for the errors a selection throws: the file, the JSONL line (when records are lines or
/// come from one), and the record's position inside its document or line (`data[3].paragraphs[1]`).
public struct RecordLocation: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var record: String?

    public init(path: String, line: Int? = nil, record: String? = nil) {
        self.path = path
        self.line = line
        self.record = record
    }

    /// `file:17`, `file, record data[3]`, `file:17, record [2]`.
    public var description: String { CorpusError.location(path, line: line, record: record) }
}

/// The text and id of a record, as `--field` (repeatable) and `--id-field` select them with field paths. Works on
/// any `RecordValue`: a parsed JSON record, a Parquet row (`.object(RecordObject)`).
///
/// Text: every path's values in order (`[]` yields each element), only strings accepted; the non-empty ones are
/// joined with a newline. A null, or an array that is empty, gives no value; a record where every text path gives
/// no value at all is an error (`pathHasNoValue`), one whose strings are all empty is blank text (the caller skips
/// or refuses it). A number, boolean, object or array where a string is needed is `pathWrongKind`, with a hint
/// (`[]`, a deeper key). A path that does not exist in the record is `pathNotFound`, naming where it stopped and
/// the keys there. Id: one value, a string or number (`RecordValue.scalarText`); null gives none.
public struct RecordFieldSelector: Sendable, Equatable {
    /// The text paths (`--field`), at least one.
    public var textPaths: [FieldPath]
    /// The id path (`--id-field`), or nil for no id.
    public var idPath: FieldPath?
    /// True when the id path is the default (`id`, not asked for): a record without it has no id, no error.
    public var idIsOptional: Bool

    public init(textPaths: [FieldPath], idPath: FieldPath? = nil, idIsOptional: Bool = false) {
        precondition(!textPaths.isEmpty, "RecordFieldSelector: at least one text path")
        self.textPaths = textPaths
        self.idPath = idPath
        self.idIsOptional = idIsOptional
    }

    /// The selector for `--field` texts and an `--id-field` text (both in path syntax); without an id field, the
    /// optional default `id` when `defaultID` is true. Throws `CorpusError.invalidFieldPath` for a path that does
    /// not parse.
    public init(fields: [String], idField: String?, defaultID: Bool) throws {
        let texts = try (fields.isEmpty ? ["text"] : fields).map { try Self.path($0, option: "--field") }
        if let idField {
            self.init(textPaths: texts, idPath: try Self.path(idField, option: "--id-field"))
        } else {
            self.init(textPaths: texts, idPath: defaultID ? FieldPath(key: "id") : nil, idIsOptional: defaultID)
        }
    }

    /// Parses `text` for `option`, turning a syntax error into `CorpusError.invalidFieldPath`.
    public static func path(_ text: String, option: String) throws -> FieldPath {
        do {
            return try FieldPath(parsing: text)
        } catch let error as FieldPathSyntaxError {
            throw CorpusError.invalidFieldPath(option: option, message: error.description)
        }
    }

    /// True when every path is one top-level key: `JSONLineParser` can extract them without building values.
    public var isTopLevelOnly: Bool {
        textPaths.allSatisfy { $0.topLevelKey != nil } && (idPath.map { $0.topLevelKey != nil } ?? true)
    }

    /// The record's text: its selected strings, the non-empty ones joined by `\n`. Throws `CorpusError`.
    public func text(of record: RecordValue, at location: RecordLocation) throws -> String {
        var parts: [String] = []
        var anyValue = false
        for path in textPaths {
            for selected in try select(path, in: record, option: "--field", at: location) {
                switch selected.value {
                case .null: continue
                case let .string(text):
                    anyValue = true
                    if !text.isEmpty { parts.append(text) }
                case let .array(elements) where elements.isEmpty:
                    continue
                case let other:
                    throw wrongKind(path, selected, found: other, need: "text must be a string", at: location, option: "--field")
                }
            }
        }
        guard anyValue else {
            throw CorpusError.pathHasNoValue(path: location.path, line: location.line, record: location.record, option: "--field",
                                             fieldPaths: textPaths.map(\.description))
        }
        return parts.joined(separator: "\n")
    }

    /// The record's id, or nil when no id path is set, its value is null, or (for the optional default) the record
    /// has no such key. Throws `CorpusError` for a missing path, several values, or a value that is not a string or number.
    public func id(of record: RecordValue, at location: RecordLocation) throws -> String? {
        guard let idPath else { return nil }
        let selected: [SelectedValue]
        if idIsOptional {
            guard case let .success(values) = record.selecting(idPath) else { return nil }
            selected = values
        } else {
            selected = try select(idPath, in: record, option: "--id-field", at: location)
        }
        let values = selected.filter { $0.value != .null }
        guard let first = values.first else { return nil }
        guard values.count == 1 else {
            throw CorpusError.pathWrongKind(path: location.path, line: location.line, record: location.record, option: "--id-field",
                                            fieldPath: idPath.description, at: FieldPath.text(of: idPath.components), found: "\(values.count) values",
                                            need: "an id must be one value", suggestion: nil)
        }
        switch first.value {
        case .string, .integer, .double, .timestamp:
            return first.value.scalarText
        default:
            throw wrongKind(idPath, first, found: first.value, need: "an id must be a string or a number", at: location, option: "--id-field")
        }
    }

    private func select(_ path: FieldPath, in record: RecordValue, option: String, at location: RecordLocation) throws -> [SelectedValue] {
        switch record.selecting(path) {
        case let .success(values): return values
        case let .failure(mismatch):
            throw CorpusError.pathNotFound(path: location.path, line: location.line, record: location.record, option: option,
                                           fieldPath: path.description, explanation: mismatch.explanation, suggestion: mismatch.suggestion)
        }
    }

    private func wrongKind(_ path: FieldPath, _ selected: SelectedValue, found: RecordValue, need: String, at location: RecordLocation,
                           option: String) -> CorpusError {
        CorpusError.pathWrongKind(path: location.path, line: location.line, record: location.record, option: option,
                                  fieldPath: path.description, at: selected.position, found: found.shapeDescription.hasPrefix("keys:")
                                      ? "an object (\(found.shapeDescription))" : found.shapeDescription,
                                  need: need, suggestion: Self.suggestion(path, found))
    }

    /// A path that reaches text below `value`: `[]` for an array of strings, `[].key` / `.key` for the first
    /// string-valued key of an object.
    static func suggestion(_ path: FieldPath, _ value: RecordValue) -> String? {
        // A key named "text" when it holds a string, else the key of the longest string.
        func stringKey(_ object: RecordObject) -> String? {
            if case .string? = object["text"] { return "text" }
            var best: (key: String, length: Int)?
            for (key, value) in zip(object.keys, object.values) {
                if case let .string(text) = value, text.utf8.count > best?.length ?? -1 { best = (key, text.utf8.count) }
            }
            return best?.key
        }
        switch value {
        case let .array(elements):
            guard let first = elements.first(where: { $0 != .null }) else { return nil }
            if case .string = first { return FieldPath(components: path.components + [.everyElement]).description }
            if case let .object(object) = first, let key = stringKey(object) {
                return FieldPath(components: path.components + [.everyElement, .key(key)]).description
            }
            if case .array = first { return FieldPath(components: path.components + [.everyElement, .everyElement]).description }
            return nil
        case let .object(object):
            return stringKey(object).map { FieldPath(components: path.components + [.key($0)]).description }
        default:
            return nil
        }
    }
}
