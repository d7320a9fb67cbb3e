// contam-bench parquet-text FILE... [--column text] [--repeat N]
// Reads one string column of Parquet files with ParquetFile.forEachString (mmap, decompress, decode, a Swift String
// per row) and prints, per repetition, one JSON object: rows, text bytes, seconds. For Benchmarks/parquet-bench.py.
import Foundation
import ContamCorpus

/// Runs the `parquet-text` subcommand when it is the first argument; returns false otherwise.
func runParquetTextBench(_ arguments: [String]) -> Bool {
    guard arguments.first == "parquet-text" else { return false }
    var files: [String] = []
    var column = "text"
    var repetitions = 1
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
        switch argument {
        case "--column": column = rest.popFirst() ?? column
        case "--repeat": repetitions = rest.popFirst().flatMap { Int($0) } ?? repetitions
        default: files.append(argument)
        }
    }
    guard !files.isEmpty else {
        FileHandle.standardError.write(Data("usage: contam-bench parquet-text FILE... [--column text] [--repeat N]\n".utf8))
        exit(2)
    }
    do {
        for _ in 0 ..< max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            var rows = 0, textBytes = 0
            for path in files {
                try ParquetFile(path: path).forEachString(column: column) { text, _ in
                    rows += 1
                    textBytes += text?.utf8.count ?? 0
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("{\"rows\": \(rows), \"text_bytes\": \(textBytes), \"seconds\": \(String(format: "%.4f", seconds))}")
        }
    } catch {
        FileHandle.standardError.write(Data("contam-bench: \(error)\n".utf8))
        exit(2)
    }
    return true
}
