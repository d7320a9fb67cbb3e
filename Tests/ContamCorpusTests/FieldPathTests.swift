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

@Suite struct RecordFieldSelectorTests {
    private let location = RecordLocation(path: "b.jsonl", line: 3)

    private func text(_ json: String, _ fields: [String]) throws -> String {
        try RecordFieldSelector(fields: fields, idField: nil, defaultID: true).text(of: try record(json), at: location)
    }

    private func error(_ body: () throws -> Void) -> CorpusError? {
        do { try body() } catch { return error as? CorpusError }
        return nil
    }

    @Test func arcMMLUHellaSwagAndLMEvalShapes() throws {
        let arc = #"{"id": "Mercury_7", "question": {"stem": "Which gas?", "choices": [{"text": "oxygen", "label": "A"}, {"text": "carbon dioxide", "label": "B"}]}, "answerKey": "B"}"#
        #expect(try text(arc, ["question.stem", "question.choices[].text"]) == "Which gas?\noxygen\ncarbon dioxide")
        #expect(try text(arc, ["question.choices[1].text"]) == "carbon dioxide")
        let mmlu = #"{"question": "2+2?", "subject": "math", "choices": ["3", "4", "5", "6"], "answer": 1}"#
        #expect(try text(mmlu, ["question", "choices[]"]) == "2+2?\n3\n4\n5\n6")
        let hellaswag = #"{"ctx": "A man is sitting on a roof.", "endings": ["is using wrap.", "starts pulling up roofing."], "label": "1"}"#
        #expect(try text(hellaswag, ["ctx", "endings[]"]) == "A man is sitting on a roof.\nis using wrap.\nstarts pulling up roofing.")
        let lmeval = #"{"doc_id": 0, "doc": {"question": "Q?", "choices": ["a", "b"]}, "target": 1, "arguments": [["ctx", " a"]], "resps": [["gen one"], ["gen two"]], "filtered_resps": ["gen one", "gen two"]}"#
        #expect(try text(lmeval, ["doc.question", "doc.choices[]"]) == "Q?\na\nb")
        #expect(try text(lmeval, ["resps[][]"]) == "gen one\ngen two")
        #expect(try text(lmeval, ["filtered_resps[0]"]) == "gen one")
        let selector = try RecordFieldSelector(fields: ["resps[][]"], idField: "doc_id", defaultID: false)
        #expect(try selector.id(of: try record(lmeval), at: location) == "0")
    }

    @Test func nullsAndEmptyArraysGiveNoValue() throws {
        #expect(try text(#"{"a": null, "b": "text"}"#, ["a", "b"]) == "text", "another value has text")
        #expect(try text(#"{"a": [], "b": "x"}"#, ["a[]", "b"]) == "x")
        #expect(try text(#"{"a": ["x", null, "y"]}"#, ["a[]"]) == "x\ny")
        #expect(try text(#"{"a": "", "b": ""}"#, ["a", "b"]) == "", "empty strings are values: blank text, the caller decides")
        let none = error { _ = try text(#"{"a": null, "b": []}"#, ["a", "b[]"]) }
        #expect(none == .pathHasNoValue(path: "b.jsonl", line: 3, record: nil, option: "--field", fieldPaths: ["a", "b[]"]))
        #expect(none?.description.contains("b.jsonl:3: --field 'a', 'b[]' have no value in this record") == true)
        #expect(none?.isRecordError == true)
    }

    @Test func wrongKindsAreErrorsWithAHint() throws {
        let arc = #"{"question": {"stem": "Q", "choices": [{"label": "A", "text": "x"}]}, "n": 3, "m": ["a"], "nested": [["a"]]}"#
        let array = error { _ = try text(arc, ["question.choices"]) }
        guard case let .pathWrongKind(_, _, _, option, fieldPath, at, found, need, suggestion)? = array else {
            Issue.record("\(String(describing: array))"); return
        }
        #expect(option == "--field" && fieldPath == "question.choices" && at == "question.choices")
        #expect(found == "an array of 1 element" && need == "text must be a string")
        #expect(suggestion == "question.choices[].text")
        let object = error { _ = try text(arc, ["question"]) }
        #expect(object?.description.contains("selects an object (keys: stem, choices) at question, but text must be a string; try --field 'question.stem'") == true)
        #expect(error { _ = try text(arc, ["m"]) }?.description.contains("try --field 'm[]'") == true)
        #expect(error { _ = try text(arc, ["nested[]"]) }?.description.contains("at nested[0]") == true)
        #expect(error { _ = try text(arc, ["nested[]"]) }?.description.contains("try --field 'nested[][]'") == true)
        #expect(error { _ = try text(arc, ["n"]) }?.description.contains("selects a number at n, but text must be a string") == true)
    }

    @Test func missingPathsNameTheKeysThere() throws {
        let missing = error { _ = try text(#"{"question": {"stem": "Q"}, "id": 1}"#, ["question.text"]) }
        #expect(missing == .pathNotFound(path: "b.jsonl", line: 3, record: nil, option: "--field", fieldPath: "question.text",
                                         explanation: #"question has no key "text" (keys: stem)"#, suggestion: nil))
        #expect(missing?.description == #"b.jsonl:3: --field 'question.text' matches nothing: question has no key "text" (keys: stem); pass --field with a path that exists (see docs/field-paths.md) or --skip-bad-records."#)
        let inDocument = RecordLocation(path: "squad.json", record: "data[3].paragraphs[1]")
        let selector = try RecordFieldSelector(fields: ["contxt"], idField: nil, defaultID: false)
        let documentError = error { _ = try selector.text(of: try record(#"{"context": "c", "qas": []}"#), at: inDocument) }
        #expect(documentError?.description.hasPrefix(#"squad.json, record data[3].paragraphs[1]: --field 'contxt' matches nothing: the record has no key "contxt" (keys: context, qas)"#) == true)
    }

    @Test func ids() throws {
        let optional = try RecordFieldSelector(fields: ["t"], idField: nil, defaultID: true)
        #expect(try optional.id(of: try record(#"{"t": "x", "id": "a1"}"#), at: location) == "a1")
        #expect(try optional.id(of: try record(#"{"t": "x", "id": 7}"#), at: location) == "7")
        #expect(try optional.id(of: try record(#"{"t": "x"}"#), at: location) == nil, "the default id is optional")
        #expect(try optional.id(of: try record(#"{"t": "x", "id": null}"#), at: location) == nil)
        let none = try RecordFieldSelector(fields: ["t"], idField: nil, defaultID: false)
        #expect(try none.id(of: try record(#"{"t": "x", "id": "a1"}"#), at: location) == nil)
        let nested = try RecordFieldSelector(fields: ["t"], idField: "meta.id", defaultID: true)
        #expect(try nested.id(of: try record(#"{"t": "x", "meta": {"id": "m"}}"#), at: location) == "m")
        #expect(error { _ = try nested.id(of: try record(#"{"t": "x"}"#), at: location) }?.description.contains("--id-field 'meta.id' matches nothing") == true)
        let several = try RecordFieldSelector(fields: ["t"], idField: "ids[]", defaultID: false)
        #expect(error { _ = try several.id(of: try record(#"{"t": "x", "ids": [1, 2]}"#), at: location) }?.description.contains("an id must be one value") == true)
        let object = try RecordFieldSelector(fields: ["t"], idField: "meta", defaultID: false)
        #expect(error { _ = try object.id(of: try record(#"{"t": "x", "meta": {"a": "b"}}"#), at: location) }?.description.contains("an id must be a string or a number; try --id-field 'meta.a'") == true)
    }

    @Test func badPathsAreInvalidFieldPathErrors() {
        #expect(error { _ = try RecordFieldSelector(fields: ["a..b"], idField: nil, defaultID: true) }?.description.hasPrefix("--field: field path 'a..b', column 3: empty key") == true)
        #expect(error { _ = try RecordFieldSelector(fields: ["a"], idField: "x[", defaultID: true) }?.description.hasPrefix("--id-field: field path 'x['") == true)
    }

    @Test func topLevelOnlyPicksTheFastPath() throws {
        #expect(try RecordFieldSelector(fields: ["text", #""odd key""#], idField: "id", defaultID: true).isTopLevelOnly)
        #expect(try !RecordFieldSelector(fields: ["text", "a.b"], idField: nil, defaultID: true).isTopLevelOnly)
        #expect(try !RecordFieldSelector(fields: ["text"], idField: "meta.id", defaultID: true).isTopLevelOnly)
    }
}
