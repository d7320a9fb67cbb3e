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

        public init(_ name: String, help: String, variadic: Bool = false, optional: Bool = false) {
            self.name = name
            self.help = help
            self.variadic = variadic
            self.optional = optional
        }
    }

    /// A named option: a flag (no value) or an option taking a value.
    public struct Option: Sendable {
        /// Long name with dashes ("--json"), and optionally a short one ("-o").
        public var names: [String]
        /// Placeholder for the value ("N", "FILE"); nil for a flag.
        public var valueName: String?
        public var help: String
        /// May be given several times (values are collected).
        public var repeatable: Bool

        public init(_ names: String..., value valueName: String? = nil, help: String, repeatable: Bool = false) {
            self.names = names
            self.valueName = valueName
            self.help = help
            self.repeatable = repeatable
        }

        var primaryName: String { names.first(where: { $0.hasPrefix("--") }) ?? names[0] }
    }

    /// The full command name, e.g. "contam query".
    public var name: String
    public var overview: String
    public var arguments: [Argument]
    public var options: [Option]
    /// Lines shown under EXAMPLES.
    public var examples: [String]
    /// Free text shown after the options (exit codes, notes).
    public var discussion: String

    public init(name: String, overview: String, arguments: [Argument] = [], options: [Option] = [], examples: [String] = [], discussion: String = "") {
        self.name = name
        self.overview = overview
        self.arguments = arguments
        self.options = options + [Option("--help", "-h", help: "Show help information.")]
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
            lines.append(Self.row(label, option.help))
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

    public static func row(_ label: String, _ help: String) -> String {
        let indent = "  "
        let column = 28
        if label.count + 2 <= column - 2 {
            return indent + label + String(repeating: " ", count: column - 2 - label.count) + help
        }
        return indent + label + "\n" + String(repeating: " ", count: column) + help
    }
}
