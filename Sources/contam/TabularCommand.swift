import Foundation
import ContamCommandLine

/// `contam tabular test|scan|prompts|score|exposure`: memorization tests of tabular datasets against a model
/// (after Bordt et al. 2024), batch scans, offline prompts/answers, and corpus-side exposure. The first argument
/// picks the sub-command; each has its own spec, options and `--help`.
enum TabularCommand: NestedSubcommand {
    /// The sub-commands, each with its spec and implementation.
    static let commands: [(spec: CommandSpec, run: @Sendable (ParsedArguments) async throws -> Int32)] = [
        (TabularModelCommands.testSpec, TabularModelCommands.test),
        (TabularModelCommands.scanSpec, TabularModelCommands.scan),
        (TabularModelCommands.promptsSpec, TabularModelCommands.prompts),
        (TabularModelCommands.scoreSpec, TabularModelCommands.score),
    ] + TabularExposureCommand.commands

    static let overview = "Test whether a model memorized tabular datasets (CSV), or whether a corpus contains them."

    /// The spec of `contam tabular` itself (its overview in `contam --help`; usage errors point at it).
    static let spec = CommandSpec(name: "contam tabular", overview: overview,
                                  arguments: [.init("subcommand", help: "test, scan, prompts, score or exposure."),
                                              .init("arguments", help: "The sub-command's arguments and options.", variadic: true, optional: true)])

    /// The help of `contam tabular` itself: the list of sub-commands.
    static var help: String {
        var lines = ["OVERVIEW: \(overview)", "",
                     "Memorization tests after Bordt et al. 2024 (\"Elephants Never Forget\"): header, row, feature and",
                     "first-token completion and feature names, each with a baseline, a p-value and a verdict. Any",
                     "OpenAI-compatible endpoint works (OpenAI, vLLM, llama.cpp server, Ollama).", "",
                     "USAGE: contam tabular <subcommand> [<arguments>] [<options>]", "", "SUBCOMMANDS:"]
        for command in commands {
            lines.append(CommandSpec.row(String(command.spec.name.split(separator: " ").last ?? ""), command.spec.overview))
        }
        lines += ["", "  See 'contam tabular <subcommand> --help' for the options and examples of each.", ""]
        return lines.joined(separator: "\n")
    }

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        try await main(arguments.positionals)
    }

    /// Dispatches a `contam tabular …` command line (without `contam tabular`).
    static func main(_ arguments: [String]) async throws -> Int32 {
        guard let name = arguments.first else {
            Console.out(help)
            return 2
        }
        if name == "--help" || name == "-h" {
            Console.out(help)
            return 0
        }
        if name == "help" {
            if let sub = arguments.dropFirst().first, let command = commands.first(where: { $0.spec.name == "contam tabular \(sub)" }) {
                Console.out(command.spec.help)
            } else {
                Console.out(help)
            }
            return 0
        }
        guard let command = commands.first(where: { $0.spec.name == "contam tabular \(name)" }) else {
            throw UsageError("unknown tabular subcommand '\(name)'; use one of: \(commands.map { String($0.spec.name.split(separator: " ").last ?? "") }.joined(separator: ", "))", spec: spec)
        }
        let parsed = try ArgumentParser.parse(Array(arguments.dropFirst()), spec: command.spec)
        if parsed.wantsHelp {
            Console.out(command.spec.help)
            return 0
        }
        return try await command.run(parsed)
    }
}
