import Foundation
import ContamCommandLine

/// `contam tabular test|scan|prompts|score|exposure|learn`: memorization tests of tabular datasets against a model
/// (after Bordt et al. 2024), batch scans, offline prompts/answers, corpus-side exposure, and whether memorization
/// inflates few-shot accuracy. The first argument
/// picks the sub-command; each has its own spec, options and `--help`.
enum TabularCommand: NestedSubcommand {
    static let nested = NestedCommands(
        spec: CommandSpec(name: "contam tabular", overview: "Test whether a model memorized tabular datasets (CSV), or whether a corpus contains them.",
                          arguments: [.init("subcommand", help: "test, scan, prompts, score, exposure or learn."),
                                      .init("arguments", help: "The sub-command's arguments and options.", variadic: true, optional: true)]),
        discussion: ["Memorization tests after Bordt et al. 2024 (\"Elephants Never Forget\"): header, row, feature and",
                     "first-token completion, feature names, sampling, feature values and dataset name, each with a",
                     "baseline, a p-value and a verdict; 'learn' compares few-shot accuracy on the original dataset with",
                     "perturbed, re-spelled and statistical versions. Any OpenAI-compatible endpoint works (OpenAI,",
                     "vLLM, llama.cpp server, Ollama)."],
        commands: [
            (TabularModelCommands.testSpec, TabularModelCommands.test),
            (TabularModelCommands.scanSpec, TabularModelCommands.scan),
            (TabularModelCommands.promptsSpec, TabularModelCommands.prompts),
            (TabularModelCommands.scoreSpec, TabularModelCommands.score),
        ] + TabularExposureCommand.commands + TabularLearnCommand.commands)

    static var spec: CommandSpec { nested.spec }
    static var help: String { nested.help }

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        try await main(arguments.positionals)
    }

    /// Dispatches a `contam tabular …` command line (without `contam tabular`).
    static func main(_ arguments: [String]) async throws -> Int32 {
        try await nested.main(arguments)
    }
}
