import Foundation
import Testing
@testable import ContamCorpus

/// A record parsed from JSON text, for the selection tests.
private func record(_ json: String) throws -> RecordValue {
    try JSONValueParser.parse(Array(json.utf8)).value
}

@Suite struct FieldPathTests {
    @Test func parsesEveryForm() throws {
        #expect(try FieldPath(parsing: "text").components == [.key("text")])
        #expect(try FieldPath(parsing: "question.stem").components == [.key("question"), .key("stem")])
        #expect(try FieldPath(parsing: "question.choices[].text").components == [.key("question"), .key("choices"), .everyElement, .key("text")])
        #expect(try FieldPath(parsing: "resps[][]").components == [.key("resps"), .everyElement, .everyElement])
        #expect(try FieldPath(parsing: "choices[0]").components == [.key("choices"), .element(0)])
        #expect(try FieldPath(parsing: "data[12].paragraphs[]").components == [.key("data"), .element(12), .key("paragraphs"), .everyElement])
        #expect(try FieldPath(parsing: #""odd key".x"#).components == [.key("odd key"), .key("x")])
        #expect(try FieldPath(parsing: #""a.b""#).components == [.key("a.b")])
        #expect(try FieldPath(parsing: #"x."say \"hi\"".y"#).components == [.key("x"), .key("say \"hi\""), .key("y")])
        #expect(try FieldPath(parsing: #""back\\slash""#).components == [.key("back\\slash")])
        #expect(try FieldPath(parsing: #""""#).components == [.key("")])
        #expect(try FieldPath(parsing: "[]").components == [.everyElement])
        #expect(try FieldPath(parsing: "[2].text").components == [.element(2), .key("text")])
        #expect(try FieldPath(parsing: "my field").components == [.key("my field")], "spaces need no quotes")
        #expect(try FieldPath(parsing: "é.中").components == [.key("é"), .key("中")])
        #expect(try FieldPath(parsing: "text").topLevelKey == "text")
        #expect(try FieldPath(parsing: #""a.b""#).topLevelKey == "a.b")
        #expect(try FieldPath(parsing: "a.b").topLevelKey == nil)
        #expect(try FieldPath(parsing: "a[]").topLevelKey == nil)
    }

    @Test func descriptionRoundTrips() throws {
        for text in ["text", "question.choices[].text", "data[3].paragraphs[]", #""odd key".x"#, #""a.b"[0]"#, #""q\"x""#, "[]", "[1][2]"] {
            let path = try FieldPath(parsing: text)
            #expect(path.description == text)
            #expect(try FieldPath(parsing: path.description) == path)
        }
        #expect(FieldPath(key: "a.b").description == #""a.b""#)
        #expect(FieldPath(key: "").description == #""""#)
    }

    @Test func rejectsMalformedPathsWithTheColumn() {
        let cases: [(String, Int, String)] = [
            ("", 1, "empty"),
            (".a", 1, "starts with '.'"),
            ("a.", 2, "ends with '.'"),
            ("a..b", 3, "empty key"),
            ("a[", 2, "never closed"),
            ("a[x]", 3, "not an array index"),
            ("a[-1]", 3, "not an array index"),
            ("a[1.5]", 3, "not an array index"),
            ("a]", 2, "']' without '['"),
            (#""abc"#, 1, "never closed"),
            (#""a\x""#, 3, "may only escape"),
            (#"a"b""#, 2, "quote inside a key"),
            (#""a"b"#, 4, "expected '.', '[' or the end"),
            ("a[]b", 4, "expected '.', '[' or the end"),
            ("a.[0]", 3, "a key must follow '.'"),
        ]
        for (text, column, words) in cases {
            do {
                _ = try FieldPath(parsing: text)
                Issue.record("'\(text)' parsed")
            } catch let error as FieldPathSyntaxError {
                #expect(error.column == column, "\(text): \(error)")
                #expect(error.description.contains(words), "\(text): \(error)")
                #expect(error.description.contains("'\(text)'"))
            } catch {
                Issue.record("\(text): \(error)")
            }
        }
    }

    @Test func selectsFromEveryShape() throws {
        let value = try record(#"{"a": {"b": [10, {"c": "x"}, null, [1, 2]]}, "s": "str", "n": null, "e": [], "o": {}}"#)
        func values(_ path: String) throws -> [RecordValue] {
            try value.selecting(FieldPath(parsing: path)).get().map(\.value)
        }
        #expect(try values("s") == [.string("str")])
        #expect(try values("a.b[0]") == [.integer(10)])
        #expect(try values("a.b[1].c") == [.string("x")])
        #expect(try values("a.b[3][]") == [.integer(1), .integer(2)])
        #expect(try values("a.b[]").count == 4)
        #expect(try values("e[]") == [])
        #expect(try values("n") == [.null])
        #expect(try values("n.deeper[]") == [], "a null on the way selects nothing")
        #expect(try values("a.b[2].x") == [], "a null element selects nothing")
        let locations = try value.selecting(FieldPath(parsing: "a.b[]")).get().map(\.position)
        #expect(locations == ["a.b[0]", "a.b[1]", "a.b[2]", "a.b[3]"])
        #expect(SelectedValue(location: [], value: .null).position == "the record")
    }

    @Test func mismatchesSayWhereThePathStopped() throws {
        let value = try record(#"{"question": {"stem": "Q", "choices": [{"text": "a", "label": "A"}]}, "x.y": "dotted", "s": "str"}"#)
        func mismatch(_ path: String) throws -> FieldPathMismatch? {
            if case let .failure(mismatch) = value.selecting(try FieldPath(parsing: path)) { return mismatch }
            return nil
        }
        let missing = try #require(try mismatch("question.stm"))
        #expect(missing.stoppedAtText == "question")
        #expect(missing.explanation == #"question has no key "stm" (keys: stem, choices)"#)
        let arrayKey = try #require(try mismatch("question.choices.text"))
        #expect(arrayKey.explanation == "question.choices is an array of 1 element, not an object with key \"text\"")
        #expect(arrayKey.suggestion == "question.choices[].text")
        let outOfRange = try #require(try mismatch("question.choices[3]"))
        #expect(outOfRange.explanation == "question.choices has no element [3] (an array of 1 element)")
        let notArray = try #require(try mismatch("s[]"))
        #expect(notArray.explanation == "s is not an array but a string")
        let top = try #require(try mismatch("nope"))
        #expect(top.explanation.hasPrefix(#"the record has no key "nope" (keys: question, "x.y", s)"#))
        let dotted = try #require(try mismatch("x.y"))
        #expect(dotted.suggestion == #""x.y""#, "a key with a dot in it is suggested quoted")
        let deep = try #require(try mismatch("question.choices[0].text.more"))
        #expect(deep.explanation == #"question.choices[0].text is a string, not an object with key "more""#)
    }

    @Test func shapeDescriptions() {
        #expect(RecordValue.object(RecordObject()).shapeDescription == "an object with no keys")
        #expect(RecordValue.array([]).shapeDescription == "an array of 0 elements")
        #expect(RecordValue.array([.null, .null]).shapeDescription == "an array of 2 elements")
        #expect(RecordValue.integer(1).shapeDescription == "a number")
        let many = RecordObject(keys: (0..<25).map { "k\($0)" }, values: Array(repeating: .null, count: 25))
        #expect(RecordValue.object(many).shapeDescription.hasSuffix(", ... (25 keys)"))
    }

    @Test func selectionWorksOnParquetStyleRows() throws {
        // A Parquet reader hands rows over as RecordObject values of any cell type.
        var row = RecordObject()
        row.append("question", .string("Q?"))
        row.append("choices", .array([.string("a"), .string("b")]))
        row.append("ts", .timestamp(microsecondsSinceEpoch: 0))
        row.append("id", .integer(42))
        let selector = try RecordFieldSelector(fields: ["question", "choices[]"], idField: "id", defaultID: false)
        let location = RecordLocation(path: "t.parquet", line: nil, record: "row 3")
        #expect(try selector.text(of: .object(row), at: location) == "Q?\na\nb")
        #expect(try selector.id(of: .object(row), at: location) == "42")
        let timestampID = try RecordFieldSelector(fields: ["question"], idField: "ts", defaultID: false)
        #expect(try timestampID.id(of: .object(row), at: location) == "1970-01-01T00:00:00Z")
    }
}
