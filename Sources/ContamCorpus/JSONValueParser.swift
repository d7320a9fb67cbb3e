/// A strict JSON parser (RFC 8259) that builds a `RecordValue`: for records whose fields are selected by nested
/// paths (`question.choices[].text`) and for whole JSON documents. It shares its lexer (`JSONCursor`) with the
/// allocation-free `JSONLineParser`, so both accept exactly the same texts.
///
/// Choices: integers that fit in 64 bits become `.integer`, every other number `.double`; invalid UTF-8 in strings
/// and keys and lone `\u` surrogate escapes are replaced by U+FFFD and counted (not errors); objects keep every key
/// in order (a lookup takes the last duplicate); nesting deeper than 512 levels is an error. O(input); allocates
/// the value.
public enum JSONValueParser {
    /// Nesting deeper than this many arrays and objects is an error.
    public static let maximumDepth = JSONLineParser.maximumDepth

    /// Parses one JSON text (one value, whitespace around it allowed). `path` and `lineNumber` name it in errors
    /// (`CorpusError.malformedJSON`, the column counted in bytes from the start of `bytes`). Returns the value
    /// and the number of U+FFFD replacements made.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int) throws -> (value: RecordValue, replacements: Int) {
        var cursor = JSONCursor(bytes, path: path, lineNumber: lineNumber)
        var replacements = 0
        cursor.skipWhitespace()
        guard cursor.peek() != nil else { throw cursor.error("the line holds no JSON value") }
        let value = try cursor.recordValue(depth: 1, replacements: &replacements)
        cursor.skipWhitespace()
        if let extra = cursor.peek() {
            throw cursor.error("unexpected \(JSONCursor.describe(extra)) after the end of the value (one value per line)")
        }
        return (value, replacements)
    }

    /// Parses one JSON text held in an array; see `parse(_:path:lineNumber:)`.
    public static func parse(_ bytes: [UInt8], path: String = "<json>", lineNumber: Int = 1) throws -> (value: RecordValue, replacements: Int) {
        try bytes.withUnsafeBufferPointer { try parse($0, path: path, lineNumber: lineNumber) }
    }
}

extension JSONCursor {
    /// Reads one value of any kind at `index` into a `RecordValue`; `depth` counts the arrays and objects it is in.
    mutating func recordValue(depth: Int, replacements: inout Int) throws -> RecordValue {
        guard let byte = peek(), let base else { throw error("the line ends where a value should be") }
        switch byte {
        case UInt8(ascii: "\""):
            index &+= 1
            return .string(try decodedString(replacements: &replacements))
        case UInt8(ascii: "{"):
            guard depth < JSONLineParser.maximumDepth else { throw error("nesting deeper than \(JSONLineParser.maximumDepth) levels") }
            index &+= 1
            skipWhitespace()
            var object = RecordObject()
            if peek() == UInt8(ascii: "}") { index &+= 1; return .object(object) }
            var scratch: [UInt8] = []
            while true {
                skipWhitespace()
                let name: String
                if let key = try key(scratch: &scratch) {
                    name = Self.text(key, replacements: &replacements)
                } else {
                    name = scratch.withUnsafeBufferPointer { Self.text($0, replacements: &replacements) }
                }
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "expected ':' after the key")
                skipWhitespace()
                object.append(name, try recordValue(depth: depth &+ 1, replacements: &replacements))
                skipWhitespace()
                guard let next = peek() else { throw error("the line ends inside an object (missing '}')") }
                if next == UInt8(ascii: "}") { index &+= 1; return .object(object) }
                guard next == UInt8(ascii: ",") else {
                    throw error("expected ',' or '}' after a value in an object but found \(JSONCursor.describe(next))")
                }
                index &+= 1
            }
        case UInt8(ascii: "["):
            guard depth < JSONLineParser.maximumDepth else { throw error("nesting deeper than \(JSONLineParser.maximumDepth) levels") }
            index &+= 1
            skipWhitespace()
            var elements: [RecordValue] = []
            if peek() == UInt8(ascii: "]") { index &+= 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try recordValue(depth: depth &+ 1, replacements: &replacements))
                skipWhitespace()
                guard let next = peek() else { throw error("the line ends inside an array (missing ']')") }
                if next == UInt8(ascii: "]") { index &+= 1; return .array(elements) }
                guard next == UInt8(ascii: ",") else {
                    throw error("expected ',' or ']' after a value in an array but found \(JSONCursor.describe(next))")
                }
                index &+= 1
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try number()
            // Safe: `number()` returned a range inside the buffer.
            let literal = UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
            let text = String(decoding: literal, as: UTF8.self)
            let isInteger = !literal.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
            if isInteger, let integer = Int64(text) { return .integer(integer) }
            return .double(Double(text) ?? .nan)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let start = index
            try skipValue(depth: depth)
            switch byte {
            case UInt8(ascii: "t"): return .bool(true)
            case UInt8(ascii: "f"): return .bool(false)
            default:
                assert(index - start == 4)
                return .null
            }
        default:
            throw error("unexpected \(JSONCursor.describe(byte)) where a value should start")
        }
    }

    /// Reads a string whose opening quote is consumed, decoded and UTF-8-repaired; allocates only its length.
    mutating func decodedString(replacements: inout Int) throws -> String {
        guard let base else { throw error("the line ends inside a string") }
        // The decoded string is at most as long as its escaped form, so room up to the closing quote suffices
        // (not the rest of the input, which for a whole document would be megabytes per string). Without a
        // closing quote the decoder throws before it writes past what is left.
        var end = index
        while end < count {
            let c = base[end]
            if c == UInt8(ascii: "\"") { break }
            end &+= c == UInt8(ascii: "\\") ? 2 : 1
        }
        let room = min(end, count) &- index
        var lone = 0
        var bytes = try [UInt8](unsafeUninitializedCapacity: end < count ? room : count &- index) { buffer, initialized in
            let result = try decodeString(to: buffer.baseAddress)
            initialized = result.written
            lone = result.replacements
        }
        replacements &+= lone &+ UTF8Repair.repair(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A key's text, invalid UTF-8 replaced and counted.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, replacements: inout Int) -> String {
        if UTF8Repair.isValid(bytes) { return String(decoding: bytes, as: UTF8.self) }
        let (fixed, count) = UTF8Repair.repaired(bytes)
        replacements &+= count
        return String(decoding: fixed, as: UTF8.self)
    }
}
