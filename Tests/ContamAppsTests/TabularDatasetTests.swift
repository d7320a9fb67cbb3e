import Foundation
import Testing
import ContamTestSupport
@testable import ContamStorage
@testable import ContamApps
import ContamCorpus

@Suite struct TabularDatasetTests {
    /// Writes `text` to `name` in a fresh temporary directory and returns the file's path.
    func write(_ text: String, name: String = "data.csv") throws -> String {
        let directory = try temporaryDirectory("tabular-dataset")
        let path = directory + "/" + name
        try writeTestFile(atPath: path, text: text)
        return path
    }

    @Test func loadsRawLinesAndFields() throws {
        let path = try write("a,b,c\r\n1,\"x, y\",3\r\n\r\n4,\"multi\nline\",6\n")
        let dataset = try TabularDataset.load(path: path)
        #expect(dataset.name == "data")
        #expect(dataset.lines == ["a,b,c", "1,\"x, y\",3", "4,\"multi\nline\",6"])
        #expect(dataset.fields == [["a", "b", "c"], ["1", "x, y", "3"], ["4", "multi\nline", "6"]])
        #expect(dataset.lineNumbers == [1, 2, 4])
        #expect(!dataset.truncated)
    }

    @Test func canonicalIrisFromCorpora() throws {
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        #expect(iris.name == "iris")
        #expect(iris.rowCount == 150)
        #expect(iris.featureNames == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        #expect(iris.lines[1] == "5.1,3.5,1.4,0.2,Iris-setosa")
        let titanic = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/titanic-train.csv")
        #expect(titanic.rowCount == 891 && titanic.featureNames.count == 12)
        #expect(titanic.fields[1][3] == "Braund, Mr. Owen Harris")
    }

    @Test func zstdAndSemicolons() throws {
        let text = "a;b\n1;2\n3;4\n"
        let compressed = try Array(text.utf8).withUnsafeBytes { try ZstdCompressor().compress($0) }
        let directory = try temporaryDirectory("tabular-zst")
        let path = directory + "/semi.csv.zst"
        try writeTestFile(atPath: path, contents: Data(compressed))
        let dataset = try TabularDataset.load(path: path)
        #expect(dataset.name == "semi")
        #expect(dataset.fields == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test func hugeFilesAreReadOnlyToTheLimit() throws {
        // Row 600 has an unbalanced quote: reading stops at 100 rows, long before it.
        var lines = ["id,value"]
        for i in 0..<2000 { lines.append(i == 600 ? "\(i),\"broken" : "\(i),\(i * 7)") }
        let dataset = try TabularDataset.load(path: write(lines.joined(separator: "\n")), maxRows: 100)
        #expect(dataset.rowCount == 100)
        #expect(dataset.truncated)
        #expect(dataset.lines.last == "99,693")
    }

    @Test func badInputNamesTheFileAndLine() throws {
        let cases: [(String, String)] = [
            ("", "no rows"),
            ("a,b,c\n", "only a header line"),
            ("a,b,c\n1,2,3\n4,5\n", ":3: this row has 2 fields but the header has 3"),
            ("a,b\n1,\"open\n2,3\n", ":2: a quoted CSV field starts on this line"),
            ("a,b\n1,\u{0}\n", "binary"),
        ]
        for (text, expected) in cases {
            let path = try write(text, name: "bad.csv")
            #expect { try TabularDataset.load(path: path) } throws: { error in
                let message = "\(error)"
                return message.contains(path) && message.contains(expected)
            }
        }
        let invalidUTF8 = try temporaryDirectory("tabular-bin") + "/blob.csv"
        try writeTestFile(atPath: invalidUTF8, bytes: [0x61, 0x2C, 0x62, 0x0A, 0xFF, 0xFE, 0x80, 0x0A])
        #expect(throws: TabularError.binary(path: invalidUTF8)) { try TabularDataset.load(path: invalidUTF8) }
        #expect { try TabularDataset.load(path: "/nonexistent/x.csv") } throws: { "\($0)".contains("/nonexistent/x.csv: no such file") }
    }

    @Test func datasetNames() {
        #expect(TabularDataset.name(forPath: "a/b/iris.csv") == "iris")
        #expect(TabularDataset.name(forPath: "adult-train.csv.zst") == "adult-train")
        #expect(TabularDataset.name(forPath: "x") == "x")
    }
}

@Suite struct TabularDatasetIdentityTests {
    func corpora(_ name: String) throws -> TabularDataset {
        try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/\(name).csv")
    }

    @Test func irisInAnyFormattingIsIris() throws {
        let iris = try corpora("iris")
        // Quoted, CRLF, upper-case labels, spaces.
        let quoted = iris.lines.enumerated().map { index, line in
            index == 0 ? line : line.split(separator: ",").map { "\"\($0.uppercased())\"" }.joined(separator: ", ")
        }.joined(separator: "\r\n")
        // Columns reordered and renamed (R's iris).
        let reordered = (["\"Species\",\"Sepal.Length\",\"Sepal.Width\",\"Petal.Length\",\"Petal.Width\""] + iris.fields.dropFirst().map { f in
            "\(f[4].replacingOccurrences(of: "Iris-", with: "")),\(f[0]),\(f[1]),\(f[2]),\(f[3])"
        }).joined(separator: "\n")
        // scikit-learn's copy: a different first line and numeric labels; padded numbers.
        let sklearn = (["150,4,setosa,versicolor,virginica"] + iris.fields.dropFirst().map { f in
            "\(f[0])0,\(f[1]),\(f[2]),\(f[3]),\(["Iris-setosa": 0, "Iris-versicolor": 1, "Iris-virginica": 2][f[4]] ?? 9)"
        }).joined(separator: "\n")
        // Only a third of the rows, shuffled.
        var rng = TabularRandom(seed: 1)
        let subset = ([iris.header] + Array(iris.lines.dropFirst()).shuffled(using: &rng).prefix(50)).joined(separator: "\n")
        for (name, text) in [("quoted", quoted), ("reordered", reordered), ("sklearn", sklearn), ("subset", subset)] {
            let variant = try TabularFixtures.dataset(text, name: "my-\(name)")
            #expect(TabularDatasetIdentity.isSameDataset(variant, iris), "\(name)")
            #expect(TabularDatasetIdentity.isSameDataset(iris, variant), "\(name)")
        }
    }

    @Test func differentDatasetsAreDifferent() throws {
        let names = ["iris", "uci-wine", "openml-diabetes", "titanic-train"]
        let datasets = try names.map(corpora)
        for (i, a) in datasets.enumerated() {
            for (j, b) in datasets.enumerated() {
                #expect(TabularDatasetIdentity.isSameDataset(a, b) == (i == j), "\(names[i]) vs \(names[j])")
            }
        }
        let random = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 100, seed: 3))
        #expect(!datasets.contains { TabularDatasetIdentity.isSameDataset(random, $0) })
    }

    @Test func theTestedDatasetIsNeverItsOwnFewShotExample() throws {
        let pool = try ["iris", "uci-wine", "openml-diabetes", "titanic-train"].map(corpora)
        let irisCopy = try TabularFixtures.dataset(try corpora("iris").lines.joined(separator: "\n"), name: "flowers")
        for mode in [TabularMode.chat, .completion] {
            var options = TabularOptions()
            options.mode = mode
            options.fewShotDatasets = 10
            let plan = try TabularPlanner.plan(irisCopy, options: options, fewShot: pool)
            #expect(plan.fewShotDatasets == ["uci-wine", "openml-diabetes", "titanic-train"])
            // The header and feature-names tests take their examples from other datasets.
            for query in plan.allQueries where query.test == .header || query.test == .featureNames {
                let context = query.request.messages.dropLast().map(\.content).joined(separator: "\n") + (mode == .completion && query.test == .featureNames ? query.request.prompt : "")
                #expect(!context.contains("Iris-setosa") && !context.contains("sepal_length,sepal_width"), "\(query.test) leaks iris")
            }
        }
    }
}

@Suite struct TabularRecordsTests {
    @Test func recordsBecomeTheCSVPandasWouldWrite() throws {
        let rows = [
            RecordObject(keys: ["sepal", "species", "note"], values: [.double(5.1), .string("Iris-setosa"), .null]),
            RecordObject(keys: ["sepal", "species", "note", "tags"], values: [.integer(4), .string("a, \"quoted\" one"), .string("two\nlines"), .array([.string("x"), .integer(1)])]),
            RecordObject(keys: ["species"], values: [.timestamp(microsecondsSinceEpoch: 86_400_000_000)]),
        ]
        let dataset = try TabularDataset.fromRecords(rows, recordNumbers: [1, 2, 3], name: "iris", path: "iris.jsonl", truncated: false)
        #expect(dataset.featureNames == ["sepal", "species", "note", "tags"])
        #expect(dataset.lines[1] == "5.1,Iris-setosa,,")
        #expect(dataset.lines[2] == "4,\"a, \"\"quoted\"\" one\",\"two\nlines\",\"[\"\"x\"\",1]\"")
        #expect(dataset.fields[3] == ["", "1970-01-02T00:00:00Z", "", ""])
        // The CSV reader reads the written lines back to the same cells: the lines are valid CSV.
        let reparsed = try CSVParser.records(in: dataset.lines.joined(separator: "\n"), path: "x.csv")
        #expect(reparsed.map(\.fields) == dataset.fields)
        #expect(throws: TabularError.noRows(path: "e.jsonl")) { try TabularDataset.fromRecords([], recordNumbers: [], name: "e", path: "e.jsonl", truncated: false) }
    }
}

@Suite struct TabularJSONTablesTests {
    /// The same table as CSV, as JSON Lines and as a JSON array (written by Python's json module from the CSV)
    /// gives the same cells.
    @Test func jsonTablesReadLikeTheirCSV() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let csvPath = "\(repositoryRoot)/corpora/tabular/iris.csv"
        let script = """
        import csv, json, sys
        rows = list(csv.DictReader(open(sys.argv[1], newline='')))
        def typed(v):
            try: return float(v) if '.' in v else int(v)
            except ValueError: return v
        with open(sys.argv[2], 'w') as f:
            for r in rows: f.write(json.dumps({k: typed(v) for k, v in r.items()}) + '\\n')
        json.dump([{k: typed(v) for k, v in r.items()} for r in rows], open(sys.argv[3], 'w'), indent=2)
        """
        try ExternalTools.runPython(script, [csvPath, dir.file("iris.jsonl"), dir.file("iris.json")])
        let csv = try TabularDataset.load(path: csvPath)
        for path in [dir.file("iris.jsonl"), dir.file("iris.json")] {
            let table = try TabularDataset.load(path: path)
            #expect(table.name == "iris")
            #expect(table.featureNames == csv.featureNames)
            #expect(table.fields == csv.fields, "\(path)")
        }
        let notObjects = dir.write("bad.jsonl", "{\"a\": 1}\n[1, 2]\n")
        #expect(throws: TabularError.unreadable(path: notObjects, reason: "line 2 is an array, not an object of column values")) {
            try TabularDataset.load(path: notObjects)
        }
    }
}
