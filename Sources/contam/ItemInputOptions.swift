import ContamCorpus
import ContamDetect
import ContamCommandLine

/// How benchmark items are read, declared once: `contam check` and `contam probe items` take the same words with
/// the same meaning and build the same `ItemReaderOptions` (defaults from the library's).
enum ItemInputOptions {
    static let field = Option<[String]>(
        "--field", value: "path",
        help: "JSON field path of the item text: a key, a.b (nested), a[] (every element), a[0] (docs/field-paths.md); repeat for several, joined by newlines (default: {default}).",
        shownDefault: ItemReaderOptions().fields.joined(separator: ","), repeatable: true) { given in
        try given.isEmpty ? ItemReaderOptions().fields : FieldPathOption.checked(given, option: "--field")
    }
    static let idField = Option<String?>(
        "--id-field", value: "path", help: "JSON field path of the item id (default: id when a record has it, else file:line).") {
        try FieldPathOption.checked($0, option: "--id-field").last
    }
    static let records = FieldPathOption.records(
        help: "JSON: path of the items inside each document or line, e.g. data[].paragraphs[].qas[] for SQuAD questions (default: the elements of a top-level array, else the object; each JSONL line).")
    static let lines = Option.flag("--lines", help: "Plain text: one item per line instead of one per file.")
    static let format = Option.choice("--format", value: "format", among: [InputFormat.text, .jsonl, .csv],
                                      help: "text, jsonl or csv: override the format the file name implies, for every file of a directory too (stdin is sniffed).")
    static let columns = Option<[String]?>(
        "--columns", value: "a,b,c", help: "CSV items without a header row: the column names, in order (--field then names one).",
        shownDefault: nil, repeatable: false) { given in
        guard let text = given.last else { return nil }
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains(where: \.isEmpty) else { throw InvalidOptionValue("--columns '\(text)' has an empty name; give the column names separated by commas") }
        return names
    }
    static let skipBadRecords = Option.flag("--skip-bad-records", help: "Skip malformed JSONL records (counted, copied unchanged by --write-clean) instead of stopping.")

    /// The `ItemReaderOptions` the arguments describe; `selection` is the `--include`/`--exclude`/`--split` choice.
    static func readerOptions(_ arguments: ParsedArguments, selection: InputSelection) throws -> ItemReaderOptions {
        var reader = ItemReaderOptions()
        reader.fields = try arguments[field]
        reader.fieldsGiven = try arguments.wasGiven(field)
        reader.csvColumns = try arguments[columns]
        reader.selection = selection
        reader.idField = try arguments[idField]
        reader.records = try arguments[records]
        reader.linesAreItems = try arguments[lines]
        reader.skipBadRecords = try arguments[skipBadRecords]
        reader.format = try arguments[format]
        return reader
    }
}
