/// The description of one subcommand: its arguments, options and examples. `help` renders it in
/// swift-argument-parser's layout (OVERVIEW / USAGE / ARGUMENTS / OPTIONS), and `ArgumentParser` parses against it.
public struct CommandSpec: Sendable {
    /// A positional argument.
    public struct Argument: Sendable {
        public var name: String
        public var help: String
        /// Accepts one or more values (only the last positional may be variadic).
        public var variadic: Bool
        /// May be omitted.
        public var optional: Bool

        /// Creates a positional argument; `name` is shown as `<name>`.
        public init(_ name: String, help: String, variadic: Bool = false, optional: Bool = false) {
            self.name = name
            self.help = help
            self.variadic = variadic
            self.optional = optional
        }
    }

    /// The full command name, e.g. "contam query".
    public var name: String
    /// One line: what the command does (also its row in the parent's list of subcommands).
    public var overview: String
    /// The positional arguments, in order.
    public var arguments: [Argument]
    /// The options' declarations, `--help` last.
    public var options: [OptionDeclaration]
    /// Lines shown under EXAMPLES.
    public var examples: [String]
    /// Free text shown after the options (exit codes, notes).
    public var discussion: String

    /// The `--help` / `-h` flag every command has.
    public static let helpFlag = Option.flag("--help", "-h", help: "Show help information.")

    /// Creates a spec; `--help` is appended to `options`. Each option name may be declared only once.
    public init(name: String, overview: String, arguments: [Argument] = [], options: [any DeclaredOption] = [], examples: [String] = [], discussion: String = "") {
        self.name = name
        self.overview = overview
        self.arguments = arguments
        self.options = (options + [Self.helpFlag]).map(\.declaration)
        let names = self.options.flatMap(\.names)
        precondition(Set(names).count == names.count, "\(name) declares an option name twice: \(names)")
        self.examples = examples
        self.discussion = discussion
    }

    /// The one-line usage: `contam query <index> <phrase> [--json] ...`.
    public var usage: String {
        var parts = [name]
        for argument in arguments {
            var part = "<\(argument.name)>"
            if argument.variadic { part += " ..." }
            if argument.optional { part = "[\(part)]" }
            parts.append(part)
        }
        parts.append("[<options>]")
        return parts.joined(separator: " ")
    }

    /// The full `--help` text.
    public var help: String {
        var lines = ["OVERVIEW: \(overview)", "", "USAGE: \(usage)", ""]
        if !arguments.isEmpty {
            lines.append("ARGUMENTS:")
            for argument in arguments { lines.append(Self.row("<\(argument.name)>", argument.help)) }
            lines.append("")
        }
        lines.append("OPTIONS:")
        for option in options {
            var label = option.names.joined(separator: ", ")
            if let valueName = option.valueName { label += " <\(valueName)>" }
            lines.append(Self.row(label, option.renderedHelp))
        }
        if !discussion.isEmpty {
            lines.append("")
            lines.append(discussion)
        }
        if !examples.isEmpty {
            lines.append("")
            lines.append("EXAMPLES:")
            for example in examples { lines.append("  \(example)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One help row: the label, then the text in a column (on the next line when the label is too wide).
    public static func row(_ label: String, _ help: String) -> String {
        let indent = "  "
        let column = 28
        if label.count + 2 <= column - 2 {
            return indent + label + String(repeating: " ", count: column - 2 - label.count) + help
        }
        return indent + label + "\n" + String(repeating: " ", count: column) + help
    }
}
