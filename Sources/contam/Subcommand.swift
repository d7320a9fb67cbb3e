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
