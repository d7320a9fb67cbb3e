import Foundation
import ContamStorage
import ContamCommandLine

/// Exit codes, documented in `contam --help`.
enum ExitCode {
    static let ok: Int32 = 0
    static let found: Int32 = 1
    static let usageOrInput: Int32 = 2
    static let internalError: Int32 = 3
}

let subcommands: [any Subcommand.Type] = [
    IndexCommand.self, QueryCommand.self, StatsCommand.self, VerifyCommand.self, MergeCommand.self,
    CheckCommand.self, ServeCommand.self,
    TabularCommand.self, ProbeCommand.self,
]

let topLevelHelp = """
OVERVIEW: contam — data-contamination and dataset-exposure checker.

Builds a suffix-array index of a training corpus, then tells whether benchmark items or model generations
overlap it (verbatim and near-verbatim), and whether models memorized tabular datasets.

USAGE: contam <subcommand> [<arguments>] [<options>]

SUBCOMMANDS:
\(subcommands.map { CommandSpec.row(String($0.spec.name.split(separator: " ").last!), $0.spec.overview) }.joined(separator: "\n"))

  See 'contam <subcommand> --help' for the options and examples of each.

EXIT CODES:
  0  success; nothing found past the --fail-on threshold
  1  contamination (or memorization) found past the --fail-on threshold
  2  usage error or bad input (the message names the file and record)
  3  internal error

"""

/// Runs one subcommand and maps every error to its exit code and message.
@MainActor func runMain() async -> Int32 {
    Console.installPipeHandling()
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let name = arguments.first, !["--help", "-h", "help"].contains(name) else {
        Console.out(topLevelHelp)
        return arguments.isEmpty ? ExitCode.usageOrInput : ExitCode.ok
    }
    if name == "--version" {
        Console.line("contam \(ContamVersion.string)")
        return ExitCode.ok
    }
    guard let command = subcommands.first(where: { $0.spec.name == "contam \(name)" }) else {
        Console.err("contam: error: unknown subcommand '\(name)'\n  See 'contam --help' for the list of subcommands.\n")
        return ExitCode.usageOrInput
    }
    do {
        if let nested = command as? any NestedSubcommand.Type {
            return try await nested.main(Array(arguments.dropFirst()))
        }
        let parsed = try ArgumentParser.parse(Array(arguments.dropFirst()), spec: command.spec)
        if parsed.wantsHelp {
            Console.out(command.spec.help)
            return ExitCode.ok
        }
        return try await command.run(parsed)
    } catch let error as UsageError {
        Console.err("\(error)\n")
        return ExitCode.usageOrInput
    } catch let error as InternalError {
        Console.err("contam: internal error: \(error)\n")
        return ExitCode.internalError
    } catch {
        // Every other error is about the input: a file, a record, an index, an endpoint.
        Console.err("contam: error: \(error)\n")
        return ExitCode.usageOrInput
    }
}

ProcessTuning.returnLargeBlocksOnFree()
exit(await runMain())
