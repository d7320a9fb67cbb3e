// contam-bench matching INDEX ITEMS.jsonl [--repeat R] [--field text] [--spacing S] [--depth D]
// The matching statistics `contam check` computes for every item (`SuffixArray.matchingLengths`), in-process on one
// thread, unguided and through each shard's `SuffixArrayGuide`, alternating R rounds so load on the machine shifts
// both alike; also the time to build the guides. Every round checks that both give the same lengths. Prints one
// JSON object: items, tokens, the guides' build time and bytes, and the median seconds and µs per item of each.
// For Benchmarks/check-bench.py.
import Foundation
import ContamIndex
import ContamText

/// Runs the `matching` subcommand when it is the first argument; returns false otherwise.
func runMatchingBench(_ arguments: [String]) -> Bool {
    guard arguments.first == "matching" else { return false }
    var positional: [String] = []
    var repetitions = 5
    var field = "text"
    var spacing = SuffixArrayGuide.defaultSpacing
    var depth = SuffixArrayGuide.defaultDepth
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
        switch argument {
        case "--repeat": repetitions = rest.popFirst().flatMap { Int($0) } ?? repetitions
        case "--field": field = rest.popFirst() ?? field
        case "--spacing": spacing = max(1, rest.popFirst().flatMap { Int($0) } ?? spacing)
        case "--depth": depth = max(1, rest.popFirst().flatMap { Int($0) } ?? depth)
        default: positional.append(argument)
        }
    }
    guard positional.count == 2, let data = FileManager.default.contents(atPath: positional[1]) else {
        FileHandle.standardError.write(Data("usage: contam-bench matching INDEX ITEMS.jsonl [--repeat R] [--field text] [--spacing S] [--depth D]\n".utf8))
        exit(2)
    }
    do {
        let index = try Index.open(path: positional[0])
        let tokenizer = Tokenizer(options: index.tokenizerOptions)
        var items: [[String]] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let text = object[field] as? String else { continue }
            items.append(tokenizer.tokens(in: Array(text.utf8)).map(\.text))
        }
        let ids = items.map { tokens in index.shards.map { $0.ids(of: tokens) } }
        let buildStart = DispatchTime.now().uptimeNanoseconds
        let guides = index.shards.map { SuffixArrayGuide($0.suffixArray, alphabet: $0.vocabulary.count + 1, spacing: spacing, depth: depth) }
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9

        func run(guided: Bool) -> (seconds: Double, lengths: [[Int]]) {
            let start = DispatchTime.now().uptimeNanoseconds
            var all: [[Int]] = []
            all.reserveCapacity(ids.count * index.shards.count)
            for itemIDs in ids {
                for (s, shard) in index.shards.enumerated() {
                    if guided, let guide = guides[s] {
                        all.append(shard.suffixArray.matchingLengths(of: itemIDs[s], guide: guide))
                    } else {
                        all.append(shard.suffixArray.matchingLengths(of: itemIDs[s]))
                    }
                }
            }
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, all)
        }
        var unguided: [Double] = [], guided: [Double] = []
        for _ in 0..<max(repetitions, 1) {
            let plain = run(guided: false), fast = run(guided: true)
            guard plain.lengths == fast.lengths else {
                FileHandle.standardError.write(Data("contam-bench: guided and unguided matching lengths differ\n".utf8))
                exit(1)
            }
            unguided.append(plain.seconds)
            guided.append(fast.seconds)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let n = Double(max(items.count, 1))
        let bytes = guides.reduce(0) { $0 + ($1?.byteCount ?? 0) }
        print("{\"spacing\": \(spacing), \"depth\": \(depth), \"items\": \(items.count), \"tokens\": \(items.reduce(0) { $0 + $1.count }), \"shards\": \(index.shards.count), "
              + "\"guide_build_s\": \(String(format: "%.4f", buildSeconds)), \"guide_bytes\": \(bytes), "
              + "\"unguided_s\": \(String(format: "%.4f", median(unguided))), \"guided_s\": \(String(format: "%.4f", median(guided))), "
              + "\"unguided_us_per_item\": \(String(format: "%.1f", median(unguided) / n * 1e6)), \"guided_us_per_item\": \(String(format: "%.1f", median(guided) / n * 1e6))}")
        return true
    } catch {
        FileHandle.standardError.write(Data("contam-bench: \(error)\n".utf8))
        exit(1)
    }
}
