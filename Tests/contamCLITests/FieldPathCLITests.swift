import Foundation
import Testing
import ContamTestSupport

/// End-to-end: field paths, `--records` and JSON documents in `contam index` and `contam check`.
@Suite(.serialized) struct FieldPathCLITests {
    static let paragraph = "The Normans were the people who in the tenth and eleventh centuries gave their name to Normandy, a region in France, descended from Norse raiders and pirates."

    /// A pretty-printed SQuAD-shaped corpus document.
    static func squad(in dir: TestDirectory) -> String {
        dir.write("train-v2.0.json", """
        {
          "version": "v2.0",
          "data": [
            {
              "title": "Normans",
              "paragraphs": [
                {"context": "\(paragraph)", "qas": [{"id": "q1", "question": "In what country is Normandy located?"}]},
                {"context": "Physics describes force as mass times acceleration in classical mechanics.", "qas": []}
              ]
            }
          ]
        }
        """)
    }

    /// `check --json` lines as objects.
    private func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func indexSquadParagraphsThenCheckARCStyleItems() throws {
        let dir = TestDirectory("cli-paths"); defer { dir.cleanup() }
        let corpus = Self.squad(in: dir)
        let index = dir.file("squad.idx")
        let built = try CLI.run(["index", corpus, "--records", "data[].paragraphs[]", "--field", "context", "-o", index])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("indexed 2 documents"), "\(built.stdout)")
        let items = dir.write("arc.jsonl", """
        {"id": "copied", "question": {"stem": "\(Self.paragraph)", "choices": [{"text": "yes", "label": "A"}]}}
        {"id": "fresh", "question": {"stem": "Which planet has the most moons in the solar system today?", "choices": [{"text": "Saturn", "label": "A"}]}}
        """)
        let check = try CLI.run(["check", index, items, "--field", "question.stem", "--field", "question.choices[].text", "--json", "--method", "llama2"])
        #expect(check.status == 0, "\(check.stderr)")
        let results = try objects(check.stdout)
        #expect(results.map { $0["id"] as? String } == ["copied", "fresh"])
        #expect(results.map { $0["flagged"] as? Bool } == [true, false])
    }

    @Test func checkSquadQuestionsFromADocument() throws {
        let dir = TestDirectory("cli-paths"); defer { dir.cleanup() }
        let corpus = Self.squad(in: dir)
        let index = try CLI.buildIndex([corpus], named: "whole.idx", options: ["--field", "data[].paragraphs[].context"])
        let check = try CLI.run(["check", index, corpus, "--records", "data[].paragraphs[]", "--field", "context", "--json", "--method", "llama2"])
        #expect(check.status == 0, "\(check.stderr)")
        let results = try objects(check.stdout)
        #expect(results.map { $0["id"] as? String } == ["\(corpus):data[0].paragraphs[0]", "\(corpus):data[0].paragraphs[1]"])
        #expect(results.allSatisfy { $0["flagged"] as? Bool == true })
        // --write-clean cannot rewrite a document item by item: refused before the check runs.
        let clean = try CLI.run(["check", index, corpus, "--records", "data[].paragraphs[]", "--field", "context", "--write-clean", dir.file("clean.json")])
        #expect(clean.status == 2)
        #expect(clean.stderr.contains("--write-clean cannot write this input without the flagged items: it is one JSON document"), "\(clean.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("clean.json")))
    }

    @Test func pathsThatMatchNothingNameTheKeysThere() throws {
        let dir = TestDirectory("cli-paths"); defer { dir.cleanup() }
        let corpus = Self.squad(in: dir)
        let index = dir.file("x.idx")
        let records = try CLI.run(["index", corpus, "--records", "data[].paragraph[]", "--field", "context", "-o", index])
        #expect(records.status == 2)
        #expect(records.stderr.contains("--records 'data[].paragraph[]' matches nothing: data[0] has no key \"paragraph\" (keys: title, paragraphs)"), "\(records.stderr)")
        let field = try CLI.run(["index", corpus, "--records", "data[].paragraphs[]", "--field", "text", "-o", index])
        #expect(field.status == 2)
        #expect(field.stderr.contains("\(corpus), record data[0].paragraphs[0]: --field 'text' matches nothing: the record has no key \"text\" (keys: context, qas)"), "\(field.stderr)")
        let object = try CLI.run(["index", corpus, "--field", "data", "-o", index])
        #expect(object.status == 2)
        #expect(object.stderr.contains("--field 'data' selects an array of 1 element at data, but text must be a string; try --field 'data[].title'"), "\(object.stderr)")
        #expect(!FileManager.default.fileExists(atPath: index))
    }

    @Test func badPathSyntaxIsAUsageError() throws {
        for command in [["index", "corpora/licenses", "-o", "/tmp/never.idx"], ["check", "/tmp/no.idx", "items.jsonl"]] {
            let result = try CLI.run(command + ["--field", "question..stem"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("contam: error: --field: field path 'question..stem', column 10: empty key between two '.'"), "\(result.stderr)")
            #expect(result.stderr.contains("See 'contam \(command[0]) --help'"))
            let records = try CLI.run(command + ["--records", "data[x]"])
            #expect(records.status == 2 && records.stderr.contains("contam: error: --records: field path 'data[x]', column 6: [x] is not an array index"), "\(records.stderr)")
        }
    }

    @Test func indexTakesTheIDByDefaultAndReadsPrettyObjectsAndArrays() throws {
        let dir = TestDirectory("cli-paths"); defer { dir.cleanup() }
        let array = dir.write("mmlu.json", """
        [
          {"id": "m-1", "question": "\(Self.paragraph)", "choices": ["a", "b"]},
          {"question": "A question without an id about the boiling point of water at sea level.", "choices": ["100", "90"]}
        ]
        """)
        let index = try CLI.buildIndex([array], named: "mmlu.idx", options: ["--field", "question", "--field", "choices[]"])
        let located = try CLI.run(["query", index, "locate", "gave their name to Normandy"])
        #expect(located.status == 0, "\(located.stderr)")
        #expect(located.stdout.contains("m-1"), "the record's id is the document's id: \(located.stdout)")
        let pretty = dir.write("one.json", "{\n  \"text\": \"\(Self.paragraph)\"\n}\n")
        let one = try CLI.run(["index", pretty, "-o", dir.file("one.idx"), "--quiet"])
        #expect(one.status == 0, "\(one.stderr)")
        let broken = dir.write("broken.json", "{\n  \"text\": \"a\",\n}\n")
        let bad = try CLI.run(["index", broken, "-o", dir.file("b.idx")])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(broken):3:1: malformed JSON: expected a key in double quotes but found '}'"), "\(bad.stderr)")
    }

    @Test func helpShowsTheNewOptionsWithExamples() throws {
        let index = try CLI.run(["index", "--help"])
        #expect(index.stdout.contains("--records <path>") && index.stdout.contains("--records 'data[].paragraphs[]' --field context"))
        let check = try CLI.run(["check", "--help"])
        #expect(check.stdout.contains("--records <path>") && check.stdout.contains("--field question.stem --field 'question.choices[].text'"))
    }
}
