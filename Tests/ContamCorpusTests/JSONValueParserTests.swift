import Foundation
import Testing
@testable import ContamCorpus
import ContamTestSupport

@Suite struct JSONValueParserTests {
    private func value(_ json: String) throws -> RecordValue {
        try JSONValueParser.parse(Array(json.utf8), path: "v.json", lineNumber: 4).value
    }

    @Test func buildsEveryKindOfValue() throws {
        #expect(try value(#" {"a": [1, -2, 3.5, 1e2, true, false, null, "s\n\u00e9"], "b": {}} "#) == .object(RecordObject(
            keys: ["a", "b"],
            values: [.array([.integer(1), .integer(-2), .double(3.5), .double(100), .bool(true), .bool(false), .null, .string("s\né")]),
                     .object(RecordObject())])))
        #expect(try value("[]") == .array([]))
        #expect(try value(#""top""#) == .string("top"))
        #expect(try value("9223372036854775807") == .integer(Int64.max))
        #expect(try value("9223372036854775808") == .double(9223372036854775808), "beyond Int64: a double")
        #expect(try value("-0") == .integer(0))
        // Duplicate keys are kept in order; a lookup takes the last.
        guard case let .object(object) = try value(#"{"k": 1, "k": 2}"#) else { Issue.record("not an object"); return }
        #expect(object.keys == ["k", "k"])
        #expect(object["k"] == .integer(2))
    }

    @Test func repairsAndCountsInvalidText() throws {
        let bytes = Array(#"{"a": "x"#.utf8) + [0xFF] + Array(#"", "k"#.utf8) + [0xC3] + Array(#"": "\ud800"}"#.utf8)
        let parsed = try JSONValueParser.parse(bytes)
        #expect(parsed.replacements == 3)
        #expect(parsed.value == .object(RecordObject(keys: ["a", "k\u{FFFD}"], values: [.string("x\u{FFFD}"), .string("\u{FFFD}")])))
    }

    @Test func errorsNameTheColumn() {
        let cases: [(String, Int, String)] = [
            (#"{"a": }"#, 7, "where a value should start"),
            (#"[1, 2"#, 6, "inside an array"),
            (#"[1 2]"#, 4, "',' or ']'"),
            (#"{"a": "x"} {"#, 12, "after the end of the value"),
            (#"nul"#, 4, "invalid literal"),
            (#"01"#, 2, "leading zeros"),
            ("", 1, "no JSON value"),
        ]
        for (json, column, words) in cases {
            do {
                _ = try value(json)
                Issue.record("accepted \(json)")
            } catch let CorpusError.malformedJSON(path, line, foundColumn, detail) {
                #expect(path == "v.json" && line == 4)
                #expect(foundColumn == column, "\(json): \(detail)")
                #expect(detail.contains(words), "\(json): \(detail)")
            } catch {
                Issue.record("\(json): \(error)")
            }
        }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: CorpusError.self) { _ = try value(deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: Never.self) { _ = try value(fine) }
    }

    /// Foundation's value, as a RecordValue (numbers by their literal's shape, so they compare with ours).
    private static func recordValue(_ any: Any, literal: String? = nil) -> RecordValue? {
        switch any {
        case is NSNull: return .null
        case let string as String: return .string(string)
        case let array as [Any]:
            var elements: [RecordValue] = []
            for element in array {
                guard let converted = recordValue(element) else { return nil }
                elements.append(converted)
            }
            return .array(elements)
        case let dictionary as [String: Any]:
            var object = RecordObject()
            for key in dictionary.keys.sorted() {
                guard let converted = recordValue(dictionary[key] as Any) else { return nil }
                object.append(key, converted)
            }
            return .object(object)
        case let number as NSNumber:
            // swift-corelibs-foundation boxes JSON booleans as NSNumber(value: Bool), type "c".
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            return .double(number.doubleValue)
        default:
            return nil
        }
    }

    /// Ours, normalized like Foundation's: object keys sorted (they are unique in generated input), every number a
    /// double, booleans kept.
    private static func normalized(_ value: RecordValue) -> RecordValue {
        switch value {
        case let .integer(integer): return .double(Double(integer))
        case let .array(elements): return .array(elements.map(normalized))
        case let .object(object):
            var sorted = RecordObject()
            for (key, element) in zip(object.keys, object.values).sorted(by: { $0.0 < $1.0 }) { sorted.append(key, normalized(element)) }
            return .object(sorted)
        default: return value
        }
    }

    /// Numbers compare within a relative 1e-12: the two parsers may round a long decimal differently in the last bit.
    private static func close(_ a: RecordValue, _ b: RecordValue) -> Bool {
        switch (a, b) {
        case let (.double(x), .double(y)): return x == y || abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        case let (.array(xs), .array(ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy { close($0, $1) }
        case let (.object(x), .object(y)): return x.keys == y.keys && zip(x.values, y.values).allSatisfy { close($0, $1) }
        default: return a == b
        }
    }

    @Test func agreesWithJSONSerializationOnGeneratedValues() throws {
        var generator = RandomJSON(seed: 2026)
        for round in 0..<2000 {
            let json = round % 3 == 0 ? generator.value(depth: 0) : generator.object(depth: 0, keys: ["text", "id", "meta", "é", "z\"q"]).json
            let oracle = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
            let expected = try #require(Self.recordValue(oracle), "\(json)")
            let ours = try value(json)
            #expect(Self.close(Self.normalized(ours), expected), "\(json): \(ours) vs \(expected)")
        }
    }

    @Test func acceptsAndRejectsLikeJSONSerializationOnMutatedInput() throws {
        var generator = RandomJSON(seed: 4000)
        var rng = SeededRandom(seed: 4001)
        let structural: [UInt8] = Array("{}[]\",:\\ 0123456789-+.eEtruefalsn/ux\n".utf8)
        var accepted = 0, rejected = 0
        for _ in 0..<3000 {
            var bytes = Array(generator.value(depth: 0).utf8)
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                guard !bytes.isEmpty else { break }
                let position = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[position] = structural.randomElement(using: &rng)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(structural.randomElement(using: &rng)!, at: position)
                }
            }
            guard String(validating: bytes, as: UTF8.self) != nil else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            let oracle = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            // Differences by design, as in JSONLineParserTests: lone surrogates (we replace), huge exponents (we
            // accept, RFC 8259 allows them), trailing commas (Foundation accepts).
            let hasSurrogateEscape = text.range(of: #"\\u[dD][89a-fA-F]"#, options: .regularExpression) != nil
            let hasHugeExponent = text.range(of: #"[0-9][eE][+-]?[0-9]{3,}"#, options: .regularExpression) != nil
            let hasTrailingComma = text.range(of: #",[ \t\r\n]*[\]}]"#, options: .regularExpression) != nil
            let ours = try? value(text)
            if oracle == nil && (hasSurrogateEscape || hasHugeExponent) { continue }
            if ours == nil && oracle != nil && hasTrailingComma { continue }
            if let ours, let oracle {
                accepted += 1
                // Duplicate keys may arise from mutation: Foundation keeps one, so compare only when there are none.
                if let expected = Self.recordValue(oracle), !Self.hasDuplicateKeys(ours) {
                    #expect(Self.close(Self.normalized(ours), expected), "\(text)")
                }
            } else {
                rejected += 1
                #expect(ours == nil && oracle == nil, "accept/reject differ on \(text): ours \(ours != nil), JSONSerialization \(oracle != nil)")
            }
        }
        #expect(accepted > 100 && rejected > 100, "the mutations cover both sides (\(accepted) accepted, \(rejected) rejected)")
    }

    private static func hasDuplicateKeys(_ value: RecordValue) -> Bool {
        switch value {
        case let .array(elements): return elements.contains(where: hasDuplicateKeys)
        case let .object(object): return Set(object.keys).count != object.keys.count || object.values.contains(where: hasDuplicateKeys)
        default: return false
        }
    }
}
