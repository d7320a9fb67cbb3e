import ContamCommandLine

/// One `contam` subcommand: its spec (for parsing and `--help`) and what it does.
/// `run` returns the process exit code (0 ok/clean, 1 contamination or memorization found past the
/// `--fail-on` threshold); errors are mapped to exit codes in one place, `main.swift`.
/// Sendable (commands are caseless enums, with no state) so that `main` can hand a command's metatype to
/// its nonisolated async `run` from the main actor.
protocol Subcommand: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments) async throws -> Int32
}

/// A subcommand with subcommands of its own (`contam tabular test …`): `main.swift` hands it the rest of the
/// command line unparsed, and it picks the sub-subcommand and parses with that one's spec.
protocol NestedSubcommand: Subcommand {
    static func main(_ arguments: [String]) async throws -> Int32
}

/// The sub-commands of a nested command (`contam tabular`, `contam probe`): its help, and the dispatch of the rest
/// of the command line to the sub-command it names, parsed with that one's spec.
struct NestedCommands: Sendable {
    typealias Run = @Sendable (ParsedArguments) async throws -> Int32

    /// The nested command itself (its overview in `contam --help`; usage errors point at it).
    let spec: CommandSpec
    /// What the nested command's help says between its overview and its usage line.
    let discussion: [String]
    let commands: [(spec: CommandSpec, run: Run)]

    /// The last word of each sub-command's name.
    var names: [String] { commands.map { String($0.spec.name.split(separator: " ").last ?? "") } }

    /// The help of the nested command: overview, discussion, the list of sub-commands.
    var help: String {
        var lines = ["OVERVIEW: \(spec.overview)", ""] + discussion + (discussion.isEmpty ? [] : [""])
        lines += ["USAGE: \(spec.name) <subcommand> [<arguments>] [<options>]", "", "SUBCOMMANDS:"]
        for (name, command) in zip(names, commands) { lines.append(CommandSpec.row(name, command.spec.overview)) }
        lines += ["", "  See '\(spec.name) <subcommand> --help' for the options and examples of each.", ""]
        return lines.joined(separator: "\n")
    }

    /// Runs `arguments` (the command line after the nested command's name).
    func main(_ arguments: [String]) async throws -> Int32 {
        guard let name = arguments.first else {
            Console.out(help)
            return 2
        }
        if name == "--help" || name == "-h" {
            Console.out(help)
            return 0
        }
        if name == "help" {
            if let sub = arguments.dropFirst().first, let command = commands.first(where: { $0.spec.name == "\(spec.name) \(sub)" }) {
                Console.out(command.spec.help)
            } else {
                Console.out(help)
            }
            return 0
        }
        guard let command = commands.first(where: { $0.spec.name == "\(spec.name) \(name)" }) else {
            let kind = spec.name.split(separator: " ").last.map(String.init) ?? ""
            throw UsageError("unknown \(kind) subcommand '\(name)'; use one of: \(names.joined(separator: ", "))", spec: spec)
        }
        let parsed = try ArgumentParser.parse(Array(arguments.dropFirst()), spec: command.spec)
        if parsed.wantsHelp {
            Console.out(command.spec.help)
            return 0
        }
        return try await command.run(parsed)
    }
}
