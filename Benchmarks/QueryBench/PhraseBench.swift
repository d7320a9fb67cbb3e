// contam-bench phrases INDEX FILE [--repeat R] [--limit 10] [--context 80] [--no-locate] [--cold]
// Times `PhraseQuery.count` and `PhraseQuery.locate` (with the text of `--limit` hits) in-process, after opening
// the index once, for each phrase of FILE (one phrase a line, as a JSON string: the same byte spans the baseline is
// asked). Every phrase is run once to warm the page cache, then R times; prints one JSON object a phrase: its
// line number, count, token count, the median count and locate times in microseconds over the R runs, and the
// bytes of passage text shown. `--cold` empties the stores' frame caches before every locate (each is then
// timed as the first query of its phrase). For Benchmarks/infinigram-bench.py.
import Foundation
import ContamIndex

/// Runs the `phrases` subcommand when it is the first argument; returns false otherwise.
func runPhraseBench(_ arguments: [String]) -> Bool {
    guard arguments.first == "phrases" else { return false }
    var positional: [String] = []
    var repetitions = 5
    var limit = PhraseQuery.defaultLimit
    var context = PhraseQuery.defaultContextBytes
    var locate = true
    var cold = false
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
        switch argument {
        case "--repeat": repetitions = rest.popFirst().flatMap { Int($0) } ?? repetitions
        case "--limit": limit = rest.popFirst().flatMap { Int($0) } ?? limit
        case "--context": context = rest.popFirst().flatMap { Int($0) } ?? context
        case "--no-locate": locate = false
        case "--cold": cold = true
        default: positional.append(argument)
        }
    }
    guard positional.count == 2, let data = FileManager.default.contents(atPath: positional[1]) else {
        FileHandle.standardError.write(Data("usage: contam-bench phrases INDEX FILE [--repeat R] [--limit 10] [--context 80] [--no-locate] [--cold]\n".utf8))
        exit(2)
    }
    // One JSON string a line (a phrase may hold newlines and tabs).
    let decoder = JSONDecoder()
    let phrases = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { (try? decoder.decode(String.self, from: Data($0))) ?? "" }
    do {
        let index = try Index.open(path: positional[0])
        let query = PhraseQuery(index: index)
        func micros(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
        }
        var output = ""
        for (line, phrase) in phrases.enumerated() where !phrase.isEmpty {
            var counted = query.count(phrase)
            var shownBytes = 0
            if locate { shownBytes = try query.locate(phrase, limit: limit, contextBytes: context).occurrences.reduce(0) { $0 + (($1.passage.map { $0.before.utf8.count + $0.match.utf8.count + $0.after.utf8.count }) ?? 0) } }
            var countTimes: [Double] = [], locateTimes: [Double] = []
            for _ in 0..<max(1, repetitions) {
                countTimes.append(micros { counted = query.count(phrase) })
                if locate {
                    // --cold: every locate decompresses its frames again, as the first query of a phrase does.
                    if cold { for shard in index.shards { shard.store.dropCachedFrames() } }
                    locateTimes.append(try micros { _ = try query.locate(phrase, limit: limit, contextBytes: context) })
                }
            }
            func median(_ values: [Double]) -> String {
                guard !values.isEmpty else { return "null" }
                return String(format: "%.2f", values.sorted()[values.count / 2])
            }
            output += "{\"line\": \(line), \"count\": \(counted.count), \"tokens\": \(counted.tokens), \"count_us\": \(median(countTimes)), \"locate_us\": \(median(locateTimes)), \"shown_bytes\": \(shownBytes)}\n"
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    } catch {
        FileHandle.standardError.write(Data("contam-bench: \(error)\n".utf8))
        exit(2)
    }
    return true
}
