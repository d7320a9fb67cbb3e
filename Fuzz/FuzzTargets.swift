import Foundation
import ContamStorage

/// What a fuzz target does with one input: feeds it to the code under test. It must return normally for every
/// input: a thrown error is an answer, a trap (or a sanitizer report) is a bug in the library.
typealias FuzzTarget = @Sendable (UnsafeRawBufferPointer) -> Void

/// The registry of fuzz targets: CONTAM_FUZZ_TARGET picks one by name, scripts/fuzz.sh runs each with its seeds
/// from Fuzz/corpus/<name>/. Adding a target is one entry here and a seed folder (Fuzz/README.md).
enum FuzzTargets {
    static let all: [String: FuzzTarget] = [
        "jsonl": { JSONLineTarget.run($0) },
        "csv": { CSVTarget.run($0) },
        "zstd": DecompressorTarget.make { ZstdStreamReader($0, path: "fuzz.zst") },
        "gzip": DecompressorTarget.make { GzipStreamReader($0, path: "fuzz.gz") },
        "bzip2": DecompressorTarget.make { Bzip2StreamReader($0, path: "fuzz.bz2") },
        "xz": DecompressorTarget.make { XzStreamReader($0, path: "fuzz.xz") },
        "json": { JSONValueTarget.run($0) },
        "parquet": { ParquetTarget.run($0) },
        "index": { IndexTarget.run($0) },
        "http": { HTTPResponseTarget.run($0) },
        "http-request": { HTTPRequestTarget.run($0) },
    ]

    /// Writes `text` to standard error (the global `stderr` is not concurrency-safe in Swift 6).
    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            written += n
        }
        bytes.removeAll()
    }

    /// A finding that is not a trap in the library: two ways of reading the same input disagree. Traps, so
    /// libFuzzer keeps the input.
    static func mismatch(_ what: String) -> Never {
        writeError("contam-fuzz: \(what)\n")
        fatalError(what)
    }
}
