import Foundation
import Testing
@testable import ContamCorpus

/// A record parsed from JSON text, for the selector tests.
private func record(_ json: String) throws -> RecordValue {
    try JSONValueParser.parse(Array(json.utf8)).value
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
