import Foundation
import ContamStorage
import ContamIndex
import ContamApps
import ContamCommandLine

/// `contam query INDEX count|locate|longest TEXT`: explore an index.
enum QueryCommand: Subcommand {
    // MARK: Options

    static let limit = Option.integer("--limit", value: "n", default: PhraseQuery.defaultLimit, range: 1...1_000_000, help: "locate: show at most n occurrences (default {default}).")
    static let context = Option.integer("--context", value: "bytes", default: PhraseQuery.defaultContextBytes, range: 0...100_000,
                                        help: "Bytes of original text shown on each side of a match (default {default}).")
    static let json = Option.flag("--json", help: "Print JSON (count: an object with a \"count\" field).")
    static let server = Option.string("--server", value: "url",
                                      help: "Ask a 'contam serve' at url instead of opening an index; the index argument is then the served index's name. Same output.")
    static let tokenEnv = Option.string("--token-env", value: "name", help: "With --server: send the bearer token held in environment variable name.")

    static let spec = CommandSpec(
        name: "contam query",
        overview: "Count, locate, or find the longest corpus match of a phrase; or test n-gram membership in the sketch.",
        arguments: [
            .init("index", help: "Index directory built by 'contam index'."),
            .init("mode", help: "count: occurrences of the phrase; locate: where it occurs, in the original text; longest: the longest span of the text found in the corpus; has: whether the phrase's n-gram(s) are in the n-gram sketch (probabilistic: false positives at the sketch's rate, never false negatives)."),
            .init("text", help: "The phrase or text (tokenized with the index's own options)."),
        ],
        options: [limit, context, json, server, tokenEnv],
        examples: [
            "contam query /tmp/licenses.idx count \"the GNU General Public License\"",
            "contam query /tmp/licenses.idx locate \"free software foundation\" --limit 3",
            "contam query /tmp/licenses.idx has \"you may convey verbatim copies of the program's source code as you receive it\"",
            "contam query /tmp/licenses.idx longest \"you may convey verbatim copies of the program's source code\"",
            "contam query licenses count \"free software\" --server http://localhost:8080",
        ],
        discussion: "Exit codes: 0 answered (has: every n-gram present), 1 has: some n-gram absent, 2 bad index or usage, 3 internal error.")

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let (path, mode, text) = (arguments.positionals[0], arguments.positionals[1], arguments.positionals[2])
        guard ["count", "locate", "longest", "has"].contains(mode) else {
            throw arguments.error("mode must be count, locate or longest, or has (sketch membership), not '\(mode)'")
        }
        let limit = try arguments[Self.limit]
        let context = try arguments[Self.context]
        let json = try arguments[Self.json]
        let client = try serveClient(arguments)
        let opened = client == nil ? try OpenedIndex.open(path: path) : nil
        /// The answer of `endpoint` from the server, or `local()` from the index.
        func answer<T: Decodable>(_ endpoint: String, _ fields: [String: Any] = [:], as type: T.Type, local: () throws -> T) throws -> T {
            guard let client else { return try local() }
            return try client.post(endpoint, fields.merging(["index": path, "query": text]) { $1 }, as: type)
        }
        if mode == "has" {
            let answer = try answer("/v1/has", as: QueryAnswer.Has.self) { try QueryAnswer.has(text, index: opened!.sketched) }
            let (answers, present) = (answer.ngrams, answer.present)
            if json {
                Console.line(JSONOutput.line(answer))
            } else if answers.count == 1 {
                Console.line(present ? "present (probably: the sketch has false positives, never false negatives)" : "absent")
            } else {
                let found = answers.filter(\.present).count
                Console.line("\(found) of \(answers.count) \(answers[0].n)-grams present\(present ? "" : "; first absent: \"\(answers.first { !$0.present }?.text ?? "")\"")")
            }
            return present ? ExitCode.ok : ExitCode.found
        }
        let query = try opened.map { PhraseQuery(index: try $0.requireFull(for: mode)) }
        let color = Console.stdoutIsTerminal
        if let query, let problem = QueryAnswer.noTokenProblem(text, query: query) { throw arguments.error(problem) }
        switch mode {
        case "count":
            let answer = try answer("/v1/count", as: QueryAnswer.Count.self) { QueryAnswer.count(text, query: query!) }
            Console.line(json ? JSONOutput.line(answer) : "\(answer.count)")
        case "locate":
            let answer = try answer("/v1/locate", ["limit": limit, "context": context], as: QueryAnswer.Locate.self) {
                try QueryAnswer.locate(text, query: query!, limit: limit, contextBytes: context)
            }
            let (count, occurrences, tokens) = (answer.count, answer.occurrences, answer.tokens)
            if json {
                Console.line(JSONOutput.line(answer))
            } else {
                Console.line("\(count) occurrence\(count == 1 ? "" : "s") of \(tokens) token\(tokens == 1 ? "" : "s")\(count > occurrences.count ? " (showing \(occurrences.count))" : "")")
                for (i, occurrence) in occurrences.enumerated() {
                    Console.line(describe(occurrence, number: i + 1))
                    if let passage = occurrence.passage { Console.line("    " + passage.rendered(color: color)) }
                }
            }
        default:
            let answer = try answer("/v1/longest", ["context": context], as: PhraseQuery.Longest.self) { try query!.longest(text, contextBytes: context) }
            if json {
                Console.line(JSONOutput.line(answer))
            } else if answer.matchTokens == 0 {
                Console.line("no token of the text occurs in the corpus")
            } else {
                Console.line("longest match: \(answer.matchTokens) of \(answer.queryTokens) tokens (from token \(answer.startToken)), \(answer.count) occurrence\(answer.count == 1 ? "" : "s")")
                Console.line("    \"\(answer.text)\"")
                if let example = answer.example {
                    Console.line(describe(example, number: 1))
                    if let passage = example.passage { Console.line("    " + passage.rendered(color: color)) }
                }
            }
        }
        return ExitCode.ok
    }

    /// The client of `--server`, nil without it (for `check` too, with its own declarations of the two options).
    static func serveClient(_ arguments: ParsedArguments, server: Option<String?> = server, tokenEnv: Option<String?> = tokenEnv) throws -> ServeClient? {
        guard let url = try arguments[server] else {
            if try arguments[tokenEnv] != nil { throw arguments.error("--token-env goes with --server") }
            return nil
        }
        return try ServeClient(url: url, token: try ServeCommand.token(fromVariable: try arguments[tokenEnv], arguments: arguments))
    }

    static func describe(_ occurrence: PhraseQuery.Located, number: Int) -> String {
        let place = "\(occurrence.source):\(occurrence.record)"
        let label = occurrence.documentID.map { "\($0) (\(place))" } ?? place
        return "[\(number)] \(label), token \(occurrence.tokenOffset)"
    }
}
