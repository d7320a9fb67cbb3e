import Foundation

/// The JSON object of a request body, with typed, checked access to its fields: each accessor throws a
/// 400 `APIError` naming the field when it is missing (if required), of the wrong type, or out of range.
struct APIRequestBody {
    let fields: [String: Any]

    /// Parses `bytes` as one JSON object (400 when it is not one).
    init(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw APIError(400, "the request needs a JSON object body") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw APIError(400, "the body is not valid JSON: \(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any] else { throw APIError(400, "the body must be a JSON object") }
        fields = object
    }

    init(fields: [String: Any]) { self.fields = fields }

    func has(_ name: String) -> Bool { fields[name] != nil && !(fields[name] is NSNull) }

    func string(_ name: String) throws -> String? {
        guard has(name) else { return nil }
        guard let value = fields[name] as? String else { throw APIError.badParameter(name, "a string") }
        return value
    }

    func requiredString(_ name: String) throws -> String {
        guard let value = try string(name) else { throw APIError(400, "\(name): missing (a string is required)") }
        return value
    }

    func int(_ name: String) throws -> Int? {
        guard has(name) else { return nil }
        guard let number = fields[name] as? NSNumber, !(fields[name] is String) else { throw APIError.badParameter(name, "an integer") }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 9e15 else { throw APIError.badParameter(name, "an integer") }
        return Int(double)
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        let given = try int(name) ?? value
        guard range.contains(given) else { throw APIError(400, "\(name): \(given) is out of range (\(range.lowerBound) to \(range.upperBound))") }
        return given
    }

    func requiredInt(_ name: String) throws -> Int {
        guard let value = try int(name) else { throw APIError(400, "\(name): missing (an integer is required)") }
        return value
    }

    func double(_ name: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
        guard has(name) else { return value }
        guard let number = fields[name] as? NSNumber, !(fields[name] is String) else { throw APIError.badParameter(name, "a number") }
        let given = number.doubleValue
        guard given.isFinite, range.contains(given) else { throw APIError(400, "\(name): \(given) is out of range (\(range.lowerBound) to \(range.upperBound))") }
        return given
    }

    func bool(_ name: String, default value: Bool) throws -> Bool {
        guard has(name) else { return value }
        guard let given = fields[name] as? Bool else { throw APIError.badParameter(name, "true or false") }
        return given
    }

    /// A list of strings, or one string (comma-separated values stay one element: the caller splits).
    func strings(_ name: String) throws -> [String]? {
        guard has(name) else { return nil }
        if let one = fields[name] as? String { return [one] }
        guard let list = fields[name] as? [Any] else { throw APIError.badParameter(name, "a list of strings") }
        return try list.map { element in
            guard let text = element as? String else { throw APIError.badParameter(name, "a list of strings") }
            return text
        }
    }

    func objects(_ name: String) throws -> [[String: Any]]? {
        guard has(name) else { return nil }
        guard let list = fields[name] as? [Any] else { throw APIError.badParameter(name, "a list of objects") }
        return try list.enumerated().map { k, element in
            guard let object = element as? [String: Any] else { throw APIError.badParameter("\(name)[\(k)]", "an object") }
            return object
        }
    }
}
