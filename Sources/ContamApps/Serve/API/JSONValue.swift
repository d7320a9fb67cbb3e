import Foundation
import ContamStorage

/// A JSON value built by the API's handlers, rendered with its keys in the order given (so responses read
/// like the documentation). `raw` embeds text that is already JSON (a report line, an encoded answer).
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    case raw(String)

    /// The compact JSON text. A non-finite double renders as null (JSON has no NaN).
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? "\(value)" : "null"
        case .string(let value): out += ReportText.jsonString(value)
        case .raw(let json): out += json
        case .array(let values):
            out += "["
            for (k, value) in values.enumerated() {
                if k > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (k, (key, value)) in fields.enumerated() {
                if k > 0 { out += "," }
                out += ReportText.jsonString(key) + ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// An Encodable value as JSON (keys sorted, as `--json` prints it).
    public static func encoded<T: Encodable>(_ value: T) -> JSONValue { .raw(JSONOutput.line(value)) }

    /// A 200 (or `status`) response with this value as its body.
    public func response(status: Int = 200) -> HTTPResponse { .json(text, status: status) }
}
