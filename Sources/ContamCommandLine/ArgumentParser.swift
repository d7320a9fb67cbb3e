import Foundation

/// A usage error: printed as `Error: …`, the usage line and a pointer to `--help`; exit code 2.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var command: String
    public var usage: String

    public init(_ message: String, spec: CommandSpec) {
        self.message = message
        command = spec.name
        usage = spec.usage
    }

    public var description: String {
        "Error: \(message)\nUsage: \(usage)\n  See '\(command) --help' for more information."
    }
}

/// The result of parsing a command line against a `CommandSpec`.
public struct ParsedArguments: Sendable {
    public let spec: CommandSpec
    /// Positional arguments, in order.
    public var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    init(spec: CommandSpec) { self.spec = spec }

    /// True when `--help` or `-h` was given.
    public var wantsHelp: Bool { flags.contains("--help") }

    /// True when the flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The last value given for the option, or nil.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Every value given for a repeatable option, in order.
    public func values(_ name: String) -> [String] { values[name] ?? [] }

    /// The option's value parsed as an integer in `range`, or `defaultValue` when absent.
    public func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = value(name) else { return defaultValue }
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        guard let number = Int(cleaned) ?? Self.suffixedInteger(cleaned), range.contains(number) else {
            throw UsageError("\(name) takes a whole number\(range == Int.min...Int.max ? "" : " from \(range.lowerBound) to \(range.upperBound)"), not '\(text)'", spec: spec)
        }
        return number
    }

    /// The option's value parsed as a number in `range`, or `defaultValue` when absent.
    public func double(_ name: String, default defaultValue: Double, range: ClosedRange<Double> = -Double.infinity...Double.infinity) throws -> Double {
        guard let text = value(name) else { return defaultValue }
        guard let number = Double(text), range.contains(number) else {
            throw UsageError("\(name) takes a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'", spec: spec)
        }
        return number
    }

    /// A usage error for this command.
    public func error(_ message: String) -> UsageError { UsageError(message, spec: spec) }

    /// Accepts 10k, 5M, 2G (powers of 1000) for token counts and the like.
    static func suffixedInteger(_ text: String) -> Int? {
        guard let last = text.last, let scale = ["k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000, "g": 1_000_000_000, "G": 1_000_000_000][last] else { return nil }
        guard let base = Double(text.dropLast()) else { return nil }
        return Int(base * Double(scale))
    }
}

/// Parses command lines against a `CommandSpec`: `--name value`, `--name=value`, short names, flags,
/// repeatable options, `--` to end options, and positional arguments checked against the spec.
public enum ArgumentParser {
    public static func parse(_ arguments: [String], spec: CommandSpec) throws -> ParsedArguments {
        var parsed = ParsedArguments(spec: spec)
        var lookup: [String: CommandSpec.Option] = [:]
        for option in spec.options { for name in option.names { lookup[name] = option } }
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
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
            let key = option.primaryName
            if option.valueName == nil {
                if inlineValue != nil { throw UsageError("\(name) takes no value", spec: spec) }
                parsed.setFlag(key)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw UsageError("missing value for \(name) <\(option.valueName!)>", spec: spec) }
                value = arguments[index]
                index += 1
            }
            if !option.repeatable && parsed.value(key) != nil {
                throw UsageError("\(name) given more than once", spec: spec)
            }
            parsed.addValue(value, for: key)
        }
        if parsed.wantsHelp { return parsed }
        try checkPositionals(parsed, spec: spec)
        return parsed
    }

    static func checkPositionals(_ parsed: ParsedArguments, spec: CommandSpec) throws {
        let required = spec.arguments.filter { !$0.optional }.count
        let variadic = spec.arguments.last?.variadic ?? false
        if parsed.positionals.count < required {
            let missing = spec.arguments.filter { !$0.optional }[parsed.positionals.count]
            throw UsageError("missing argument <\(missing.name)>", spec: spec)
        }
        if !variadic && parsed.positionals.count > spec.arguments.count {
            throw UsageError("unexpected argument '\(parsed.positionals[spec.arguments.count])'", spec: spec)
        }
    }
}

extension ParsedArguments {
    mutating func setFlag(_ name: String) { flags.insert(name) }
    mutating func addValue(_ value: String, for name: String) { values[name, default: []].append(value) }
}
