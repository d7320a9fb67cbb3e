import Testing
import ContamCommandLine

/// A command with one option of each kind, declared the way the contam subcommands declare theirs.
enum SampleCommand {
    enum Shape: String, Sendable { case round, square }

    static let count = Option.integer("--count", "-c", value: "n", default: 8, range: 1...100, help: "How many (default: {default}).")
    static let size = Option.integer("--size", value: "n", help: "Bytes, e.g. 5M; absent: as large as needed.")
    static let ratio = Option.number("--ratio", value: "x", default: 0.5, range: 0...1, help: "A ratio (default {default}).")
    static let name = Option.string("--name", value: "text", help: "A name.")
    static let greeting = Option.string("--greeting", value: "text", default: "hello", help: "Said first (default: {default}).")
    static let tags = Option.strings("--tag", "-t", value: "tag", default: ["plain", "new"], help: "Tags; repeat for several (default: {default}).")
    static let verbose = Option.flag("--verbose", "-v", help: "Talk more.")
    static let shape = Option.choice("--shape", value: "shape", among: [Shape.round, .square], help: "round or square.")
    static let oddShape = Option.choice("--odd-shape", value: "shape", among: [Shape.round], help: "round only.") { name, text in
        "\(name) must be round, not '\(text)'"
    }
    static let evens = Option<[Int]>("--even", value: "n", help: "Even numbers; repeatable.", repeatable: true) { given in
        try given.map { text in
            guard let n = Int(text), n % 2 == 0 else { throw InvalidOptionValue("--even takes even numbers, not '\(text)'") }
            return n
        }
    }

    static let spec = CommandSpec(
        name: "tool run", overview: "Runs the sample.",
        arguments: [.init("input", help: "The input."), .init("rest", help: "More inputs.", variadic: true, optional: true)],
        options: [count, size, ratio, name, greeting, tags, verbose, shape, oddShape, evens])

    static func parse(_ arguments: [String]) throws -> ParsedArguments { try ArgumentParser.parse(arguments, spec: spec) }
}

/// Another command: declares a `--count` of its own, which `SampleCommand`'s parse must not answer for.
enum OtherCommand {
    static let count = Option.integer("--count", value: "n", default: 3, help: "Another count (default: {default}).")
    static let unrelated = Option.flag("--unrelated", help: "Not in the sample's spec.")
}

/// The message of the usage error `body` throws, or nil when it throws none (or another error).
func usageMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as UsageError {
        return error.message
    } catch {
        return nil
    }
}

@Suite struct ArgumentParserTests {
    @Test func absentOptionsHaveTheirDeclaredDefaults() throws {
        let parsed = try SampleCommand.parse(["in.txt"])
        #expect(try parsed[SampleCommand.count] == 8)
        #expect(try parsed[SampleCommand.size] == nil)
        #expect(try parsed[SampleCommand.ratio] == 0.5)
        #expect(try parsed[SampleCommand.name] == nil)
        #expect(try parsed[SampleCommand.greeting] == "hello")
        #expect(try parsed[SampleCommand.tags] == ["plain", "new"])
        #expect(try parsed[SampleCommand.verbose] == false)
        #expect(try parsed[SampleCommand.shape] == nil)
        #expect(try parsed[SampleCommand.evens] == [])
        #expect(try !parsed.wasGiven(SampleCommand.count))
        #expect(!parsed.wantsHelp)
    }

    @Test func valuesInEveryForm() throws {
        for arguments in [["in", "--count", "5"], ["in", "--count=5"], ["in", "-c", "5"], ["--count", "5", "in"]] {
            let parsed = try SampleCommand.parse(arguments)
            #expect(try parsed[SampleCommand.count] == 5, "\(arguments)")
            #expect(try parsed.wasGiven(SampleCommand.count))
            #expect(parsed.positionals == ["in"])
        }
        let parsed = try SampleCommand.parse(["in", "--name=a=b", "--greeting", "hi", "--ratio", "0.25", "--size", "5M", "--shape", "SQUARE"])
        #expect(try parsed[SampleCommand.name] == "a=b")
        #expect(try parsed[SampleCommand.greeting] == "hi")
        #expect(try parsed[SampleCommand.ratio] == 0.25)
        #expect(try parsed[SampleCommand.size] == 5_000_000)
        #expect(try parsed[SampleCommand.shape] == .square)
        #expect(try SampleCommand.parse(["in", "--count", "1_0"])[SampleCommand.count] == 10)
        #expect(try SampleCommand.parse(["in", "--size", "2k"])[SampleCommand.size] == 2_000)
    }

    @Test func flagsLongAndShort() throws {
        #expect(try SampleCommand.parse(["in", "--verbose"])[SampleCommand.verbose])
        #expect(try SampleCommand.parse(["-v", "in"])[SampleCommand.verbose])
        #expect(try SampleCommand.parse(["in", "-v", "-v"])[SampleCommand.verbose])
        #expect(usageMessage { _ = try SampleCommand.parse(["in", "--verbose=yes"]) } == "--verbose takes no value")
    }

    @Test func repeatedOptions() throws {
        let parsed = try SampleCommand.parse(["in", "--tag", "a", "-t", "b", "--tag=c", "--even", "2", "--even", "4"])
        #expect(try parsed[SampleCommand.tags] == ["a", "b", "c"])
        #expect(try parsed[SampleCommand.evens] == [2, 4])
        #expect(usageMessage { _ = try SampleCommand.parse(["in", "--count", "1", "-c", "2"]) } == "-c given more than once")
        #expect(usageMessage { _ = try SampleCommand.parse(["in", "--name", "a", "--name", "b"]) } == "--name given more than once")
    }

    @Test func positionalsAndDoubleDash() throws {
        let parsed = try SampleCommand.parse(["in", "-", "-3", "--", "--verbose", "-c"])
        #expect(parsed.positionals == ["in", "-", "-3", "--verbose", "-c"])
        #expect(try parsed[SampleCommand.verbose] == false)
        #expect(usageMessage { _ = try SampleCommand.parse([]) } == "missing argument <input>")
        #expect(usageMessage { _ = try SampleCommand.parse(["--verbose"]) } == "missing argument <input>")
        let single = CommandSpec(name: "tool one", overview: "One input.", arguments: [.init("input", help: "The input.")])
        #expect(usageMessage { _ = try ArgumentParser.parse(["a", "b"], spec: single) } == "unexpected argument 'b'")
    }

    @Test func missingValue() throws {
        #expect(usageMessage { _ = try SampleCommand.parse(["in", "--count"]) } == "missing value for --count <n>")
        #expect(usageMessage { _ = try SampleCommand.parse(["in", "-t"]) } == "missing value for -t <tag>")
        // A value that looks like an option is still the value.
        #expect(try SampleCommand.parse(["in", "--name", "--verbose"])[SampleCommand.name] == "--verbose")
    }

    @Test func unknownOptionNamesItAndShowsTheUsageLine() throws {
        do {
            _ = try SampleCommand.parse(["in", "--bogus=3"])
            Issue.record("an unknown option was accepted")
        } catch let error as UsageError {
            #expect(error.message == "unknown option '--bogus'")
            #expect(error.description == """
                contam: error: unknown option '--bogus'
                Usage: tool run <input> [<rest> ...] [<options>]
                  See 'tool run --help' for more information.
                """)
        }
        #expect(usageMessage { _ = try SampleCommand.parse(["in", "-x"]) } == "unknown option '-x'")
    }

    @Test func badValuesAreUsageErrorsWithTheOptionsName() throws {
        func message<Value>(_ arguments: [String], _ option: Option<Value>) -> String? {
            usageMessage { _ = try SampleCommand.parse(arguments)[option] }
        }
        #expect(message(["in", "--count", "0"], SampleCommand.count) == "--count takes a whole number from 1 to 100, not '0'")
        #expect(message(["in", "-c", "101"], SampleCommand.count) == "--count takes a whole number from 1 to 100, not '101'")
        #expect(message(["in", "--count", "abc"], SampleCommand.count) == "--count takes a whole number from 1 to 100, not 'abc'")
        #expect(message(["in", "--size", "many"], SampleCommand.size) == "--size takes a whole number, not 'many'")
        #expect(message(["in", "--size", "1e30G"], SampleCommand.size) == "--size takes a whole number, not '1e30G'")
        #expect(message(["in", "--ratio", "2"], SampleCommand.ratio) == "--ratio takes a number from 0.0 to 1.0, not '2'")
        #expect(message(["in", "--ratio", "half"], SampleCommand.ratio) == "--ratio takes a number from 0.0 to 1.0, not 'half'")
        #expect(message(["in", "--shape", "oval"], SampleCommand.shape) == "--shape takes round or square, not 'oval'")
        #expect(message(["in", "--odd-shape", "oval"], SampleCommand.oddShape) == "--odd-shape must be round, not 'oval'")
        #expect(message(["in", "--even", "2", "--even", "3"], SampleCommand.evens) == "--even takes even numbers, not '3'")
        // A bad value of one option does not stop the others from being read.
        let parsed = try SampleCommand.parse(["in", "--count", "0", "--ratio", "1"])
        #expect(try parsed[SampleCommand.ratio] == 1)
    }

    @Test func helpShowsTheDefaultFromTheDeclaration() throws {
        let help = SampleCommand.spec.help
        #expect(help.hasPrefix("OVERVIEW: Runs the sample.\n\nUSAGE: tool run <input> [<rest> ...] [<options>]\n\nARGUMENTS:\n"))
        #expect(help.contains("\n  --count, -c <n>           How many (default: 8).\n"))
        #expect(help.contains("\n  --ratio <x>               A ratio (default 0.5).\n"))
        #expect(help.contains("\n  --greeting <text>         Said first (default: hello).\n"))
        #expect(help.contains("\n  --tag, -t <tag>           Tags; repeat for several (default: plain,new).\n"))
        #expect(help.contains("\n  --verbose, -v             Talk more.\n"))
        #expect(help.hasSuffix("\n  --help, -h                Show help information.\n"))
        #expect(!help.contains(OptionDeclaration.defaultPlaceholder))
        #expect(SampleCommand.count.declaration.shownDefault == "8")
        #expect(SampleCommand.count.declaration.help == "How many (default: {default}).")
    }

    @Test func helpSkipsThePositionalCheck() throws {
        #expect(try SampleCommand.parse(["--help"]).wantsHelp)
        #expect(try SampleCommand.parse(["-h"]).wantsHelp)
    }

    @Test func anUndeclaredOptionIsAProgrammingErrorNotNil() throws {
        let parsed = try SampleCommand.parse(["in", "--count", "5"])
        for read in [{ _ = try parsed[OtherCommand.unrelated] }, { _ = try parsed[OtherCommand.count] }, { _ = try parsed.wasGiven(OtherCommand.count) }] {
            do {
                try read()
                Issue.record("an option the spec does not declare was answered")
            } catch {
                // An internal error (exit code 3), not the user's usage error.
                #expect(!(error is UsageError))
                #expect("\(error)".contains("which its spec does not declare"))
            }
        }
    }

    @Test func aDefaultTheHelpWouldNotShowIsRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = OptionDeclaration(names: ["--count"], valueName: "n", help: "How many.", shownDefault: "8", repeatable: false)
        }
        await #expect(processExitsWith: .failure) {
            _ = Option.string("--name", value: "text", help: "A name (default: {default}).")
        }
    }

    @Test func aNameDeclaredTwiceIsRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = CommandSpec(name: "tool twice", overview: "Two --count options.",
                            options: [Option.flag("--count", help: "A flag."), Option.integer("--count", value: "n", help: "A number.")])
        }
        await #expect(processExitsWith: .failure) {
            _ = CommandSpec(name: "tool help", overview: "Its own -h.", options: [Option.flag("--human", "-h", help: "Human units.")])
        }
    }
}
