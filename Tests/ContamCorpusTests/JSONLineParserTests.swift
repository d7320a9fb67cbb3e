import Foundation
import Testing
@testable import ContamCorpus
import ContamTestSupport

/// Generates random JSON text with every kind of value and escape, for the JSONSerialization oracle;
/// seeded, so a failing line reproduces.
struct RandomJSON {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    static let scalars: [Unicode.Scalar] = [
        "a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}",
        "é", "ß", "中", "\u{2028}", "\u{FFFD}", "😀", "𝄞", "\u{10FFFF}", "\u{0}",
    ]

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    /// A random string value and its JSON encoding with mixed escape styles.
    mutating func string(maxLength: Int = 12) -> (value: String, json: String) {
        var value = ""
        var json = "\""
        for _ in 0..<Int.random(in: 0...maxLength, using: &rng) {
            let scalar = Self.scalars.randomElement(using: &rng)!
            value.unicodeScalars.append(scalar)
            json += encode(scalar)
        }
        return (value, json + "\"")
    }

    mutating func encode(_ scalar: Unicode.Scalar) -> String {
        let short: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u{08}": "\\b", "\u{0C}": "\\f", "/": "\\/"]
        let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
        if let escape = short[scalar], mustEscape || chance(50) { return escape }
        if mustEscape || chance(25) {
            func hex4(_ value: UInt32) -> String {
                let digits = String(value, radix: 16, uppercase: chance(50))
                return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            }
            if scalar.value >= 0x10000 {
                let offset = scalar.value - 0x10000
                return hex4(0xD800 + (offset >> 10)) + hex4(0xDC00 + (offset & 0x3FF))
            }
            return hex4(scalar.value)
        }
        return String(scalar)
    }

    mutating func number() -> String {
        var text = chance(30) ? "-" : ""
        text += chance(20) ? "0" : String(Int.random(in: 1...999_999, using: &rng))
        if chance(30) { text += "." + String(Int.random(in: 0...9999, using: &rng)) }
        if chance(20) { text += (chance(50) ? "e" : "E") + ["", "+", "-"].randomElement(using: &rng)! + String(Int.random(in: 0...30, using: &rng)) }
        return text
    }

    mutating func space() -> String { chance(70) ? "" : [" ", "\t", "  ", " \r "].randomElement(using: &rng)! }

    mutating func value(depth: Int) -> String {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
        case 0: return string().json
        case 1: return number()
        case 2: return ["true", "false", "null"].randomElement(using: &rng)!
        case 3: return string(maxLength: 3).json
        case 4:
            let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in space() + value(depth: depth + 1) + space() }
            return "[" + items.joined(separator: ",") + "]"
        default:
            return object(depth: depth + 1, keys: ["x", "y", "text", "z\"q", "é"]).json
        }
    }

    /// An object with unique keys drawn from `keys` (random order); returns the text and which keys hold what.
    mutating func object(depth: Int, keys: [String]) -> (json: String, members: [String: String]) {
        var members: [String: String] = [:]
        var parts: [String] = []
        for key in keys.shuffled(using: &rng) where chance(70) {
            let json = value(depth: depth)
            members[key] = json
            var keyJSON = "\""
            for scalar in key.unicodeScalars { keyJSON += encode(scalar) }
            parts.append(space() + keyJSON + "\"" + space() + ":" + space() + json + space())
        }
        return ("{" + parts.joined(separator: ",") + "}", members)
    }
}

@Suite struct JSONLineParserTests {
    private func parse(_ line: String, fields: [String] = ["text"], id: String? = nil, path: String = "c.jsonl", lineNumber: Int = 7) throws -> JSONLineFields {
        try JSONLineParser(textFields: fields, idField: id).parse(Array(line.utf8), path: path, lineNumber: lineNumber)
    }

    private func text(_ line: String) throws -> String {
        String(decoding: try parse(line).texts[0], as: UTF8.self)
    }

    @Test func simpleObjects() throws {
        #expect(try text(#"{"text":"hello"}"#) == "hello")
        #expect(try text(#"  { "id" : 3 , "text" : "a\nb\u00e9\ud83d\ude00\/" , "x": [1, {"y": null}] }  "#) == "a\nbé😀/")
        let fields = try parse(#"{"id": -1.5e3, "title": "T", "text": "body"}"#, fields: ["title", "text"], id: "id")
        #expect(fields.texts.map { String(decoding: $0, as: UTF8.self) } == ["T", "body"])
        #expect(fields.id == "-1.5e3")
        #expect(try parse(#"{"id": "doc\t1", "text": ""}"#, id: "id").id == "doc\t1")
        #expect(try parse(#"{"id": null, "text": ""}"#, id: "id").id == nil)
        // Escaped key names match.
        #expect(try text(#"{"t\u0065xt": "escaped key"}"#) == "escaped key")
        // The last duplicate wins.
        #expect(try text(#"{"text": "first", "text": "second"}"#) == "second")
    }

    @Test func loneSurrogatesAndInvalidUTF8AreReplaced() throws {
        let lone = try parse(#"{"text": "a\ud800b\udc00c\ud800\u0041"}"#)
        #expect(String(decoding: lone.texts[0], as: UTF8.self) == "a\u{FFFD}b\u{FFFD}c\u{FFFD}A")
        #expect(lone.replacements == 3)
        let bytes = Array(#"{"text": "x"#.utf8) + [0xFF, 0xC3] + Array(#"y"}"#.utf8)
        let invalid = try JSONLineParser().parse(bytes, path: "p", lineNumber: 1)
        #expect(invalid.texts[0] == Array("x\u{FFFD}\u{FFFD}y".utf8))
        #expect(invalid.replacements == 2)
    }

    @Test func agreesWithJSONSerializationOnGeneratedObjects() throws {
        var generator = RandomJSON(seed: 1500)
        for _ in 0..<1500 {
            let (json, members) = generator.object(depth: 0, keys: ["text", "id", "meta", "a", "é"])
            let oracle = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8), options: []) as? [String: Any], "\(json)")
            do {
                let fields = try parse(json, id: "id")
                let expected = try #require(oracle["text"] as? String, "\(json)")
                #expect(fields.texts[0] == Array(expected.utf8), "\(json)")
                if let number = oracle["id"] as? NSNumber, !(members["id"]?.hasPrefix("\"") ?? true) {
                    _ = number
                    #expect(fields.id == members["id"], "\(json)")
                } else if let string = oracle["id"] as? String {
                    #expect(fields.id == string, "\(json)")
                } else {
                    #expect(fields.id == nil, "\(json)")
                }
            } catch let error as CorpusError {
                switch error {
                case let .missingField(_, _, field, _, _, _):
                    #expect(oracle[field] == nil, "\(json)")
                case .pathHasNoValue:
                    #expect(oracle["text"] is NSNull, "a null text is no value: \(json)")
                case let .fieldNotString(_, _, field, _, _):
                    if field == "text" { #expect(!(oracle["text"] is String), "\(json)") }
                    else { #expect(oracle["id"] is [Any] || oracle["id"] is [String: Any] || members["id"] == "true" || members["id"] == "false", "\(json)") }
                default:
                    Issue.record("unexpected \(error) for \(json)")
                }
            }
        }
    }

    @Test func validityAgreesWithJSONSerializationOnMutatedLines() throws {
        var generator = RandomJSON(seed: 3000)
        var rng = SeededRandom(seed: 3001)
        let structural: [UInt8] = Array("{}[]\",:\\ 0123456789-+.eEtruefalsn/ux".utf8)
        for _ in 0..<3000 {
            var bytes = Array(generator.object(depth: 0, keys: ["text", "a", "b"]).json.utf8)
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                guard !bytes.isEmpty else { break }
                let position = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[position] = structural.randomElement(using: &rng)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(structural.randomElement(using: &rng)!, at: position)
                }
            }
            // Mutations stay ASCII, so the line stays UTF-8 and JSONSerialization's verdict is about syntax alone.
            guard String(validating: bytes, as: UTF8.self) != nil else { continue }
            let oracle = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            let text = String(decoding: bytes, as: UTF8.self)
            // We replace lone surrogate escapes by U+FFFD (counted); JSONSerialization rejects the line.
            let hasSurrogateEscape = text.range(of: #"\\u[dD][89a-fA-F]"#, options: .regularExpression) != nil
            // RFC 8259 allows any exponent; JSONSerialization rejects numbers beyond Double's range.
            let hasHugeExponent = text.range(of: #"[0-9][eE][+-]?[0-9]{3,}"#, options: .regularExpression) != nil
            if oracle == nil && (hasSurrogateEscape || hasHugeExponent) { continue }
            do {
                let fields = try JSONLineParser(textFields: ["text"]).parse(bytes, path: "m.jsonl", lineNumber: 1)
                let object = try #require(oracle as? [String: Any], "we accepted what JSONSerialization rejects: \(text)")
                if let expected = object["text"] as? String {
                    #expect(fields.texts[0] == Array(expected.utf8), "\(text)")
                }
            } catch let error as CorpusError {
                switch error {
                case .malformedJSON:
                    // JSONSerialization on Linux is lenient about a few things; anything it accepts must be one of them.
                    if oracle != nil { #expect(Self.knownLeniency(text), "JSONSerialization accepts what we reject: \(text) (\(error))") }
                case .notAnObject:
                    #expect(oracle != nil && !(oracle is [String: Any]), "\(text)")
                case .missingField, .fieldNotString, .pathHasNoValue:
                    #expect(oracle is [String: Any], "\(text)")
                default:
                    Issue.record("unexpected \(error) for \(text)")
                }
            }
        }
    }

    /// Inputs Foundation's parser (swift-corelibs) accepts though RFC 8259 does not: trailing commas.
    private static func knownLeniency(_ text: String) -> Bool {
        text.range(of: #",[ \t\r\n]*[\]}]"#, options: .regularExpression) != nil
    }

    // MARK: Errors

    private func error(_ line: String, fields: [String] = ["text"], id: String? = nil) -> CorpusError? {
        do {
            _ = try parse(line, fields: fields, id: id, path: "corpus/a.jsonl", lineNumber: 17)
            return nil
        } catch {
            return error as? CorpusError
        }
    }

    @Test func malformedLinesNameFileLineAndColumn() throws {
        let cases: [(String, Int, String)] = [
            (#"{"text": "a"#, 12, "ends inside a string"),
            (#"{"text": "a",}"#, 14, "key in double quotes"),
            (#"{"text" "a"}"#, 9, "':'"),
            (#"{"text": "a" "b"}"#, 14, "',' or '}'"),
            (#"{"text": "\q"}"#, 12, #"invalid escape \q"#),
            (#"{"text": "\u12G4"}"#, 15, "4 hex digits"),
            ("{\"text\": \"tab\there\"}", 14, "control character U+0009"),
            (#"{"text": "a", "n": 01}"#, 21, "leading zeros"),
            (#"{"text": "a", "n": 1.}"#, 22, "after '.'"),
            (#"{"text": "a", "n": tru}"#, 23, "expected true"),
            (#"{"text": "a"} x"#, 15, "after the end of the object"),
            (#"{"text": "a", "x": [1 2]}"#, 23, "',' or ']'"),
            ("", 1, "no JSON value"),
            ("{\"text\": \"a\", \"x\": " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}", 531, "nesting deeper"),
        ]
        for (line, column, fragment) in cases {
            let found = try #require(error(line), "\(line)")
            guard case let .malformedJSON(path, lineNumber, foundColumn, detail) = found else {
                Issue.record("expected malformedJSON for \(line), got \(found)")
                continue
            }
            #expect(path == "corpus/a.jsonl" && lineNumber == 17)
            #expect(foundColumn == column, "\(line): \(detail)")
            #expect(detail.contains(fragment), "\(line): \(detail)")
            #expect(found.description.hasPrefix("corpus/a.jsonl:17:\(column): malformed JSON: "))
        }
    }

    @Test func notAnObject() throws {
        let cases: [(String, JSONValueKind, String)] = [("[1, 2]", .array, "an array"), (#""text""#, .string, "a string"), ("42", .number, "a number"),
                                                         ("null", .null, "null"), ("true", .boolean, "a boolean"), ("false", .boolean, "a boolean")]
        for (line, kind, words) in cases {
            let found = error(line)
            #expect(found == .notAnObject(path: "corpus/a.jsonl", line: 17, found: kind))
            #expect(found?.description == "corpus/a.jsonl:17: expected a JSON object on each line but found \(words); fix the line or pass --skip-bad-records to skip such records.")
        }
    }

    @Test func missingFieldListsFieldsAndSuggestsOne() throws {
        let found = error(#"{"id": 1, "body": "the text", "lang": "en"}"#)
        #expect(found == .missingField(path: "corpus/a.jsonl", line: 17, field: "text", present: ["id", "body", "lang"], role: .text, suggestion: "body"))
        #expect(found?.description == #"corpus/a.jsonl:17: no field "text" in this record (fields: id, body, lang); pass --field body."#)
        let empty = error("{}")
        #expect(empty?.description == #"corpus/a.jsonl:17: no field "text" in this record (the object is empty); pass --field NAME with one of them."#)
        let missingID = error(#"{"text": "t", "doc_id": 5}"#, id: "uid")
        #expect(missingID == .missingField(path: "corpus/a.jsonl", line: 17, field: "uid", present: ["text", "doc_id"], role: .id, suggestion: "doc_id"))
    }

    @Test func fieldNotAString() throws {
        let found = error(#"{"text": 12}"#)
        #expect(found == .fieldNotString(path: "corpus/a.jsonl", line: 17, field: "text", found: .number, expected: [.string]))
        #expect(found?.description == #"corpus/a.jsonl:17: field "text" is a number, but it must be a string; pick another field or pass --skip-bad-records."#)
        #expect(error(#"{"text": {"a": 1}}"#) == .fieldNotString(path: "corpus/a.jsonl", line: 17, field: "text", found: .object, expected: [.string]))
        let id = error(#"{"text": "t", "id": [1]}"#, id: "id")
        #expect(id == .fieldNotString(path: "corpus/a.jsonl", line: 17, field: "id", found: .array, expected: [.string, .number]))
        #expect(id?.description == #"corpus/a.jsonl:17: field "id" is an array, but it must be a string or a number; pick another field or pass --skip-bad-records."#)
        #expect(error(#"{"text": "t", "id": true}"#, id: "id") == .fieldNotString(path: "corpus/a.jsonl", line: 17, field: "id", found: .boolean, expected: [.string, .number]))
        // Null is no value, not a wrong kind: an error only when no text field has a value.
        #expect(error(#"{"text": null}"#) == .pathHasNoValue(path: "corpus/a.jsonl", line: 17, record: nil, option: "--field", fieldPaths: ["text"]))
        #expect(error(#"{"text": "x", "text": null}"#)?.description.hasPrefix(#"corpus/a.jsonl:17: --field 'text' has no value in this record"#) == true)
        #expect(try parse(#"{"title": null, "text": "body"}"#, fields: ["title", "text"]).texts == [[], Array("body".utf8)])
        #expect(try parse(#"{"text": null, "text": "later"}"#).texts == [Array("later".utf8)])
        // A syntax error inside the wrong-typed value is reported as the syntax error.
        if case .malformedJSON = error(#"{"text": [1,}"#) {} else { Issue.record("expected malformedJSON") }
    }
}
