/// The kind of a JSON value, told by the value's first byte. Errors name it with `description`, the phrase
/// a message reads ("a string", "an object", "null"), so the parser compares kinds, never words.
public enum JSONValueKind: Sendable, Equatable, CustomStringConvertible {
    case object
    case array
    case string
    case number
    case boolean
    case null

    /// The kind of the value starting with `byte`; nil when no JSON value starts with it.
    public init?(startingWith byte: UInt8) {
        switch byte {
        case UInt8(ascii: "{"): self = .object
        case UInt8(ascii: "["): self = .array
        case UInt8(ascii: "\""): self = .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): self = .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .boolean
        case UInt8(ascii: "n"): self = .null
        default: return nil
        }
    }

    /// "an object", "an array", "a string", "a number", "a boolean", "null": the words of the error messages.
    public var description: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .boolean: return "a boolean"
        case .null: return "null"
        }
    }

    /// `kinds` as a message reads them: "a string", "a string or a number".
    public static func phrase(_ kinds: [JSONValueKind]) -> String {
        kinds.map(\.description).joined(separator: " or ")
    }
}
