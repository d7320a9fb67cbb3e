/// What `JSONLineParser` extracts from one JSONL record.
public struct JSONLineFields: Sendable, Equatable {
    /// The decoded value of each requested text field, in the order the fields were requested; valid UTF-8.
    public var texts: [[UInt8]]
    /// The id field's value: a string's decoded text or a number's literal text (`17`, `1.5e3`); nil when no id
    /// field was requested or its value is `null`.
    public var id: String?
    /// How many invalid UTF-8 sequences and lone `\u` surrogates were replaced by U+FFFD in the texts.
    public var replacements: Int

    public init(texts: [[UInt8]], id: String?, replacements: Int) {
        self.texts = texts
        self.id = id
        self.replacements = replacements
    }
}

/// A small strict JSON parser for one JSONL line that must hold a JSON object (RFC 8259). It validates the whole
/// line, decodes the string values of the requested text fields (all escapes, `\uXXXX` with surrogate pairs) and the
/// id field (string or number), and skips everything else without building any value. O(line length); allocates only
/// the extracted values.
///
/// Choices: a duplicate key takes its last value; invalid UTF-8 inside the extracted strings and lone surrogate
/// escapes are replaced by U+FFFD and counted (not errors), while skipped strings are only checked for JSON syntax;
/// nesting deeper than 512 levels is an error. Errors are `CorpusError`s naming path, line and (for syntax) column.
public final class JSONLineParser {
    /// The fields whose string values are extracted.
    public let textFields: [String]
    /// The field holding each record's id, if any.
    public let idField: String?
    /// False when a record without the id field simply has no id (the default `id`); true makes it an error.
    public let idRequired: Bool

    private let textKeys: [[UInt8]]
    private let idKey: [UInt8]?
    static let maximumDepth = 512

    /// A parser extracting `textFields` (at least one) and optionally `idField` (an error when a record lacks it,
    /// unless `idRequired` is false). A text field whose value is null gives no text; when every text field is
    /// null the record is an error (`CorpusError.pathHasNoValue`), as for field paths.
    public init(textFields: [String] = ["text"], idField: String? = nil, idRequired: Bool = true) {
        self.textFields = textFields
        self.idField = idField
        self.idRequired = idRequired
        textKeys = textFields.map { Array($0.utf8) }
        idKey = idField.map { Array($0.utf8) }
    }

    /// Parses one line (without its newline); `path` and `lineNumber` name it in errors.
    public func parse(_ line: [UInt8], path: String, lineNumber: Int) throws -> JSONLineFields {
        try line.withUnsafeBufferPointer { try parse($0, path: path, lineNumber: lineNumber) }
    }

    /// Parses one line (without its newline) in place; `path` and `lineNumber` name it in errors.
    public func parse(_ line: UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int) throws -> JSONLineFields {
        var cursor = JSONCursor(line, path: path, lineNumber: lineNumber)
        var texts = [[UInt8]](repeating: [], count: textKeys.count)
        var found = [Bool](repeating: false, count: textKeys.count)
        // Bit k: text field k's last value was null (fields past 64 are never treated as null-only).
        var nullMask: UInt64 = 0
        var id: String?
        var idFound = false
        var replacements = 0
        var typeError: CorpusError?

        cursor.skipWhitespace()
        guard let first = cursor.peek() else {
            throw cursor.error("the line holds no JSON value")
        }
        guard first == UInt8(ascii: "{") else {
            guard let kind = JSONValueKind(startingWith: first) else {
                throw cursor.error("unexpected \(JSONCursor.describe(first)) where a JSON object should start")
            }
            // Syntax errors win: only valid JSON is reported as "not an object".
            try cursor.skipValue(depth: 1)
            cursor.skipWhitespace()
            if let extra = cursor.peek() {
                throw cursor.error("unexpected \(JSONCursor.describe(extra)) after the end of the value (one value per line)")
            }
            throw CorpusError.notAnObject(path: path, line: lineNumber, found: kind)
        }
        cursor.index &+= 1
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "}") {
            cursor.index &+= 1
        } else {
            var scratch: [UInt8] = []
            while true {
                let key = try cursor.key(scratch: &scratch)
                cursor.skipWhitespace()
                try cursor.expect(UInt8(ascii: ":"), "expected ':' after the key")
                cursor.skipWhitespace()
                let keyBytes = key ?? UnsafeBufferPointer(start: nil, count: 0)
                if let fieldIndex = key == nil
                    ? scratch.withUnsafeBufferPointer({ Self.index(of: $0, in: textKeys) })
                    : Self.index(of: keyBytes, in: textKeys) {
                    found[fieldIndex] = true
                    if cursor.peek() == UInt8(ascii: "\"") {
                        cursor.index &+= 1
                        if fieldIndex < 64 { nullMask &= ~(1 << UInt64(fieldIndex)) }
                        texts[fieldIndex].removeAll(keepingCapacity: true)
                        replacements &+= try cursor.string(into: &texts[fieldIndex], store: true)
                    } else {
                        // Reported after the whole line parsed, so that syntax errors win. No kind means no value
                        // starts here: skipValue throws that syntax error. Null is no value, not a wrong kind.
                        let kind = cursor.peek().flatMap(JSONValueKind.init(startingWith:))
                        if kind == .null {
                            texts[fieldIndex].removeAll(keepingCapacity: true)
                            if fieldIndex < 64 { nullMask |= 1 << UInt64(fieldIndex) }
                        } else if let kind {
                            typeError = typeError ?? .fieldNotString(path: path, line: lineNumber, field: textFields[fieldIndex],
                                                                     found: kind, expected: [.string])
                        }
                        try cursor.skipValue(depth: 1)
                    }
                } else if let idKey, key == nil
                    ? scratch.elementsEqual(idKey)
                    : Self.equal(keyBytes, idKey) {
                    idFound = true
                    if let byte = cursor.peek(), let kind = JSONValueKind(startingWith: byte),
                       ![.string, .number, .null].contains(kind) {
                        typeError = typeError ?? .fieldNotString(path: path, line: lineNumber, field: idField ?? "",
                                                                 found: kind, expected: [.string, .number])
                        try cursor.skipValue(depth: 1)
                    } else {
                        id = try cursor.idValue()
                    }
                } else {
                    try cursor.skipValue(depth: 1)
                }
                cursor.skipWhitespace()
                guard let next = cursor.peek() else { throw cursor.error("the line ends inside the object (missing '}')") }
                cursor.index &+= 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else {
                    cursor.index &-= 1
                    throw cursor.error("expected ',' or '}' after a value in an object but found \(JSONCursor.describe(next))")
                }
                cursor.skipWhitespace()
            }
        }
        cursor.skipWhitespace()
        if let extra = cursor.peek() {
            throw cursor.error("unexpected \(JSONCursor.describe(extra)) after the end of the object (one object per line)")
        }
        if let typeError { throw typeError }
        for fieldIndex in 0..<textKeys.count where !found[fieldIndex] {
            throw missingField(textFields[fieldIndex], role: .text, line: line, path: path, lineNumber: lineNumber)
        }
        if let idField, !idFound, idRequired {
            throw missingField(idField, role: .id, line: line, path: path, lineNumber: lineNumber)
        }
        if nullMask != 0, textKeys.count <= 64, nullMask == (textKeys.count == 64 ? ~0 : (1 << UInt64(textKeys.count)) - 1) {
            throw CorpusError.pathHasNoValue(path: path, line: lineNumber, record: nil, option: "--field", fieldPaths: textFields)
        }
        for fieldIndex in 0..<texts.count {
            replacements &+= UTF8Repair.repair(&texts[fieldIndex])
        }
        return JSONLineFields(texts: texts, id: id, replacements: replacements)
    }

    /// The top-level keys of a line already known to be a valid object, with the kind (nil if no value starts
    /// there) and length of each value. Used only to explain a missing field, so it may be slow.
    func topLevelKeys(_ line: UnsafeBufferPointer<UInt8>) -> [(name: String, kind: JSONValueKind?, length: Int)] {
        var cursor = JSONCursor(line, path: "", lineNumber: 0)
        var keys: [(name: String, kind: JSONValueKind?, length: Int)] = []
        var scratch: [UInt8] = []
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "{") else { return [] }
        cursor.index &+= 1
        cursor.skipWhitespace()
        while cursor.peek() == UInt8(ascii: "\"") {
            let key: UnsafeBufferPointer<UInt8>?
            do { key = try cursor.key(scratch: &scratch) } catch { break }
            let name: String
            if let key { name = String(decoding: key, as: UTF8.self) } else { name = String(decoding: scratch, as: UTF8.self) }
            cursor.skipWhitespace()
            cursor.index &+= 1 // ':'
            cursor.skipWhitespace()
            let kind = cursor.peek().flatMap(JSONValueKind.init(startingWith:))
            let start = cursor.index
            guard (try? cursor.skipValue(depth: 1)) != nil else { break }
            keys.append((name, kind, cursor.index - start))
            cursor.skipWhitespace()
            guard cursor.peek() == UInt8(ascii: ",") else { break }
            cursor.index &+= 1
            cursor.skipWhitespace()
        }
        return keys
    }

    private func missingField(_ field: String, role: FieldRole, line: UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int) -> CorpusError {
        let keys = topLevelKeys(line)
        var names: [String] = []
        for key in keys where !names.contains(key.name) { names.append(key.name) }
        let suggestion: String?
        if role == .id {
            suggestion = keys.first { ($0.kind == .string || $0.kind == .number) && $0.name.lowercased().contains("id") }?.name
        } else {
            // The longest string value is the likeliest document text.
            suggestion = keys.filter { $0.kind == .string && $0.name != idField && !textFields.contains($0.name) }
                .max { $0.length < $1.length }?.name
        }
        return .missingField(path: path, line: lineNumber, field: field, present: names, role: role, suggestion: suggestion)
    }

    private static func index(of key: UnsafeBufferPointer<UInt8>, in keys: [[UInt8]]) -> Int? {
        for index in 0..<keys.count where equal(key, keys[index]) { return index }
        return nil
    }

    private static func equal(_ key: UnsafeBufferPointer<UInt8>, _ wanted: [UInt8]) -> Bool {
        key.count == wanted.count && key.elementsEqual(wanted)
    }
}

/// A position in one line of JSON, with the line's path and number for errors. The unsafe core of the parser:
/// every read checks `index < count` first, and the buffer outlives the cursor (it lives only inside `parse`).
struct JSONCursor {
    let base: UnsafePointer<UInt8>?
    let count: Int
    var index = 0
    let path: String
    let lineNumber: Int

    init(_ line: UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int) {
        base = line.baseAddress
        count = line.count
        self.path = path
        self.lineNumber = lineNumber
    }

    @inline(__always)
    func peek() -> UInt8? {
        guard index < count, let base else { return nil }
        return base[index]
    }

    func error(_ detail: String) -> CorpusError {
        .malformedJSON(path: path, line: lineNumber, column: index + 1, detail: detail)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        guard let base else { return }
        while index < count {
            let byte = base[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index &+= 1
        }
    }

    mutating func expect(_ byte: UInt8, _ detail: @autoclosure () -> String) throws {
        guard let found = peek() else { throw error("\(detail()), but the line ends") }
        guard found == byte else { throw error("\(detail()) but found \(JSONCursor.describe(found))") }
        index &+= 1
    }

    /// Reads an object key. Returns its raw bytes when it has no escapes (no copy), else nil with the decoded key in `scratch`.
    mutating func key(scratch: inout [UInt8]) throws -> UnsafeBufferPointer<UInt8>? {
        guard let byte = peek() else { throw error("the line ends where a key should be") }
        guard byte == UInt8(ascii: "\""), let base else {
            throw error("expected a key in double quotes but found \(JSONCursor.describe(byte))")
        }
        index &+= 1
        let start = index
        // Fast path: plain keys end at the next quote with no backslash or control byte before it.
        var probe = index
        while probe < count {
            let c = base[probe]
            if c == UInt8(ascii: "\"") {
                index = probe &+ 1
                return UnsafeBufferPointer(start: base + start, count: probe &- start)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            probe &+= 1
        }
        scratch.removeAll(keepingCapacity: true)
        _ = try string(into: &scratch, store: true)
        return nil
    }

    /// Reads a string whose opening quote is consumed, through its closing quote. With `store`, appends the decoded
    /// bytes to `output`. Returns the number of lone surrogates replaced by U+FFFD.
    mutating func string(into output: inout [UInt8], store: Bool) throws -> Int {
        guard store else { return try decodeString(to: nil).replacements }
        // The decoded string is never longer than what is left of the line (every escape shrinks or keeps its
        // length), so decoding straight into uninitialized capacity of that size is safe.
        var replacements = 0
        let decoded = try [UInt8](unsafeUninitializedCapacity: count &- index) { buffer, initialized in
            let result = try decodeString(to: buffer.baseAddress)
            initialized = result.written
            replacements = result.replacements
        }
        if output.isEmpty { output = decoded } else { output.append(contentsOf: decoded) }
        return replacements
    }

    /// The string decoder: reads through the closing quote and, when `output` is given, writes the decoded bytes
    /// there. `output` must have room for `count - index` bytes (the rest of the line), an upper bound on the
    /// decoded length: `\uXXXX` (6 bytes) decodes to at most 3, a surrogate pair (12) to 4, other escapes to 1.
    mutating func decodeString(to output: UnsafeMutablePointer<UInt8>?) throws -> (written: Int, replacements: Int) {
        guard let base else { throw error("the line ends inside a string") }
        var replacements = 0
        var written = 0
        while true {
            // Find the next byte that needs attention: '"', '\\' or a control byte, 8 bytes per step. Each test below
            // flags exactly the first matching byte's high bit (borrows only run upwards, from a matching byte).
            var run = index
            while run &+ 8 <= count {
                // Safe: run + 8 <= count; unaligned loads are allowed.
                let word = UInt64(littleEndian: UnsafeRawPointer(base + run).loadUnaligned(as: UInt64.self))
                let quote = word ^ 0x2222_2222_2222_2222
                let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101
                let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    | ((word &- 0x2020_2020_2020_2020) & ~word)) & 0x8080_8080_8080_8080
                if special != 0 {
                    run &+= special.trailingZeroBitCount >> 3
                    break
                }
                run &+= 8
            }
            while run < count {
                let c = base[run]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
                run &+= 1
            }
            if let output, run > index {
                (output + written).update(from: base + index, count: run &- index)
                written &+= run &- index
            }
            index = run
            guard index < count else { throw error("the line ends inside a string (missing closing '\"')") }
            let c = base[index]
            if c == UInt8(ascii: "\"") {
                index &+= 1
                return (written, replacements)
            }
            if c < 0x20 {
                throw error("unescaped control character U+\(JSONCursor.hex(UInt32(c), width: 4)) in a string (write it as an escape such as \\n)")
            }
            // A backslash escape.
            guard index &+ 1 < count else {
                index &+= 1
                throw error("the line ends inside an escape sequence")
            }
            let escape = base[index &+ 1]
            var decoded: UInt8 = 0
            switch escape {
            case UInt8(ascii: "\""): decoded = 0x22
            case UInt8(ascii: "\\"): decoded = 0x5C
            case UInt8(ascii: "/"): decoded = 0x2F
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                index &+= 2
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    // A high surrogate: valid only when a \u low surrogate follows.
                    if index &+ 1 < count && base[index] == UInt8(ascii: "\\") && base[index &+ 1] == UInt8(ascii: "u") {
                        let save = index
                        index &+= 2
                        let low = try hex4()
                        if low >= 0xDC00 && low <= 0xDFFF {
                            scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                        } else {
                            index = save
                            scalar = 0xFFFD
                            replacements &+= 1
                        }
                    } else {
                        scalar = 0xFFFD
                        replacements &+= 1
                    }
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    scalar = 0xFFFD
                    replacements &+= 1
                }
                if let output { written &+= JSONCursor.writeUTF8(scalar, to: output + written) }
                continue
            default:
                index &+= 1
                throw error("invalid escape \\\(JSONCursor.printable(escape)) in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
            }
            if let output {
                output[written] = decoded
                written &+= 1
            }
            index &+= 2
        }
    }

    /// Reads 4 hex digits at `index`.
    private mutating func hex4() throws -> UInt32 {
        guard let base, index &+ 4 <= count else { throw error("\\u must be followed by 4 hex digits, but the line ends") }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let c = base[index &+ offset]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c &- UInt8(ascii: "a")) &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c &- UInt8(ascii: "A")) &+ 10
            default:
                index &+= offset
                throw error("\\u must be followed by 4 hex digits but found \(JSONCursor.describe(c))")
            }
            value = value << 4 | digit
        }
        index &+= 4
        return value
    }

    /// Writes the UTF-8 encoding of `scalar` (a Unicode scalar value, not a surrogate) and returns its length.
    static func writeUTF8(_ scalar: UInt32, to output: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            output[0] = UInt8(truncatingIfNeeded: scalar)
            return 1
        case 0x80..<0x800:
            output[0] = 0xC0 | UInt8(truncatingIfNeeded: scalar >> 6)
            output[1] = 0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            output[0] = 0xE0 | UInt8(truncatingIfNeeded: scalar >> 12)
            output[1] = 0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F)
            output[2] = 0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F)
            return 3
        default:
            output[0] = 0xF0 | UInt8(truncatingIfNeeded: scalar >> 18)
            output[1] = 0x80 | UInt8(truncatingIfNeeded: (scalar >> 12) & 0x3F)
            output[2] = 0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F)
            output[3] = 0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F)
            return 4
        }
    }

    /// Reads a number per the JSON grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` and returns its range.
    mutating func number() throws -> Range<Int> {
        guard let base else { throw error("the line ends where a number should be") }
        let start = index
        func digit(_ i: Int) -> Bool { i < count && base[i] >= 0x30 && base[i] <= 0x39 }
        if index < count && base[index] == UInt8(ascii: "-") { index &+= 1 }
        guard digit(index) else { throw error("invalid number: expected a digit") }
        if base[index] == UInt8(ascii: "0") {
            index &+= 1
            if digit(index) { throw error("invalid number: leading zeros are not allowed") }
        } else {
            while digit(index) { index &+= 1 }
        }
        if index < count && base[index] == UInt8(ascii: ".") {
            index &+= 1
            guard digit(index) else { throw error("invalid number: expected a digit after '.'") }
            while digit(index) { index &+= 1 }
        }
        if index < count && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            index &+= 1
            if index < count && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) { index &+= 1 }
            guard digit(index) else { throw error("invalid number: expected a digit in the exponent") }
            while digit(index) { index &+= 1 }
        }
        return start..<index
    }

    /// Reads `literal` (true, false, null) at `index`.
    private mutating func literal(_ literal: StaticString) throws {
        guard let base else { throw error("the line ends where a value should be") }
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        var offset = 0
        while offset < length {
            guard index &+ offset < count, base[index &+ offset] == expected[offset] else {
                index &+= offset
                throw error("invalid literal: expected \(literal)")
            }
            offset &+= 1
        }
        index &+= length
    }

    /// Skips one value of any kind, validating its syntax.
    mutating func skipValue(depth: Int) throws {
        guard let byte = peek() else { throw error("the line ends where a value should be") }
        switch byte {
        case UInt8(ascii: "\""):
            index &+= 1
            var unused: [UInt8] = []
            _ = try string(into: &unused, store: false)
        case UInt8(ascii: "{"):
            guard depth < JSONLineParser.maximumDepth else { throw error("nesting deeper than \(JSONLineParser.maximumDepth) levels") }
            index &+= 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index &+= 1; return }
            var scratch: [UInt8] = []
            while true {
                skipWhitespace()
                _ = try key(scratch: &scratch)
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "expected ':' after the key")
                skipWhitespace()
                try skipValue(depth: depth &+ 1)
                skipWhitespace()
                guard let next = peek() else { throw error("the line ends inside an object (missing '}')") }
                if next == UInt8(ascii: "}") { index &+= 1; return }
                guard next == UInt8(ascii: ",") else {
                    throw error("expected ',' or '}' after a value in an object but found \(JSONCursor.describe(next))")
                }
                index &+= 1
            }
        case UInt8(ascii: "["):
            guard depth < JSONLineParser.maximumDepth else { throw error("nesting deeper than \(JSONLineParser.maximumDepth) levels") }
            index &+= 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index &+= 1; return }
            while true {
                skipWhitespace()
                try skipValue(depth: depth &+ 1)
                skipWhitespace()
                guard let next = peek() else { throw error("the line ends inside an array (missing ']')") }
                if next == UInt8(ascii: "]") { index &+= 1; return }
                guard next == UInt8(ascii: ",") else {
                    throw error("expected ',' or ']' after a value in an array but found \(JSONCursor.describe(next))")
                }
                index &+= 1
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try number()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            throw error("unexpected \(JSONCursor.describe(byte)) where a value should start")
        }
    }

    /// Reads an id value: a string (decoded), a number (its literal text) or null (nil).
    mutating func idValue() throws -> String? {
        guard let byte = peek(), let base else { throw error("the line ends where a value should be") }
        switch byte {
        case UInt8(ascii: "\""):
            index &+= 1
            // Room up to the closing quote, not the rest of the line: an id usually comes before a long text.
            var replacements = 0
            return try decodedString(replacements: &replacements)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try number()
            return String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
        default:
            try skipValue(depth: 1)
            return nil
        }
    }

    /// `'x'` for a printable ASCII byte, `byte 0xNN` otherwise.
    static func describe(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(printable(byte))'" : "byte 0x\(hex(UInt32(byte), width: 2))"
    }

    static func printable(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? String(UnicodeScalar(byte)) : "x" + hex(UInt32(byte), width: 2)
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
