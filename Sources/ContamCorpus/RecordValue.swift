/// A value of a structured record, whatever file it came from: a JSON value, a Parquet row or cell. Field
/// paths (`--field question.choices[].text`) select from it, so JSON and Parquet inputs take the same options.
public indirect enum RecordValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    /// Text, valid UTF-8 (invalid input was replaced by U+FFFD where the value was read).
    case string(String)
    /// Bytes without a text annotation (a Parquet BYTE_ARRAY that is not UTF8/STRING).
    case bytes([UInt8])
    /// A point in time, microseconds since 1970-01-01T00:00:00Z (Parquet TIMESTAMP / INT96).
    case timestamp(microsecondsSinceEpoch: Int64)
    case array([RecordValue])
    case object(RecordObject)

    /// The value as one cell of text: strings as they are, numbers as literals, booleans as `true`/`false`,
    /// timestamps in ISO 8601 (UTC); nil for null, bytes, arrays and objects (they are not one piece of text).
    public var scalarText: String? {
        switch self {
        case let .string(text): return text
        case let .integer(value): return String(value)
        case let .double(value): return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case let .bool(value): return value ? "true" : "false"
        case let .timestamp(microseconds): return Self.iso8601(microsecondsSinceEpoch: microseconds)
        case .null, .bytes, .array, .object: return nil
        }
    }

    /// What kind of value this is, in the words of error messages ("a string", "an array").
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .double: return "a number"
        case .string: return "a string"
        case .bytes: return "binary data"
        case .timestamp: return "a timestamp"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` for a count of microseconds since the Unix epoch (proleptic Gregorian).
    static func iso8601(microsecondsSinceEpoch: Int64) -> String {
        let (seconds, micros) = microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000)
        var wholeSeconds = seconds, fraction = micros
        if fraction < 0 { wholeSeconds -= 1; fraction += 1_000_000 }
        let (days, secondOfDay) = wholeSeconds.quotientAndRemainder(dividingBy: 86_400)
        var day = days, second = secondOfDay
        if second < 0 { day -= 1; second += 86_400 }
        // Days to civil date: Howard Hinnant's algorithm.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(dayOfMonth))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))"
        if fraction != 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text + "Z"
    }
}

/// The keys and values of an object, in the order the record holds them. A duplicate key keeps its last value
/// on lookup (as JSON readers do).
public struct RecordObject: Sendable, Equatable {
    public var keys: [String]
    public var values: [RecordValue]

    public init(keys: [String] = [], values: [RecordValue] = []) {
        precondition(keys.count == values.count, "RecordObject: one value per key")
        self.keys = keys
        self.values = values
    }

    /// The value of `key` (the last one, for a duplicate key), or nil when the object has no such key.
    public subscript(key: String) -> RecordValue? {
        guard let index = keys.lastIndex(of: key) else { return nil }
        return values[index]
    }

    public mutating func append(_ key: String, _ value: RecordValue) {
        keys.append(key)
        values.append(value)
    }
}
