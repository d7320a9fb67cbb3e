/// What can be wrong with the input of `contam probe items`: each case names the file and record, and what to do.
public enum ProbeItemsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `--tests` named a test that does not exist.
    case unknownTest(name: String)
    /// A field of a record is missing or of the wrong kind (`location` is `FILE: record N`).
    case badField(location: String, option: String, path: String, problem: String)
    /// The extra fields need JSON records read from a file, and this input is not one.
    case fieldsNeedJSONFile(path: String, found: String)
    /// A test was asked for explicitly but nothing it needs was given.
    case testNeeds(test: ProbeItemsTest, what: String)
    /// An answer of the model could not be scored (never happens for well-formed answers; names the item).
    case unusableAnswer(label: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownTest(name):
            return "unknown test '\(name)'; use guided, options or membership (comma-separated)"
        case let .badField(location, option, path, problem):
            return "\(location): \(option) \(path): \(problem)"
        case let .fieldsNeedJSONFile(path, found):
            return "\(path): --prompt-field, --answer-field and --choices-field read JSON records, but this input is \(found); pass JSON or JSONL files (not stdin), or leave those options out"
        case let .testNeeds(test, what):
            return "--tests \(test.rawValue) needs \(what)"
        case let .unusableAnswer(label, reason):
            return "\(label): \(reason)"
        }
    }
}
