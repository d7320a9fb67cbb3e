import Foundation
import ContamStorage

/// A usage error: printed as `contam: error: …` (the style of every error), the usage line and a pointer to
/// `--help`; exit code 2.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, shown after "contam: error: ".
    public var message: String
    /// The full command name, for the pointer to its `--help`.
    public var command: String
    /// The command's usage line.
    public var usage: String

    /// A usage error of the command `spec` describes.
    public init(_ message: String, spec: CommandSpec) {
        self.message = message
        command = spec.name
        usage = spec.usage
    }

    public var description: String {
        "contam: error: \(message)\nUsage: \(usage)\n  See '\(command) --help' for more information."
    }
}

/// The result of parsing a command line against a `CommandSpec`. Options are read through their
/// declarations, `arguments[CheckCommand.minMatch]`, which return typed, validated values.
public struct ParsedArguments: Sendable {
    /// The spec the command line was parsed against.
    public let spec: CommandSpec
    /// Positional arguments, in order.
    public var positionals: [String] = []
    /// The texts given for each option, by long name; a flag gets an empty text per occurrence.
    private var given: [String: [String]] = [:]

    init(spec: CommandSpec) { self.spec = spec }

    /// True when `--help` or `-h` was given.
    public var wantsHelp: Bool { given[CommandSpec.helpFlag.name] != nil }

    /// The option's value: its default when absent. Throws a `UsageError` for a bad value, and an
    /// `InternalError` when the command's spec does not declare this option (a programming error).
    public subscript<Value>(option: Option<Value>) -> Value {
        get throws {
            let texts = try self.texts(of: option)
            do {
                return try option.convert(texts)
            } catch let error as UsageError {
                throw error
            } catch {
                // Whatever the conversion throws is about the text the user gave.
                throw UsageError("\(error)", spec: spec)
            }
        }
    }

    /// True when the option was given at all (a flag, or an option with any value). Throws an `InternalError`
    /// when the spec does not declare it.
    public func wasGiven(_ option: some DeclaredOption) throws -> Bool {
        try !texts(of: option).isEmpty
    }

    /// A usage error for this command.
    public func error(_ message: String) -> UsageError { UsageError(message, spec: spec) }

    private func texts(of option: some DeclaredOption) throws -> [String] {
        guard spec.options.contains(option.declaration) else {
            throw InternalError("'\(spec.name)' read the option \(option.name), which its spec does not declare")
        }
        return given[option.name] ?? []
    }

    mutating func add(_ text: String, for declaration: OptionDeclaration) {
        given[declaration.primaryName, default: []].append(text)
    }

    func isGiven(_ declaration: OptionDeclaration) -> Bool { given[declaration.primaryName] != nil }
}

/// Parses command lines against a `CommandSpec`: `--name value`, `--name=value`, short names, flags,
/// repeatable options, `--` to end options, and positional arguments checked against the spec. Values are
/// only converted when the command reads them (`ParsedArguments` subscript).
public enum ArgumentParser {
    /// Parses `arguments` (without the command's own name); throws a `UsageError` for an unknown option, a
    /// missing value, a value given to a flag, a non-repeatable option given twice, or missing or extra
    /// positional arguments. With `--help` the positionals are not checked.
    public static func parse(_ arguments: [String], spec: CommandSpec) throws -> ParsedArguments {
        var parsed = ParsedArguments(spec: spec)
        var lookup: [String: OptionDeclaration] = [:]
        for option in spec.options { for name in option.names { lookup[name] = option } }
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            // "-" is standard input and "-3" a number, not options.
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" || Double(argument) != nil {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = lookup[name] else {
                throw UsageError("unknown option '\(name)'", spec: spec)
            }
            guard let valueName = option.valueName else {
                if inlineValue != nil { throw UsageError("\(name) takes no value", spec: spec) }
                parsed.add("", for: option)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw UsageError("missing value for \(name) <\(valueName)>", spec: spec) }
                value = arguments[index]
                index += 1
            }
            if !option.repeatable && parsed.isGiven(option) {
                throw UsageError("\(name) given more than once", spec: spec)
            }
            parsed.add(value, for: option)
        }
        if parsed.wantsHelp { return parsed }
        try checkPositionals(parsed, spec: spec)
        return parsed
    }

    static func checkPositionals(_ parsed: ParsedArguments, spec: CommandSpec) throws {
        let required = spec.arguments.filter { !$0.optional }
        let variadic = spec.arguments.last?.variadic ?? false
        if parsed.positionals.count < required.count {
            throw UsageError("missing argument <\(required[parsed.positionals.count].name)>", spec: spec)
        }
        if !variadic && parsed.positionals.count > spec.arguments.count {
            throw UsageError("unexpected argument '\(parsed.positionals[spec.arguments.count])'", spec: spec)
        }
    }
}
