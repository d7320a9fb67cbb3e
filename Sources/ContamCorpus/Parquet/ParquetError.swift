/// Where in a Parquet file something went wrong: any of a byte offset, a row group, a column path and a page.
/// Rendered as "row group 2, column \"a.b\", page 3 at byte offset 4096".
public struct ParquetLocation: Sendable, Equatable, CustomStringConvertible {
    /// The offset in the file where the damage was found (a page's start, or the byte a parse stopped at).
    public var byteOffset: Int?
    /// The 0-based row group.
    public var rowGroup: Int?
    /// The column's dotted path in the schema (`lst_struct.list.element.text`).
    public var column: String?
    /// The 0-based page within the column chunk (the dictionary page, when there is one, is page 0).
    public var page: Int?
    /// What was being read there, when it helps ("the file metadata", "a page header").
    public var part: String?

    /// A location with any of its parts.
    public init(byteOffset: Int? = nil, rowGroup: Int? = nil, column: String? = nil, page: Int? = nil, part: String? = nil) {
        self.byteOffset = byteOffset
        self.rowGroup = rowGroup
        self.column = column
        self.page = page
        self.part = part
    }

    /// The parts that are known, most general first.
    public var description: String {
        var pieces: [String] = []
        if let rowGroup { pieces.append("row group \(rowGroup)") }
        if let column { pieces.append("column \"\(column)\"") }
        var tail = ""
        if let page { tail = "page \(page)" }
        if let part { tail = tail.isEmpty ? part : "\(tail) (\(part))" }
        if let byteOffset { tail = tail.isEmpty ? "byte offset \(byteOffset)" : "\(tail) at byte offset \(byteOffset)" }
        if !tail.isEmpty { pieces.append(tail) }
        return pieces.joined(separator: ", ")
    }
}

/// Errors from reading Parquet files. Every case names the file, and a damaged or unsupported file also names
/// the place (byte offset, row group, column path, page), so a user can tell which file to re-export and why.
public enum ParquetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be opened or mapped; `reason` is the system's message.
    case unreadable(path: String, reason: String)
    /// The file is not Parquet at all (too short, or no `PAR1` magic at one of its ends).
    case notParquet(path: String, detail: String)
    /// The file is Parquet but damaged at `location`: a length, offset, count or level that cannot be right.
    case damaged(path: String, location: ParquetLocation, detail: String)
    /// The file uses a codec, encoding or type this reader does not implement.
    case unsupported(path: String, location: ParquetLocation, feature: String)
    /// A requested column is not a top-level field of the file.
    case unknownColumn(path: String, column: String, columns: [String])
    /// A column exists but cannot be read the way it was asked for (a string fast path on a list column, ...).
    case unsuitableColumn(path: String, column: String, detail: String)
    /// A dataset directory holds no Parquet file (for the split, when one was asked for).
    case noFiles(directory: String, split: String?, splits: [String])

    /// A full sentence naming the file, the place and what to do.
    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot be read (\(reason)); check that it exists and that you have permission to read it."
        case let .notParquet(path, detail):
            return "\(path): not a Parquet file (\(detail)); check that the file is complete and really is Parquet."
        case let .damaged(path, location, detail):
            let place = location.description
            return "\(path): damaged Parquet file\(place.isEmpty ? "" : " at \(place)"): \(detail); re-download or re-export the file."
        case let .unsupported(path, location, feature):
            let place = location.description
            return "\(path): \(place.isEmpty ? "" : "\(place): ")\(feature), which contam cannot read; rewrite the file with a supported codec and encoding (for example pyarrow's write_table with compression='zstd')."
        case let .unknownColumn(path, column, columns):
            return "\(path): no top-level column \"\(column)\" (columns: \(columns.joined(separator: ", "))); pick one of these columns."
        case let .unsuitableColumn(path, column, detail):
            return "\(path): column \"\(column)\" \(detail)."
        case let .noFiles(directory, split, splits):
            if let split {
                let known = splits.isEmpty ? "no split was found" : "splits found: \(splits.joined(separator: ", "))"
                return "\(directory): no Parquet files of split \"\(split)\" (\(known)); pass one of the splits found."
            }
            return "\(directory): no Parquet files (*.parquet) in this directory or below it; check the path."
        }
    }

    /// The file (or directory) the error is about.
    public var path: String {
        switch self {
        case let .unreadable(path, _), let .notParquet(path, _), let .damaged(path, _, _), let .unsupported(path, _, _),
             let .unknownColumn(path, _, _), let .unsuitableColumn(path, _, _):
            return path
        case let .noFiles(directory, _, _):
            return directory
        }
    }
}
