import Foundation
import Testing
import ContamTestSupport
@testable import ContamStorage
@testable import ContamCorpus

/// A SQuAD v2-shaped document, pretty-printed over many lines as the real files are.
let squadDocument = """
{
  "version": "v2.0",
  "data": [
    {
      "title": "Normans",
      "paragraphs": [
        {
          "context": "The Normans gave their name to Normandy, a region in France.",
          "qas": [
            {"id": "q1", "question": "In what country is Normandy located?", "answers": [{"text": "France", "answer_start": 53}], "is_impossible": false},
            {"id": "q2", "question": "Who gave their name to Normandy?", "answers": [], "is_impossible": true}
          ]
        },
        {
          "context": "The Norman dynasty had a major impact on medieval Europe.",
          "qas": [{"id": "q3", "question": "Who had a major impact on medieval Europe?", "answers": []}]
        }
      ]
    },
    {
      "title": "Physics",
      "paragraphs": [{"context": "Force is mass times acceleration.", "qas": []}]
    }
  ]
}
"""

@Suite struct JSONDocumentReaderTests {
    private func documents(_ inputs: [String], _ options: CorpusOptions = CorpusOptions()) throws -> (reader: CorpusReader, docs: [Document]) {
        let reader = try CorpusReader(inputs: inputs, options: options)
        var docs: [Document] = []
        try reader.forEachDocument { docs.append($0) }
        return (reader, docs)
    }

    private func texts(_ docs: [Document]) -> [String] { docs.map { String(decoding: $0.text, as: UTF8.self) } }

    private func thrown(_ body: () throws -> Void) -> CorpusError? {
        do { try body() } catch { return error as? CorpusError }
        return nil
    }

    @Test func tellsDocumentsFromJSONLines() {
        func layout(_ text: String) -> JSONInputLayout { JSONDocumentReader.layout(ofHead: Array(text.utf8)) }
        #expect(layout(#"{"text": "a"}"# + "\n" + #"{"text": "b"}"#) == .lines)
        #expect(layout(#"{"text": "a"}"#) == .lines, "one line, one record either way")
        #expect(layout("{\n  \"data\": []\n}") == .document)
        #expect(layout("\u{FEFF}  \n {\"a\":\n 1}") == .document)
        #expect(layout(#"[{"text": "a"}]"#) == .document)
        #expect(layout("[\n]") == .document)
        #expect(layout(#"{"text": "a" oops}"# + "\n") == .lines, "a first line malformed mid-line is the line parser's to report")
        #expect(layout(#"{"text": "unfinished"#) == .lines, "no newline in the head: JSON Lines")
        #expect(layout("") == .lines)
        #expect(layout("hello\n") == .lines)
    }

    @Test func headReplaysWhatItRead() throws {
        let text = Array((String(repeating: " ", count: 70_000) + "\n{\"a\":\n1}\n").utf8)
        let (head, source) = try JSONDocumentReader.head(of: MemoryByteSource(text))
        #expect(head.count >= 70_004, "the head runs to the end of the first line with content")
        #expect(JSONDocumentReader.layout(ofHead: head) == .document)
        #expect(try JSONDocumentReader.readAll(source, path: "p") == text)
        #expect(throws: CorpusError.documentTooLarge(path: "p", limitBytes: 10)) {
            _ = try JSONDocumentReader.readAll(MemoryByteSource(text), path: "p", maximumBytes: 10)
        }
    }

    @Test func squadParagraphsAndQuestionsAsRecords() throws {
        let dir = TestDirectory("contam-json"); defer { dir.cleanup() }
        let file = dir.write("dev-v2.0.json", squadDocument)
        let paragraphs = try documents([file], CorpusOptions(textFields: ["context"], records: try FieldPath(parsing: "data[].paragraphs[]")))
        #expect(texts(paragraphs.docs) == ["The Normans gave their name to Normandy, a region in France.",
                                           "The Norman dynasty had a major impact on medieval Europe.", "Force is mass times acceleration."])
        #expect(paragraphs.docs.map(\.recordNumber) == [1, 2, 3])
        #expect(paragraphs.docs.map(\.externalID) == [nil, nil, nil])
        let questions = try documents([file], CorpusOptions(textFields: ["question"], records: try FieldPath(parsing: "data[].paragraphs[].qas[]")))
        #expect(questions.docs.count == 3)
        #expect(questions.docs.map(\.externalID) == ["q1", "q2", "q3"], "a record's id is taken by default")
        // Without --records, nested paths reach into the one record the object is.
        let whole = try documents([file], CorpusOptions(textFields: ["data[].title"]))
        #expect(texts(whole.docs) == ["Normans\nPhysics"])
    }

    @Test func fieldErrorsNameTheRecordsPosition() throws {
        let dir = TestDirectory("contam-json"); defer { dir.cleanup() }
        let file = dir.write("squad.json", squadDocument)
        let missing = thrown { _ = try documents([file], CorpusOptions(textFields: ["qas[].answers[0].text"], records: try FieldPath(parsing: "data[].paragraphs[]"))) }
        #expect(missing?.description.hasPrefix("\(file), record data[0].paragraphs[0]: --field 'qas[].answers[0].text' matches nothing: qas[1].answers has no element [0] (an array of 0 elements)") == true, "\(String(describing: missing))")
        let badRecords = thrown { _ = try documents([file], CorpusOptions(records: try FieldPath(parsing: "data[].paragraph[]"))) }
        #expect(badRecords == .pathNotFound(path: file, line: nil, record: nil, option: "--records", fieldPath: "data[].paragraph[]",
                                            explanation: #"data[0] has no key "paragraph" (keys: title, paragraphs)"#, suggestion: nil))
        #expect(badRecords?.description.contains("--skip-bad-records") == false, "a records path is not a bad record")
        // --skip-bad-records skips the records a field path misses, counted, and keeps the rest.
        var options = CorpusOptions(textFields: ["qas[0].question"], records: try FieldPath(parsing: "data[].paragraphs[]"))
        options.skipBadRecords = true
        let skipped = try documents([file], options)
        #expect(texts(skipped.docs) == ["In what country is Normandy located?", "Who had a major impact on medieval Europe?"])
        #expect(skipped.reader.statistics.recordsSkipped == 1)
        #expect(skipped.reader.statistics.skipReasons.first?.contains("record data[1].paragraphs[0]") == true)
    }

    @Test func arrayFilesAndPrettyObjects() throws {
        let dir = TestDirectory("contam-json"); defer { dir.cleanup() }
        let array = dir.write("mmlu.json", """
        [
          {"id": "m1", "question": "2+2?", "choices": ["3", "4"], "answer": 1},
          {"id": "m2", "question": "Capital of France?", "choices": ["Paris", "Rome"], "answer": 0}
        ]
        """)
        let docs = try documents([array], CorpusOptions(textFields: ["question", "choices[]"])).docs
        #expect(texts(docs) == ["2+2?\n3\n4", "Capital of France?\nParis\nRome"])
        #expect(docs.map(\.externalID) == ["m1", "m2"])
        let object = dir.write("one.json", "{\n  \"text\": \"a pretty-printed object is one record\",\n  \"id\": 5\n}\n")
        let one = try documents([object]).docs
        #expect(texts(one) == ["a pretty-printed object is one record"])
        #expect(one.map(\.externalID) == ["5"])
        let compressed = dir.path + "/a.json.zst"
        let frame = try Array(squadDocument.utf8).withUnsafeBytes { try ZstdCompressor(level: 3).compress($0) }
        try writeTestFile(atPath: compressed, bytes: frame)
        #expect(try documents([compressed], CorpusOptions(textFields: ["context"], records: try FieldPath(parsing: "data[].paragraphs[]"))).docs.count == 3)
    }

    @Test func syntaxErrorsInDocumentsCarryLineAndColumn() throws {
        let dir = TestDirectory("contam-json"); defer { dir.cleanup() }
        let file = dir.write("bad.json", "[\n  {\"text\": \"a\"},\n  {\"text\": \"b\",}\n]\n")
        let error = thrown { _ = try documents([file]) }
        #expect(error == .malformedJSONDocument(path: file, line: 3, column: 16, detail: "expected a key in double quotes but found '}'"))
        #expect(error?.description.hasPrefix("\(file):3:16: malformed JSON: ") == true)
        #expect(error?.isRecordError == false, "--skip-bad-records cannot skip a broken document")
        let truncated = dir.write("cut.json", "{\n  \"text\": \"never closed")
        #expect(thrown { _ = try documents([truncated]) }?.description.contains(":2:24: malformed JSON: the document ends inside a string") == true)
        let two = dir.write("two.json", "{\n\"text\": \"a\"}\n{\"text\": \"b\"}\n")
        #expect(thrown { _ = try documents([two]) }?.description.contains("3:1: malformed JSON: unexpected '{' after the end of the value (a document holds one value)") == true)
    }

    @Test func jsonLinesWithNestedPathsAndRecords() throws {
        let dir = TestDirectory("contam-json"); defer { dir.cleanup() }
        // lm-evaluation-harness --log_samples output: one sample per line.
        let samples = dir.write("samples_arc.jsonl", """
        {"doc_id": 0, "doc": {"question": "Which gas do plants absorb?", "choices": ["oxygen", "carbon dioxide"]}, "target": 1, "arguments": [["Q", " oxygen"]], "resps": [["carbon dioxide"]], "filtered_resps": ["carbon dioxide"]}

        {"doc_id": 1, "doc": {"question": "What is H2O?", "choices": ["water", "salt"]}, "target": 0, "arguments": [["Q", " water"]], "resps": [["water"]], "filtered_resps": ["water"]}
        """)
        let docs = try documents([samples], CorpusOptions(textFields: ["doc.question", "doc.choices[]"], idField: "doc_id")).docs
        #expect(texts(docs) == ["Which gas do plants absorb?\noxygen\ncarbon dioxide", "What is H2O?\nwater\nsalt"])
        #expect(docs.map(\.externalID) == ["0", "1"])
        #expect(docs.map(\.recordNumber) == [1, 3], "a JSONL record is numbered by its line")
        let generations = try documents([samples], CorpusOptions(textFields: ["resps[][]"])).docs
        #expect(texts(generations) == ["carbon dioxide", "water"])
        // --records inside each line.
        let grouped = dir.write("g.jsonl", #"{"items": [{"text": "one"}, {"text": "two"}]}"# + "\n" + #"{"items": []}"# + "\n")
        let records = try documents([grouped], CorpusOptions(records: try FieldPath(parsing: "items[]"))).docs
        #expect(texts(records) == ["one", "two"])
        let error = thrown { _ = try documents([samples], CorpusOptions(textFields: ["doc.answer"])) }
        #expect(error?.description == "\(samples):1: --field 'doc.answer' matches nothing: doc has no key \"answer\" (keys: question, choices); pass --field with a path that exists (see docs/field-paths.md) or --skip-bad-records.")
        let notObject = dir.write("n.jsonl", #"{"a": {"b": "x"}}"# + "\n[1]\n")
        #expect(thrown { _ = try documents([notObject], CorpusOptions(textFields: ["a.b"])) } == .notAnObject(path: notObject, line: 2, found: .array))
    }

    @Test func defaultIDIsOptionalAndExplicitIDIsRequired() throws {
        let dir = TestDirectory("contam-json"); defer { dir.cleanup() }
        let file = dir.write("c.jsonl", #"{"id": "a", "text": "x"}"# + "\n" + #"{"text": "y"}"# + "\n")
        #expect(try documents([file]).docs.map(\.externalID) == ["a", nil])
        #expect(thrown { _ = try documents([file], CorpusOptions(idField: "id")) }?.description.contains("no field \"id\"") == true)
        let null = dir.write("n.jsonl", #"{"text": null}"# + "\n")
        #expect(thrown { _ = try documents([null]) } == .pathHasNoValue(path: null, line: 1, record: nil, option: "--field", fieldPaths: ["text"]))
        #expect(thrown { _ = try documents([file], CorpusOptions(textFields: ["a..b"])) } == .invalidFieldPath(option: "--field", message: "field path 'a..b', column 3: empty key between two '.' (syntax: a.b for a nested key, a[] for every element, a[0] for one, \"odd key\" in quotes)"))
    }

    @Test func lineAndColumnFromOffsets() {
        let bytes = Array("ab\ncd\n\nx".utf8)
        #expect(JSONDocumentReader.lineAndColumn(ofOffset: 0, in: bytes) == (1, 1))
        #expect(JSONDocumentReader.lineAndColumn(ofOffset: 4, in: bytes) == (2, 2))
        #expect(JSONDocumentReader.lineAndColumn(ofOffset: 7, in: bytes) == (4, 1))
        #expect(JSONDocumentReader.lineAndColumn(ofOffset: 8, in: bytes) == (4, 2))
    }
}
