/// A path to values inside a structured record, as `--field`, `--id-field` and `--records` take it:
/// `text` (a top-level key), `question.stem` (a nested key), `choices[]` (every element of an array),
/// `choices[0]` (one element), `"odd key".x` (a quoted key; `\"` and `\\` inside quotes). Components chain
/// freely: `data[].paragraphs[].qas[].question`. See docs/field-paths.md.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        /// The value of a key of an object.
        case key(String)
        /// Every element of an array, in order (`[]`).
        case everyElement
        /// One element of an array, counted from 0 (`[N]`).
        case element(Int)
    }

    /// The steps, outermost first; never empty.
    public let components: [Component]

    /// A path of `components` (at least one).
    public init(components: [Component]) {
        precondition(!components.isEmpty, "FieldPath: at least one component")
        self.components = components
    }

    /// A path of one top-level key, whatever characters it holds (no parsing).
    public init(key: String) {
        components = [.key(key)]
    }

    /// Parses the path syntax. Throws `FieldPathSyntaxError` (its description names the column) for an empty
    /// path or key, an unclosed quote or bracket, a bracket holding anything but nothing or a whole number.
    public init(parsing text: String) throws {
        let characters = Array(text)
        var components: [Component] = []
        var index = 0
        func fail(_ detail: String, at position: Int) -> FieldPathSyntaxError {
            FieldPathSyntaxError(text: text, column: position + 1, detail: detail)
        }
        guard !characters.isEmpty else { throw fail("the path is empty", at: 0) }
        // `expectingKey` is true at the start and after a '.': a key (bare or quoted) or, at the start, '[' comes next.
        var expectingKey = true
        while index < characters.count {
            let character = characters[index]
            if character == "[" {
                if expectingKey && !components.isEmpty { throw fail("a key must follow '.', not '['", at: index) }
                let start = index
                index += 1
                var digits = ""
                while index < characters.count, characters[index] != "]" {
                    digits.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw fail("'[' is never closed (write [] or [N])", at: start) }
                index += 1
                if digits.isEmpty {
                    components.append(.everyElement)
                } else if digits.allSatisfy({ $0.isASCII && $0.isNumber }), let element = Int(digits) {
                    components.append(.element(element))
                } else {
                    throw fail("[\(digits)] is not an array index; write [] for every element or [N] with N a whole number from 0", at: start + 1)
                }
                expectingKey = false
            } else if character == "." {
                if expectingKey { throw fail(components.isEmpty ? "the path starts with '.'" : "empty key between two '.'", at: index) }
                index += 1
                expectingKey = true
                guard index < characters.count else { throw fail("the path ends with '.'; a key must follow it", at: index - 1) }
            } else {
                guard expectingKey else {
                    throw fail("expected '.', '[' or the end after \(components.last.map(Self.text(of:)) ?? "the key"), found '\(character)'", at: index)
                }
                if character == "\"" {
                    let start = index
                    index += 1
                    var key = ""
                    var closed = false
                    while index < characters.count {
                        let c = characters[index]
                        if c == "\\" {
                            guard index + 1 < characters.count, characters[index + 1] == "\"" || characters[index + 1] == "\\" else {
                                throw fail("inside quotes, '\\' may only escape '\"' or '\\'", at: index)
                            }
                            key.append(characters[index + 1])
                            index += 2
                        } else if c == "\"" {
                            closed = true
                            index += 1
                            break
                        } else {
                            key.append(c)
                            index += 1
                        }
                    }
                    guard closed else { throw fail("the quoted key is never closed (missing '\"')", at: start) }
                    components.append(.key(key))
                } else if character == "]" {
                    throw fail("']' without '['", at: index)
                } else {
                    var key = ""
                    while index < characters.count, !Self.isDelimiter(characters[index]) {
                        key.append(characters[index])
                        index += 1
                    }
                    if index < characters.count, characters[index] == "\"" {
                        throw fail("a quote inside a key; quote the whole key, as in \"\(key)...\"", at: index)
                    }
                    if index < characters.count, characters[index] == "]" { throw fail("']' without '['", at: index) }
                    components.append(.key(key))
                }
                expectingKey = false
            }
        }
        self.components = components
    }

    /// True for a character that ends a bare key.
    private static func isDelimiter(_ character: Character) -> Bool {
        character == "." || character == "[" || character == "]" || character == "\""
    }

    /// The key when the path is one top-level key (`text`), else nil: such paths take the JSONL fast path.
    public var topLevelKey: String? {
        guard components.count == 1, case let .key(key) = components[0] else { return nil }
        return key
    }

    /// The path in the syntax it parses from, quoting keys that need it: `question.choices[].text`.
    public var description: String { Self.text(of: components) }

    /// `components` written in the path syntax.
    public static func text(of components: some Collection<Component>) -> String {
        var text = ""
        for component in components {
            switch component {
            case let .key(key):
                if !text.isEmpty { text += "." }
                text += quotedIfNeeded(key)
            case .everyElement: text += "[]"
            case let .element(index): text += "[\(index)]"
            }
        }
        return text
    }

    static func text(of component: Component) -> String { text(of: [component]) }

    /// `key` as the path syntax writes it: bare when it can be, else in double quotes with `"` and `\` escaped.
    public static func quotedIfNeeded(_ key: String) -> String {
        if !key.isEmpty && !key.contains(where: isDelimiter) && !key.contains("\\") && !key.contains(where: \.isWhitespace) { return key }
        return "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A field path that does not parse; `description` is a usage message naming the column.
public struct FieldPathSyntaxError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path as given.
    public var text: String
    /// 1-based, in characters.
    public var column: Int
    /// What is wrong there.
    public var detail: String

    public var description: String {
        "field path '\(text)', column \(column): \(detail) (syntax: a.b for a nested key, a[] for every element, a[0] for one, \"odd key\" in quotes)"
    }
}

/// One value a path selected, with where it was found (the concrete path: keys and indexes, no `[]`).
public struct SelectedValue: Sendable, Equatable {
    /// Where the value is, e.g. `[.key("data"), .element(3), .key("paragraphs"), .element(1)]`.
    public var location: [FieldPath.Component]
    public var value: RecordValue

    public init(location: [FieldPath.Component], value: RecordValue) {
        self.location = location
        self.value = value
    }

    /// The location in path syntax: `data[3].paragraphs[1]`; `the record` when the value is the record itself.
    public var position: String { location.isEmpty ? "the record" : FieldPath.text(of: location) }
}

/// Why a path selects nothing in a record: where it stopped and what was there.
public struct FieldPathMismatch: Error, Sendable, Equatable {
    /// The concrete location of the value where the path could go no further (empty: the record itself).
    public var stoppedAt: [FieldPath.Component]
    /// The component that could not be taken there.
    public var wanted: FieldPath.Component
    /// What was found there, in words: `keys: id, question` / `an object with no keys` / `an array of 4 elements` / `a string`.
    public var found: String
    /// A path that likely works, when one is evident (add `[]`, a literal key with a dot in it).
    public var suggestion: String?

    /// `question` / `the record`, for messages.
    public var stoppedAtText: String { stoppedAt.isEmpty ? "the record" : FieldPath.text(of: stoppedAt) }

    /// One clause: `question has no key "stem" (keys: text, label)`, `choices is an array of 4 elements, not an
    /// object with key "text"`.
    public var explanation: String {
        switch wanted {
        case let .key(key):
            if found.hasPrefix("keys:") || found.hasPrefix("an object") { return "\(stoppedAtText) has no key \"\(key)\" (\(found))" }
            return "\(stoppedAtText) is \(found), not an object with key \"\(key)\""
        case .everyElement:
            return "\(stoppedAtText) is not an array but \(found)"
        case let .element(index):
            if found.hasPrefix("an array") { return "\(stoppedAtText) has no element [\(index)] (\(found))" }
            return "\(stoppedAtText) is not an array but \(found)"
        }
    }
}

extension RecordValue {
    /// What the value is, for messages about where a path stopped: the keys of an object, the size of an array,
    /// else the kind ("a string").
    public var shapeDescription: String {
        switch self {
        case let .object(object):
            var names: [String] = []
            for key in object.keys where !names.contains(key) { names.append(key) }
            if names.isEmpty { return "an object with no keys" }
            let shown = names.prefix(20).map(FieldPath.quotedIfNeeded).joined(separator: ", ")
            return "keys: " + shown + (names.count > 20 ? ", ... (\(names.count) keys)" : "")
        case let .array(elements):
            return "an array of \(elements.count) element\(elements.count == 1 ? "" : "s")"
        default:
            return kindDescription
        }
    }

    /// The values `path` selects, in document order, each with its location. A null met on the way (or at
    /// the end) selects nothing there, like an empty array: "no value" is the data's answer, not a wrong path.
    /// A missing key, an index past the end, or a key or index applied to the wrong kind of value is a
    /// `FieldPathMismatch`. O(size of what the path visits).
    public func selecting(_ path: FieldPath) -> Result<[SelectedValue], FieldPathMismatch> {
        var results: [SelectedValue] = []
        var location: [FieldPath.Component] = []
        if let mismatch = Self.walk(self, path.components[...], location: &location, into: &results) {
            return .failure(mismatch)
        }
        return .success(results)
    }

    private static func walk(_ value: RecordValue, _ rest: ArraySlice<FieldPath.Component>, location: inout [FieldPath.Component],
                             into results: inout [SelectedValue]) -> FieldPathMismatch? {
        guard let component = rest.first else {
            results.append(SelectedValue(location: location, value: value))
            return nil
        }
        if case .null = value { return nil }
        let next = rest.dropFirst()
        switch (component, value) {
        case let (.key(key), .object(object)):
            guard let child = object[key] else {
                return FieldPathMismatch(stoppedAt: location, wanted: component, found: value.shapeDescription,
                                         suggestion: literalKeySuggestion(object, rest, location: location))
            }
            location.append(component)
            defer { location.removeLast() }
            return walk(child, next, location: &location, into: &results)
        case (.key, .array(let elements)):
            // The commonest slip: `choices.text` for `choices[].text`.
            let suggestion = elements.isEmpty ? nil : FieldPath.text(of: location + [.everyElement] + Array(rest))
            return FieldPathMismatch(stoppedAt: location, wanted: component, found: value.shapeDescription, suggestion: suggestion)
        case (.everyElement, .array(let elements)):
            for (index, element) in elements.enumerated() {
                location.append(.element(index))
                defer { location.removeLast() }
                if let mismatch = walk(element, next, location: &location, into: &results) { return mismatch }
            }
            return nil
        case let (.element(index), .array(elements)):
            guard index < elements.count else {
                return FieldPathMismatch(stoppedAt: location, wanted: component, found: value.shapeDescription, suggestion: nil)
            }
            location.append(component)
            defer { location.removeLast() }
            return walk(elements[index], next, location: &location, into: &results)
        default:
            return FieldPathMismatch(stoppedAt: location, wanted: component, found: value.shapeDescription, suggestion: nil)
        }
    }

    /// `"a.b"` when the path `a.b` was meant as one key with a dot in it and the object has that key.
    private static func literalKeySuggestion(_ object: RecordObject, _ rest: ArraySlice<FieldPath.Component>,
                                             location: [FieldPath.Component]) -> String? {
        var joined = ""
        for (count, component) in rest.enumerated() {
            guard case let .key(key) = component else { return nil }
            joined += (count == 0 ? "" : ".") + key
            if count > 0, object[joined] != nil {
                return FieldPath.text(of: location + [FieldPath.Component.key(joined)] + Array(rest.dropFirst(count + 1)))
            }
        }
        return nil
    }
}
