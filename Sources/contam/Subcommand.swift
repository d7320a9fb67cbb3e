import ContamKit

/// One `contam` subcommand: its spec (for parsing and `--help`) and what it does.
/// `run` returns the process exit code (0 ok/clean, 1 contamination or memorization found past the
/// `--fail-on` threshold); errors are mapped to exit codes in one place, `main.swift`.
protocol Subcommand {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments) async throws -> Int32
}
