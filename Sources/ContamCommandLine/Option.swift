import Foundation

/// What the parser matches and `--help` shows of one option, without its value type: names, value
/// placeholder, help text, the default as shown, repeatability. Two commands that declare an option with the
/// same name hold different declarations; the parser tells them apart by comparing the whole declaration.
public struct OptionDeclaration: Sendable, Equatable {
    /// Written in `help` where the default goes; `renderedHelp` replaces it with `shownDefault`.
    public static let defaultPlaceholder = "{default}"

    /// Long name with dashes ("--json") first, then any short one ("-q").
    public let names: [String]
    /// Placeholder for the value ("n", "file"); nil for a flag.
    public let valueName: String?
    /// The help text, with `{default}` where the default is shown.
    public let help: String
    /// The default as `--help` shows it; nil when the help states none from the declaration.
    public let shownDefault: String?
    /// May be given several times (every value is kept, in order).
    public let repeatable: Bool

    /// Creates a declaration. A default to show and the `{default}` placeholder go together: a default that
    /// the help would not show, or a placeholder with nothing to fill it, is a mistake in the declaration.
    public init(names: [String], valueName: String?, help: String, shownDefault: String?, repeatable: Bool) {
        precondition(names.first?.hasPrefix("--") == true, "an option's first name is its long name: \(names)")
        precondition((shownDefault != nil) == help.contains(Self.defaultPlaceholder),
                     "\(names[0]): the help must show the declared default with \(Self.defaultPlaceholder), and only then")
        self.names = names
        self.valueName = valueName
        self.help = help
        self.shownDefault = shownDefault
        self.repeatable = repeatable
    }

    /// The long name ("--min-match"): the name in error messages.
    public var primaryName: String { names[0] }

    /// True for a flag (an option without a value).
    public var isFlag: Bool { valueName == nil }

    /// The help text with the declared default in place of `{default}`.
    public var renderedHelp: String {
        guard let shownDefault else { return help }
        return help.replacingOccurrences(of: Self.defaultPlaceholder, with: shownDefault)
    }
}

/// An option of any value type, as a command's spec lists it.
public protocol DeclaredOption: Sendable {
    /// The names, help and default the parser and `--help` use.
    var declaration: OptionDeclaration { get }
}

extension DeclaredOption {
    /// The long name ("--min-match").
    public var name: String { declaration.primaryName }
}

/// A bad value given to an option; the parser reports it as a usage error with this message.
public struct InvalidOptionValue: Error, CustomStringConvertible, Sendable {
    /// What is wrong with the value, naming the option.
    public var message: String

    /// Creates the error with the message the user sees after "contam: error: ".
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// One option, declared once as a `static let` of its command: the spec lists it (for parsing and `--help`)
/// and `arguments[option]` returns its typed, validated value. The conversion receives every text given for
/// the option (none when absent, at most one unless repeatable; a flag gets one empty text per occurrence)
/// and returns the value or throws; whatever it throws is reported as a usage error with the thrown error's
/// description.
public struct Option<Value>: DeclaredOption {
    /// Names, help and shown default.
    public let declaration: OptionDeclaration
    let convert: @Sendable (_ given: [String]) throws -> Value

    /// An option with a conversion of its own; the factories below cover the common kinds.
    public init(_ names: String..., value valueName: String?, help: String, shownDefault: String? = nil, repeatable: Bool = false,
                convert: @escaping @Sendable (_ given: [String]) throws -> Value) {
        declaration = OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: shownDefault, repeatable: repeatable)
        self.convert = convert
    }

    init(declaration: OptionDeclaration, convert: @escaping @Sendable (_ given: [String]) throws -> Value) {
        self.declaration = declaration
        self.convert = convert
    }
}

extension Option where Value == Bool {
    /// A flag: true when given.
    public static func flag(_ names: String..., help: String) -> Option<Bool> {
        Option(declaration: OptionDeclaration(names: names, valueName: nil, help: help, shownDefault: nil, repeatable: false)) { !$0.isEmpty }
    }
}

extension Option where Value == Int {
    /// A whole number in `range`, `defaultValue` when absent (shown as `{default}`). Accepts `_` separators
    /// and the suffixes k, M, G (powers of 1000).
    public static func integer(_ names: String..., value valueName: String, default defaultValue: Int,
                               range: ClosedRange<Int> = Int.min...Int.max, help: String) -> Option<Int> {
        let declaration = OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: String(defaultValue), repeatable: false)
        return Option(declaration: declaration) { given in
            guard let text = given.last else { return defaultValue }
            return try wholeNumber(text, range: range, name: declaration.primaryName)
        }
    }
}

extension Option where Value == Int? {
    /// A whole number in `range`, nil when absent (the help says what happens then).
    public static func integer(_ names: String..., value valueName: String, range: ClosedRange<Int> = Int.min...Int.max,
                               help: String) -> Option<Int?> {
        let declaration = OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: nil, repeatable: false)
        return Option(declaration: declaration) { given in
            try given.last.map { try wholeNumber($0, range: range, name: declaration.primaryName) }
        }
    }
}

extension Option where Value == Double {
    /// A number in `range`, `defaultValue` when absent (shown as `{default}`).
    public static func number(_ names: String..., value valueName: String, default defaultValue: Double,
                              range: ClosedRange<Double> = -Double.infinity...Double.infinity, help: String) -> Option<Double> {
        let declaration = OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: "\(defaultValue)", repeatable: false)
        return Option(declaration: declaration) { given in
            guard let text = given.last else { return defaultValue }
            guard let number = Double(text), range.contains(number) else {
                throw InvalidOptionValue("\(declaration.primaryName) takes a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            return number
        }
    }
}

extension Option where Value == String? {
    /// A text, nil when absent.
    public static func string(_ names: String..., value valueName: String, help: String) -> Option<String?> {
        Option(declaration: OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: nil, repeatable: false)) { $0.last }
    }
}

extension Option where Value == String {
    /// A text, `defaultValue` when absent (shown as `{default}`).
    public static func string(_ names: String..., value valueName: String, default defaultValue: String, help: String) -> Option<String> {
        Option(declaration: OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: defaultValue, repeatable: false)) {
            $0.last ?? defaultValue
        }
    }
}

extension Option where Value == [String] {
    /// A repeatable text: every value given, in order, or `defaultValue` when none is (shown as `{default}`,
    /// comma-separated, unless empty).
    public static func strings(_ names: String..., value valueName: String, default defaultValue: [String] = [], help: String) -> Option<[String]> {
        let shown = defaultValue.isEmpty ? nil : defaultValue.joined(separator: ",")
        return Option(declaration: OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: shown, repeatable: true)) {
            $0.isEmpty ? defaultValue : $0
        }
    }
}

extension Option {
    /// One of `choices`, matched by raw value ignoring case; nil when absent. `invalid` words the error
    /// for another text (default: "--format takes text or jsonl, not 'csv'").
    public static func choice<Choice: RawRepresentable & Sendable>(
        _ names: String..., value valueName: String, among choices: [Choice], help: String,
        invalid: (@Sendable (_ name: String, _ text: String) -> String)? = nil
    ) -> Option<Choice?> where Value == Choice?, Choice.RawValue == String {
        let declaration = OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: nil, repeatable: false)
        return Option<Choice?>(declaration: declaration) { given in
            guard let text = given.last else { return nil }
            if let choice = choices.first(where: { $0.rawValue.lowercased() == text.lowercased() }) { return choice }
            let name = declaration.primaryName
            throw InvalidOptionValue(invalid?(name, text) ?? "\(name) takes \(listing(choices.map(\.rawValue))), not '\(text)'")
        }
    }

    /// A value `parse` makes of the text given, nil when absent; what `parse` throws is the user's error.
    public static func parsed<Parsed>(_ names: String..., value valueName: String, help: String,
                                      parse: @escaping @Sendable (String) throws -> Parsed) -> Option<Parsed?> where Value == Parsed? {
        Option<Parsed?>(declaration: OptionDeclaration(names: names, valueName: valueName, help: help, shownDefault: nil, repeatable: false)) { given in
            try given.last.map(parse)
        }
    }
}

/// "a", "a or b", "a, b or c".
func listing(_ words: [String]) -> String {
    guard words.count > 1 else { return words.first ?? "" }
    return words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
}

/// Parses a whole number for `name`: `_` separators allowed, k/M/G suffixes (powers of 1000) for token
/// counts and the like.
func wholeNumber(_ text: String, range: ClosedRange<Int>, name: String) throws -> Int {
    let cleaned = text.replacingOccurrences(of: "_", with: "")
    guard let number = Int(cleaned) ?? suffixedInteger(cleaned), range.contains(number) else {
        let bounds = range == Int.min...Int.max ? "" : " from \(range.lowerBound) to \(range.upperBound)"
        throw InvalidOptionValue("\(name) takes a whole number\(bounds), not '\(text)'")
    }
    return number
}

/// 10k, 5M, 2G: powers of 1000.
func suffixedInteger(_ text: String) -> Int? {
    guard let last = text.last, let scale = ["k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000, "g": 1_000_000_000, "G": 1_000_000_000][last] else { return nil }
    guard let base = Double(text.dropLast()) else { return nil }
    let value = base * Double(scale)
    // Int(_: Double) traps outside Int's range; such a count is out of every range anyway.
    guard value.isFinite, value.magnitude < 9e18 else { return nil }
    return Int(value)
}
