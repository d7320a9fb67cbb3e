import Foundation
import Testing
@testable import ContamCorpus
@testable import ContamDetect
import ContamTestSupport

/// Items selected by field paths and `--records`, from JSON Lines and from whole JSON documents.
@Suite struct ItemReaderFieldPathTests {
    func reader(fields: [String] = ["text"], idField: String? = nil, records: String? = nil, skip: Bool = false) throws -> ItemReader {
        var options = ItemReaderOptions()
        options.fields = fields
        options.idField = idField
        options.records = try records.map { try FieldPath(parsing: $0) }
        options.skipBadRecords = skip
        return ItemReader(options: options)
    }

    private func texts(_ set: ItemSet) -> [String] { set.items.map { String(decoding: $0.text, as: UTF8.self) } }

    private func thrown(_ body: () throws -> Void) -> (any Error)? {
        do { try body() } catch { return error }
        return nil
    }

    @Test func arcJSONLWithNestedPaths() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let content = """
        {"id": "Mercury_7", "question": {"stem": "Which gas do plants absorb?", "choices": [{"text": "oxygen", "label": "A"}, {"text": "carbon dioxide", "label": "B"}]}, "answerKey": "B"}

        {"id": "Mercury_8", "question": {"stem": "What melts ice?", "choices": [{"text": "heat", "label": "A"}]}, "answerKey": "A"}
        """
        let path = dir.write("ARC-Challenge-Test.jsonl", content)
        let set = try reader(fields: ["question.stem", "question.choices[].text"]).read(paths: [path])
        #expect(texts(set) == ["Which gas do plants absorb?\noxygen\ncarbon dioxide", "What melts ice?\nheat"])
        #expect(set.items.map(\.id) == ["Mercury_7", "Mercury_8"])
        #expect(set.items.map(\.recordNumber) == [1, 3])
        // Lines are still written back byte for byte.
        #expect(set.inputs[0].segments.flatMap(\.bytes) == Array(content.utf8))
        #expect(set.inputs[0].cleanCopyRefusal == nil)
        let missing = thrown { _ = try reader(fields: ["question.choices.text"]).read(paths: [path]) } as? CorpusError
        #expect(missing?.description == "\(path):1: --field 'question.choices.text' matches nothing: question.choices is an array of 2 elements, not an object with key \"text\"; did you mean --field 'question.choices[].text'? (docs/field-paths.md).")
    }

    @Test func squadQuestionsFromAWholeDocument() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.write("dev-v2.0.json", """
        {"version": "v2.0",
         "data": [{"title": "Normans", "paragraphs": [
           {"context": "The Normans gave their name to Normandy.",
            "qas": [{"id": "q1", "question": "Who gave their name to Normandy?"}, {"question": "Where is Normandy?"}]}]}]}
        """)
        let set = try reader(fields: ["question"], records: "data[].paragraphs[].qas[]").read(paths: [path])
        #expect(texts(set) == ["Who gave their name to Normandy?", "Where is Normandy?"])
        #expect(set.items.map(\.id) == ["q1", "\(path):data[0].paragraphs[0].qas[1]"])
        #expect(set.items.map(\.recordNumber) == [1, 2])
        #expect(set.inputs[0].cleanCopyRefusal != nil, "a document cannot be rewritten item by item")
        let contexts = try reader(fields: ["context", "qas[].question"], records: "data[].paragraphs[]").read(paths: [path])
        #expect(texts(contexts) == ["The Normans gave their name to Normandy.\nWho gave their name to Normandy?\nWhere is Normandy?"])
        let wrong = thrown { _ = try reader(fields: ["question"], records: "data[].paragraphs[]").read(paths: [path]) } as? CorpusError
        #expect(wrong?.description.hasPrefix("\(path), record data[0].paragraphs[0]: --field 'question' matches nothing: the record has no key \"question\" (keys: context, qas)") == true)
    }

    @Test func arraysOfRecordsAndHellaSwagEndings() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.write("hellaswag.json", """
        [
          {"ind": 4, "ctx": "A man is sitting on a roof.", "endings": ["is using wrap.", "starts pulling up roofing."], "label": 1},
          {"ind": 5, "ctx": "A woman skis.", "endings": ["falls.", "waves."], "label": 0}
        ]
        """)
        let set = try reader(fields: ["ctx", "endings[]"], idField: "ind").read(paths: [path])
        #expect(texts(set) == ["A man is sitting on a roof.\nis using wrap.\nstarts pulling up roofing.", "A woman skis.\nfalls.\nwaves."])
        #expect(set.items.map(\.id) == ["4", "5"])
        // Without an id, an item is named by its position in the document.
        let unnamed = try reader(fields: ["ctx"]).read(paths: [path])
        #expect(unnamed.items.map(\.id) == ["\(path):[0]", "\(path):[1]"])
    }

    @Test func lmEvalLogSamples() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.write("samples_mmlu.jsonl", """
        {"doc_id": 0, "doc": {"question": "2+2?", "choices": ["3", "4"]}, "target": 1, "arguments": [["2+2?", " 4"]], "resps": [["4"]], "filtered_resps": ["4"]}
        {"doc_id": 1, "doc": {"question": "Capital of France?", "choices": ["Paris", "Rome"]}, "target": 0, "arguments": [["Capital?", " Paris"]], "resps": [["Paris is the capital."]], "filtered_resps": ["Paris is the capital."]}
        """)
        let docs = try reader(fields: ["doc.question", "doc.choices[]"], idField: "doc_id").read(paths: [path])
        #expect(texts(docs) == ["2+2?\n3\n4", "Capital of France?\nParis\nRome"])
        #expect(docs.items.map(\.id) == ["0", "1"])
        let generations = try reader(fields: ["resps[][]"]).read(paths: [path])
        #expect(texts(generations) == ["4", "Paris is the capital."])
        let array = thrown { _ = try reader(fields: ["resps[]"]).read(paths: [path]) } as? CorpusError
        #expect(array?.description.contains("--field 'resps[]' selects an array of 1 element at resps[0], but text must be a string; try --field 'resps[][]'") == true)
    }

    @Test func recordsInsideLinesAndTheCleanCopy() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.write("g.jsonl", #"{"batch": [{"text": "one"}, {"text": "two"}]}"# + "\n" + #"{"batch": [{"text": "three"}]}"# + "\n")
        let set = try reader(records: "batch[]").read(paths: [path])
        #expect(texts(set) == ["one", "two", "three"])
        #expect(set.items.map(\.id) == ["\(path):1:batch[0]", "\(path):1:batch[1]", "\(path):2:batch[0]"])
        #expect(set.inputs[0].cleanCopyRefusal?.contains("line 1 holds 2 items") == true)
        let single = dir.write("s.jsonl", #"{"doc": {"text": "one"}}"# + "\n")
        #expect(try reader(records: "doc").read(paths: [single]).inputs[0].cleanCopyRefusal == nil, "one item per line writes back")
    }

    @Test func nullsBlanksAndSkipping() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.write("n.jsonl", """
        {"q": {"a": "kept"}}
        {"q": {"a": null}}
        {"q": {"b": "x"}}
        """)
        let error = thrown { _ = try reader(fields: ["q.a"]).read(paths: [path]) } as? CorpusError
        #expect(error == .pathHasNoValue(path: path, line: 2, record: nil, option: "--field", fieldPaths: ["q.a"]))
        let skipped = try reader(fields: ["q.a"], skip: true).read(paths: [path])
        #expect(texts(skipped) == ["kept"])
        #expect(skipped.skippedRecords == 2)
        #expect(skipped.inputs[0].segments.map(\.item) == [0, nil, nil])
        let blank = dir.write("b.json", #"[{"q": {"a": "  "}}]"#)
        let empty = thrown { _ = try reader(fields: ["q.a"]).read(paths: [blank]) } as? DetectError
        #expect(empty?.description.hasPrefix("\(blank):1: the item is empty (field \"q.a\" is blank in record [0])") == true)
    }
}
