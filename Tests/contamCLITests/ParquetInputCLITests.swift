import Foundation
import Testing
import ContamTestSupport

/// Parquet through every command, files written by pyarrow: the same corpus as JSONL and as Parquet indexes to the
/// same tokens; Parquet items check like their JSONL; a Parquet table tests like its CSV.
@Suite struct ParquetInputCLITests {
    /// Writes `corpora/python-tutorial.jsonl.zst` as JSONL and as Parquet (two row groups, zstd), and a Hugging
    /// Face style dataset directory with a train and a test split.
    func fixtures(_ dir: TestDirectory) throws -> (jsonl: String, parquet: String, dataset: String) {
        let jsonl = dir.file("tutorial.jsonl")
        let decompressed = try ExternalTools.run("zstd", ["-dc", "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst"])
        try decompressed.stdout.write(to: URL(fileURLWithPath: jsonl))
        let script = """
        import json, os, sys, pyarrow as pa, pyarrow.parquet as pq
        rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
        table = pa.Table.from_pylist(rows)
        pq.write_table(table, sys.argv[2], compression='zstd', row_group_size=max(1, len(rows) // 2))
        os.makedirs(os.path.join(sys.argv[3], 'data'))
        half = len(rows) // 2
        pq.write_table(pa.Table.from_pylist(rows[:half]), os.path.join(sys.argv[3], 'data', 'train-00000-of-00001.parquet'))
        pq.write_table(pa.Table.from_pylist(rows[half:]), os.path.join(sys.argv[3], 'data', 'test-00000-of-00001.parquet'))
        """
        try ExternalTools.runPython(script, [jsonl, dir.file("tutorial.parquet"), dir.file("dataset")])
        return (jsonl, dir.file("tutorial.parquet"), dir.file("dataset"))
    }

    @Test func parquetIndexesToTheSameTokensAsItsJSONL() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (jsonl, parquet, dataset) = try fixtures(dir)
        for (input, name) in [(jsonl, "j.idx"), (parquet, "p.idx")] {
            let result = try CLI.run(["index", input, "-o", dir.file(name), "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("j.idx/shard-0000/tokens.bin")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("p.idx/shard-0000/tokens.bin")))
        // The headers differ by the build's random id; the token payloads are the same.
        #expect(a.count == b.count && a.dropFirst(64) == b.dropFirst(64))
        let count = try CLI.run(["query", dir.file("p.idx"), "count", "the python tutorial"])
        let countJSONL = try CLI.run(["query", dir.file("j.idx"), "count", "the python tutorial"])
        #expect(count.stdout == countJSONL.stdout && !count.stdout.isEmpty)
        // One split of a dataset directory, and errors that name the file and the columns.
        let train = try CLI.run(["index", dataset, "--split", "train", "-o", dir.file("t.idx"), "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let noSplit = try CLI.run(["index", dataset, "--split", "validation", "-o", dir.file("v.idx"), "--quiet"])
        #expect(noSplit.status == 2 && noSplit.stderr.contains("train") && noSplit.stderr.contains("test"), "\(noSplit.stderr)")
        let column = try CLI.run(["index", parquet, "--field", "body", "-o", dir.file("c.idx"), "--quiet"])
        #expect(column.status == 2 && column.stderr.contains("tutorial.parquet") && column.stderr.contains("\"body\"") && column.stderr.contains("text"), "\(column.stderr)")
        let damaged = dir.write("damaged.parquet", bytes: Array("PAR1 this is not really parquet PAR1".utf8))
        let bad = try CLI.run(["index", damaged, "-o", dir.file("d.idx"), "--quiet"])
        #expect(bad.status == 2 && bad.stderr.contains("damaged.parquet"), "\(bad.stderr)")
    }

    @Test func parquetItemsCheckLikeTheirJSONL() throws {
        let index = try SampleIndexes.full()
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (jsonl, parquet, _) = try fixtures(dir)
        let fromJSONL = try CLI.run(["check", index, jsonl, "--method", "near,gpt3", "--json"])
        let fromParquet = try CLI.run(["check", index, parquet, "--method", "near,gpt3", "--json"])
        #expect(fromParquet.status == fromJSONL.status, "\(fromParquet.stderr)")
        func verdicts(_ output: String) -> [String] {
            output.split(separator: "\n").map { line in String(line.split(separator: ",").first { $0.hasPrefix("\"methods\"") } ?? "") }
        }
        #expect(verdicts(fromParquet.stdout) == verdicts(fromJSONL.stdout) && !fromParquet.stdout.isEmpty)
        let clean = try CLI.run(["check", index, parquet, "--write-clean", dir.file("clean.parquet")])
        #expect(clean.status == 2 && clean.stderr.contains("Parquet"), "\(clean.stderr)")
    }

    @Test func aParquetTableTestsLikeItsCSV() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let csv = "\(repositoryRoot)/corpora/tabular/iris.csv"
        // Columns as strings, as the CSV writes them: pyarrow's doubles would print 4.0 where the CSV has 4 (as pandas does).
        let script = """
        import pyarrow as pa, pyarrow.csv as c, pyarrow.parquet as pq, sys
        names = c.read_csv(sys.argv[1]).column_names
        pq.write_table(c.read_csv(sys.argv[1], convert_options=c.ConvertOptions(column_types={n: pa.string() for n in names})), sys.argv[2])
        """
        try ExternalTools.runPython(script, [csv, dir.file("iris.parquet")])
        let fromCSV = try CLI.run(["tabular", "prompts", csv, "--tests", "row", "--queries", "3", "--model", "m", "-o", dir.file("csv.jsonl")])
        let fromParquet = try CLI.run(["tabular", "prompts", dir.file("iris.parquet"), "--tests", "row", "--queries", "3", "--model", "m", "-o", dir.file("parquet.jsonl")])
        #expect(fromCSV.status == 0 && fromParquet.status == 0, "\(fromParquet.stderr)")
        let a = try String(contentsOfFile: dir.file("csv.jsonl"), encoding: .utf8)
        let b = try String(contentsOfFile: dir.file("parquet.jsonl"), encoding: .utf8)
        #expect(a == b, "the prompts of the Parquet table differ from the CSV's")
    }
}
