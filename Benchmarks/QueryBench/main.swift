// contam-bench: in-process query latency of an index (warm), for Benchmarks/index-bench.py.
//   contam-bench count INDEX [--queries N] [--lengths 1,5,20] [--seed S] [--phrases-out FILE]
//   contam-bench parquet-text FILE... [--column text] [--repeat N]   (ParquetTextBench.swift, for Benchmarks/parquet-bench.py)
//   contam-bench tokenize FILE [--repeat K]   tokenizer throughput per normalization (Benchmarks/textnorm-bench.py)
//   contam-bench phrases INDEX FILE [--repeat R] [--limit 10]   count and locate times per phrase (PhraseBench.swift, for Benchmarks/infinigram-bench.py)
// Samples phrases of each length from the indexed corpus itself (random token positions, never across a
// document boundary), runs every count once to warm the page cache, then times each count again and prints
// the median and p99 latency in microseconds per phrase length, one JSON object per length.
//
//   contam-bench matching INDEX ITEMS.jsonl [--repeat R]   check's matching statistics, guided and not (MatchingBench.swift)
//
//   contam-bench decompress FILE [--stdout]
// Decompresses FILE through DecompressingByteSource (by content: gzip, bzip2, xz, zstd, or plain) with 1 MiB
// reads and prints one JSON object: format, compressed and decompressed bytes, seconds, MB/s; with --stdout it
// writes the bytes to standard output instead (for comparing with zcat), and the JSON goes to stderr.
// For Benchmarks/codec-bench.sh.
import Foundation
import ContamStorage
import ContamText
import ContamIndex

/// `contam-bench tokenize FILE [--repeat K]`: hashes every token of FILE (as `contam index` does) with each
/// tokenizer configuration in turn, K rounds, and prints each one's median MB/s. The configurations alternate
/// within a round, so load on the machine shifts them alike.
func tokenizeBenchmark(_ args: [String]) -> Never {
    guard let path = args.first, let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("usage: contam-bench tokenize FILE [--repeat K]\n".utf8))
        exit(2)
    }
    let repeats = args.count >= 3 && args[1] == "--repeat" ? Int(args[2]) ?? 5 : 5
    let configurations: [(String, TokenizerOptions)] = [
        ("default (typography folded)", TokenizerOptions()),
        ("--no-fold-typography", TokenizerOptions(foldTypography: false)),
        ("--normalize lmeval", .lmeval),
        ("--strip-markup", TokenizerOptions(stripMarkup: true)),
    ]
    var seconds = Array(repeating: [Double](), count: configurations.count)
    var checksum: UInt64 = 0
    for _ in 0..<repeats {
        for (k, (_, options)) in configurations.enumerated() {
            let tokenizer = Tokenizer(options: options)
            let start = DispatchTime.now().uptimeNanoseconds
            data.withUnsafeBytes { text in
                tokenizer.forEachTokenHash(in: text) { hash, _ in checksum &+= hash }
            }
            seconds[k].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
    for (k, (name, _)) in configurations.enumerated() {
        let sorted = seconds[k].sorted()
        let median = sorted[sorted.count / 2]
        print("{\"tokenizer\": \"\(name)\", \"median_mb_s\": \(String(format: "%.1f", Double(data.count) / 1e6 / median)), \"best_mb_s\": \(String(format: "%.1f", Double(data.count) / 1e6 / sorted[0]))}")
    }
    FileHandle.standardError.write(Data("checksum \(checksum)\n".utf8))
    exit(0)
}

if CommandLine.arguments.count >= 2 && CommandLine.arguments[1] == "tokenize" {
    tokenizeBenchmark(Array(CommandLine.arguments.dropFirst(2)))
}

struct Options {
    var index = ""
    var queries = 5000
    var lengths = [1, 5, 20]
    var seed: UInt64 = 1
    var phrasesOut: String?
}


func parse() -> Options? {
    var args = Array(CommandLine.arguments.dropFirst())
    guard args.first == "count", args.count >= 2 else { return nil }
    var options = Options()
    options.index = args[1]
    args.removeFirst(2)
    while !args.isEmpty {
        let flag = args.removeFirst()
        guard let value = args.first else { return nil }
        args.removeFirst()
        switch flag {
        case "--queries": options.queries = Int(value) ?? options.queries
        case "--lengths": options.lengths = value.split(separator: ",").compactMap { Int($0) }
        case "--seed": options.seed = UInt64(value) ?? 1
        case "--phrases-out": options.phrasesOut = value
        default: return nil
        }
    }
    return options
}

/// `contam-bench decompress FILE [--stdout]`; returns the exit status.
func decompress(_ arguments: [String]) -> Int32 {
    guard let path = arguments.first, arguments.count <= 2, arguments.count == 1 || arguments[1] == "--stdout" else {
        FileHandle.standardError.write(Data("usage: contam-bench decompress FILE [--stdout]\n".utf8))
        return 2
    }
    let toStdout = arguments.count == 2
    do {
        let start = DispatchTime.now().uptimeNanoseconds
        let opened = try DecompressingByteSource.open(try FileByteSource(path: path), path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let got = try opened.source.read(into: buffer)
            if got == 0 { break }
            total += got
            if toStdout {
                var written = 0
                while written < got {
                    let n = write(STDOUT_FILENO, buffer.baseAddress! + written, got - written)
                    guard n > 0 else { return 1 }
                    written += n
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let compressed = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let line = "{\"file\": \"\(path)\", \"format\": \"\(opened.format?.rawValue ?? "plain")\", \"compressed_bytes\": \(compressed), \"bytes\": \(total), \"seconds\": \(String(format: "%.3f", seconds)), \"mb_per_s\": \(String(format: "%.1f", Double(total) / seconds / 1e6))}\n"
        if toStdout { FileHandle.standardError.write(Data(line.utf8)) } else { print(line, terminator: "") }
        return 0
    } catch {
        FileHandle.standardError.write(Data("contam-bench: \(error)\n".utf8))
        return 1
    }
}

if CommandLine.arguments.dropFirst().first == "decompress" {
    exit(decompress(Array(CommandLine.arguments.dropFirst(2))))
}
if runParquetTextBench(Array(CommandLine.arguments.dropFirst())) { exit(0) }
if runPhraseBench(Array(CommandLine.arguments.dropFirst())) { exit(0) }
if runMatchingBench(Array(CommandLine.arguments.dropFirst())) { exit(0) }

guard let options = parse() else {
    FileHandle.standardError.write(Data("usage: contam-bench count INDEX [--queries N] [--lengths 1,5,20] [--seed S] [--phrases-out FILE]\n       contam-bench decompress FILE [--stdout]\n".utf8))
    exit(2)
}
do {
    let index = try Index.open(path: options.index)
    var rng = SplitMix64(state: options.seed)
    var phraseLines: [String] = []
    for length in options.lengths {
        // Sample phrases from the corpus: shard chosen by size, position uniform, no separator inside.
        var phrases: [[String]] = []
        var attempts = 0
        while phrases.count < options.queries && attempts < options.queries * 100 {
            attempts += 1
            let shard = index.shards[Int.random(in: 0..<index.shards.count, using: &rng)]
            let tokens = shard.suffixArray.tokens
            guard tokens.count > length else { continue }
            let start = Int.random(in: 0..<(tokens.count - length), using: &rng)
            let ids = (start..<(start + length)).map { UInt32(tokens[$0]) }
            if ids.contains(0) { continue }
            phrases.append(ids.map { shard.vocabulary.token($0) })
        }
        for phrase in phrases.prefix(50) { phraseLines.append("\(length)\t" + phrase.joined(separator: " ")) }
        var total = 0
        for phrase in phrases { total &+= index.count(of: phrase[...]) }  // warm-up pass
        var latencies: [Double] = []
        latencies.reserveCapacity(phrases.count)
        for phrase in phrases {
            let start = DispatchTime.now().uptimeNanoseconds
            total &+= index.count(of: phrase[...])
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        latencies.sort()
        let median = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        print("{\"tokens\": \(length), \"queries\": \(latencies.count), \"median_us\": \(String(format: "%.2f", median)), \"p99_us\": \(String(format: "%.2f", p99)), \"checksum\": \(total)}")
    }
    if let out = options.phrasesOut {
        try (phraseLines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
} catch {
    FileHandle.standardError.write(Data("contam-bench: \(error)\n".utf8))
    exit(2)
}
