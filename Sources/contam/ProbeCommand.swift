import Foundation
import ContamModel
import ContamApps
import ContamCommandLine
import ContamStorage

/// `contam probe extract|items`: ask the model itself whether it memorized the indexed corpus or a benchmark
/// (docs/probe.md). The first argument picks the sub-command; each has its own spec, options and `--help`.
enum ProbeCommand: NestedSubcommand {
    static let nested = NestedCommands(
        spec: CommandSpec(name: "contam probe", overview: "Ask a model whether it memorized the indexed corpus or a benchmark: extraction, completion, option guessing, membership scores.",
                          arguments: [.init("subcommand", help: "extract, items, cdd or compress."),
                                      .init("arguments", help: "The sub-command's arguments and options.", variadic: true, optional: true)]),
        discussion: ["Discoverable and probabilistic extraction of training text (Carlini et al. 2021, 2023; Biderman et al. 2023;",
                     "Hayes et al. 2024), guided benchmark completion (Golchin & Surdeanu 2024), option guessing (Deng et al. 2024)",
                     "and membership scores from log-probabilities (loss, zlib, Min-K%, Min-K%++). Any OpenAI-compatible endpoint",
                     "works (vLLM, llama.cpp server, OpenAI); answers are cached, so an interrupted probe resumes where it stopped."],
        commands: ProbeCommandOptions.commands)

    static var spec: CommandSpec { nested.spec }

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        try await main(arguments.positionals)
    }

    static func main(_ arguments: [String]) async throws -> Int32 {
        try await nested.main(arguments)
    }
}

/// The options every probe sub-command shares, with the same words as `tabular`'s where they mean the same.
enum ProbeCommandOptions {
    /// The sub-commands, in the order `contam probe --help` lists them.
    static let commands: [(spec: CommandSpec, run: NestedCommands.Run)] = ProbeExtractCommand.commands + ProbeItemsCommand.commands + ProbeDistributionCommands.commands

    static let chat = Option.flag("--chat", help: "Ask through /v1/chat/completions with an instruction (instruction-following models).")
    static let completion = Option.flag("--completion", help: "Ask through /v1/completions with a raw prefix (base models).")
    static let seed = Option.integer("--seed", value: "n", default: 0, range: 0...Int.max, help: "Seed of every random choice and of the samples; the same seed gives the same probe (default {default}).")
    static let json = Option.flag("--json", help: "Print JSON: one object per probe, one per line, then a summary object.")
    static let markdown = Option.flag("--markdown", help: "Print the summary as Markdown (for CI logs and pull requests).")
    static let html = Option.string("--html", value: "file", help: "Also write an HTML report with every answer beside the truth, differences highlighted.")
    static let quiet = Option.flag("--quiet", "-q", help: "No progress on stderr.")

    /// The endpoint, model and API-kind options, then the connection options.
    static func modelOptions() -> [any DeclaredOption] {
        [ModelClientOptions.endpoint, ModelClientOptions.modelName, chat, completion] + ModelClientOptions.connection
    }

    /// `--chat` or `--completion`, else `fallback`; both is a usage error.
    static func mode(_ a: ParsedArguments, default fallback: ModelRequest.Kind) throws -> ModelRequest.Kind {
        let (chat, completion) = (try a[Self.chat], try a[Self.completion])
        if chat && completion { throw a.error("--chat and --completion exclude each other") }
        return chat ? .chat : completion ? .completion : fallback
    }
}
