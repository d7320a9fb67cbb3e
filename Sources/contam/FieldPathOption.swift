import ContamCorpus
import ContamCommandLine

/// The field-path options `index` and `check` share (`--field`, `--id-field`, `--records`): the texts are
/// parsed here so a bad path is a usage error before any input is read (docs/field-paths.md).
enum FieldPathOption {
    /// `given` unchanged after checking that each parses as a field path.
    static func checked(_ given: [String], option: String) throws -> [String] {
        for text in given { _ = try parsed(text, option: option) }
        return given
    }

    /// `text` parsed as a field path; a syntax error is a usage error naming `option`.
    static func parsed(_ text: String, option: String) throws -> FieldPath {
        do {
            return try FieldPath(parsing: text)
        } catch let error as FieldPathSyntaxError {
            throw InvalidOptionValue("\(option): \(error.description)")
        }
    }

    /// `--records PATH`, the same declaration in both commands.
    static func records(help: String) -> Option<FieldPath?> {
        Option.parsed("--records", value: "path", help: help) { try parsed($0, option: "--records") }
    }
}
