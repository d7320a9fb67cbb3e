import ContamStorage
import ContamIndex
import ContamCommandLine


/// `contam verify INDEX`: a full checksum pass over every file of an index.
enum VerifyCommand: Subcommand {
    static let spec = CommandSpec(
        name: "contam verify",
        overview: "Check every file of an index against its checksum (reads the whole index).",
        arguments: [.init("index", help: "Index directory.")],
        examples: ["contam verify /tmp/licenses.idx"],
        discussion: "Exit codes: 0 the index is sound, 2 problems found (each printed with its file).")

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let path = arguments.positionals[0]
        let problems = Index.verify(path: path)
        if problems.isEmpty {
            Console.line("\(path): OK (\(Quantity.bytes(IndexBuilder.directorySize(path))) checked)")
            return ExitCode.ok
        }
        for problem in problems { Console.err("\(problem)\n") }
        Console.err("\(path): \(problems.count) problem(s) found\n")
        return ExitCode.usageOrInput
    }
}
