import ContamStorage

/// A Parquet file, memory-mapped, its footer and metadata validated on opening. Rows are read one row group at a
/// time and only for the columns asked for, so memory stays within the largest row group's projected columns
/// (decoded). Every length, offset and count read from the file is checked; a damaged file is a thrown
/// `ParquetError` naming the file and the place, never a trap or a silently short result.
/// Not thread-safe: one reader per thread.
public final class ParquetFile {
    /// The path the file was opened from, for messages.
    public let path: String
    private let mapping: MappedFile
    private let metadata: ParquetFileMetadata
    private let schema: ParquetSchema
    /// Offset of the footer (file metadata); column chunks lie in 4 ..< dataEnd.
    private let dataEnd: Int
    private let decompressor = ParquetDecompressor()

    /// Maps `path` and validates the `PAR1` magic at both ends, the footer length and the metadata (schema, row
    /// groups, column chunks). Costs one mmap and a parse of the footer; no column data is read.
    public init(path: String) throws {
        self.path = path
        do {
            mapping = try MappedFile(path: path)
        } catch {
            throw ParquetError.unreadable(path: path, reason: "\(error)")
        }
        let size = mapping.byteCount
        let magic: [UInt8] = Array("PAR1".utf8)
        (metadata, dataEnd) = try mapping.bytes.withUnsafeBytes { file -> (ParquetFileMetadata, Int) in
            guard size >= 12 else { throw ParquetError.notParquet(path: path, detail: "the file has \(size) bytes, fewer than the 12 of an empty Parquet file") }
            guard file.prefix(4).elementsEqual(magic) else { throw ParquetError.notParquet(path: path, detail: "the file does not start with the magic PAR1") }
            let tail = Array(file[(size - 4)...])
            if tail == Array("PARE".utf8) {
                throw ParquetError.unsupported(path: path, location: ParquetLocation(byteOffset: size - 4), feature: "the file is encrypted (magic PARE)")
            }
            guard tail == magic else { throw ParquetError.notParquet(path: path, detail: "the file does not end with the magic PAR1 (it may be truncated)") }
            let metadataLength = Int(UInt32(littleEndian: file.loadUnaligned(fromByteOffset: size - 8, as: UInt32.self)))
            guard metadataLength <= size - 12 else {
                throw ParquetError.damaged(path: path, location: ParquetLocation(byteOffset: size - 8, part: "footer"),
                                           detail: "the footer says the metadata has \(metadataLength) bytes, but the file has only \(size - 12) bytes between its magic numbers")
            }
            let start = size - 8 - metadataLength
            var reader = ThriftCompactReader(bytes: UnsafeRawBufferPointer(rebasing: file[start ..< size - 8]), fileOffset: start, path: path,
                                             location: ParquetLocation(part: "file metadata"))
            return (try reader.fileMetadata(), start)
        }
        schema = try ParquetSchema(elements: metadata.schema, path: path)
        try validateRowGroups()
    }

    private func validateRowGroups() throws {
        var total: Int64 = 0
        for (index, group) in metadata.rowGroups.enumerated() {
            let place = ParquetLocation(rowGroup: index, part: "file metadata")
            guard group.columns.count == schema.leaves.count else {
                throw ParquetError.damaged(path: path, location: place, detail: "the row group has \(group.columns.count) column chunks but the schema has \(schema.leaves.count) columns")
            }
            for (leafIndex, chunk) in group.columns.enumerated() {
                let leaf = schema.leaves[leafIndex]
                let columnPlace = ParquetLocation(rowGroup: index, column: leaf.dottedPath, part: "file metadata")
                if let filePath = chunk.filePath, !filePath.isEmpty {
                    throw ParquetError.unsupported(path: path, location: columnPlace, feature: "the column chunk is stored in another file (\(filePath))")
                }
                guard let column = chunk.metadata else {
                    throw ParquetError.damaged(path: path, location: columnPlace, detail: "the column chunk has no metadata")
                }
                guard column.pathInSchema.isEmpty || column.pathInSchema == leaf.path else {
                    throw ParquetError.damaged(path: path, location: columnPlace, detail: "the column chunk is for \"\(column.pathInSchema.joined(separator: "."))\", not the schema's column")
                }
            }
            let (sum, overflow) = total.addingReportingOverflow(group.rowCount)
            guard !overflow else { throw ParquetError.damaged(path: path, location: place, detail: "the row counts overflow") }
            total = sum
        }
        guard total == metadata.rowCount, total <= Int64(Int.max) else {
            throw ParquetError.damaged(path: path, location: ParquetLocation(part: "file metadata"),
                                       detail: "the file claims \(metadata.rowCount) rows but its row groups hold \(total)")
        }
    }

    /// The number of rows in the file (from its metadata).
    public var rowCount: Int { Int(metadata.rowCount) }

    /// The number of row groups.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// The top-level fields, in schema order.
    public var columnNames: [String] { schema.fields.map(\.name) }

    /// The top-level fields `columns` names (all when nil), in the order asked for, without repeats.
    private func projection(_ columns: [String]?) throws -> [ParquetSchemaNode] {
        guard let columns else { return schema.fields }
        var seen = Set<String>()
        var fields: [ParquetSchemaNode] = []
        for name in columns where seen.insert(name).inserted {
            guard let field = schema.fields.first(where: { $0.name == name }) else {
                throw ParquetError.unknownColumn(path: path, column: name, columns: columnNames)
            }
            fields.append(field)
        }
        return fields
    }

    /// Checks the codec of every chunk `fields` will read, in every row group, before any row is delivered.
    private func checkCodecs(_ fields: [ParquetSchemaNode]) throws {
        for (index, group) in metadata.rowGroups.enumerated() {
            for field in fields {
                for leaf in field.leafRange {
                    guard let column = group.columns[leaf].metadata else { continue }
                    _ = try ParquetColumnChunkReader.codec(of: column, path: path, rowGroup: index, column: schema.leaves[leaf].dottedPath)
                }
            }
        }
    }

    /// Decodes the chunks of `fields` in row group `index`.
    private func readRowGroup(_ index: Int, fields: [ParquetSchemaNode], file: UnsafeRawBufferPointer) throws -> [ParquetLeafData] {
        let group = metadata.rowGroups[index]
        var leaves = schema.leaves.map { ParquetLeafData(values: ParquetColumnValues(physicalType: $0.physicalType)) }
        for field in fields {
            for leaf in field.leafRange {
                guard let column = group.columns[leaf].metadata else { continue }
                let reader = ParquetColumnChunkReader(path: path, file: file, dataEnd: dataEnd, leaf: schema.leaves[leaf], rowGroup: index, decompressor: decompressor)
                leaves[leaf] = try reader.read(column, rowCount: Int(group.rowCount))
            }
        }
        return leaves
    }

    /// Calls `body` with each row (the top-level fields `columns` names, all when nil, in that order) and its
    /// 0-based number in the file. Only those columns' chunks are read, one row group at a time. Structs are
    /// objects, lists arrays, maps arrays of {key, value} objects, nulls `.null`.
    public func forEachRow(columns: [String]? = nil, _ body: (_ row: RecordObject, _ rowNumber: Int) throws -> Void) throws {
        let fields = try projection(columns)
        try checkCodecs(fields)
        let keys = fields.map(\.name)
        var rowNumber = 0
        try mapping.bytes.withUnsafeBytes { file in
            for index in metadata.rowGroups.indices {
                let rows = Int(metadata.rowGroups[index].rowCount)
                var assembler = ParquetRowAssembler(path: path, rowGroup: index, columns: schema.leaves,
                                                    leaves: try readRowGroup(index, fields: fields, file: file))
                for _ in 0 ..< rows {
                    var values: [RecordValue] = []
                    values.reserveCapacity(fields.count)
                    for field in fields { values.append(try assembler.row(field: field)) }
                    try body(RecordObject(keys: keys, values: values), rowNumber)
                    rowNumber += 1
                }
                try assembler.finish(fields: fields)
            }
        }
    }

    /// Calls `body` with the text of top-level BYTE_ARRAY column `column` in each row (nil for a null) and the
    /// row's number, without building a record per row: the fast path for a corpus' text column. Pages are decoded
    /// and handed over one at a time, so memory stays at one page. Bytes that are not valid UTF-8 are replaced by
    /// U+FFFD. Throws `unsuitableColumn` for a nested or non-binary column.
    public func forEachString(column: String, _ body: (_ text: String?, _ rowNumber: Int) throws -> Void) throws {
        guard let field = try projection([column]).first else { return }
        guard field.isLeaf, field.repetition != .repeated, field.physicalType == .byteArray, let leafIndex = field.leafRange.first else {
            throw ParquetError.unsuitableColumn(path: path, column: column, detail: "is not a top-level string (BYTE_ARRAY) column; read it with forEachRow instead")
        }
        try checkCodecs([field])
        let leaf = schema.leaves[leafIndex]
        let maximum = UInt8(leaf.maxDefinitionLevel)
        var rowNumber = 0
        try mapping.bytes.withUnsafeBytes { file in
            for index in metadata.rowGroups.indices {
                let group = metadata.rowGroups[index]
                guard let column = group.columns[leafIndex].metadata else { continue }
                let reader = ParquetColumnChunkReader(path: path, file: file, dataEnd: dataEnd, leaf: leaf, rowGroup: index, decompressor: decompressor)
                _ = try reader.read(column, rowCount: Int(group.rowCount), streaming: true) { page in
                    let entryCount = page.entryCount
                    let valueCount = page.values.byteEnds.count
                    guard valueCount == (maximum == 0 ? entryCount : page.definitionLevels.lazy.filter { $0 == maximum }.count) else {
                        throw ParquetError.damaged(path: path, location: ParquetLocation(rowGroup: index, column: leaf.dottedPath),
                                                   detail: "a page holds \(valueCount) values but its levels call for a different number")
                    }
                    try page.values.bytes.withUnsafeBufferPointer { bytes in
                        try page.values.byteEnds.withUnsafeBufferPointer { ends in
                          try page.definitionLevels.withUnsafeBufferPointer { levels in
                            // Safe: ends are increasing offsets into bytes (the decoder appended each value's bytes
                            // and then its end), there is one end per value the levels call for (checked above),
                            // and one level per entry when the column has levels.
                            var valueIndex = 0
                            var start = 0
                            for entry in 0 ..< entryCount {
                                if maximum == 0 || levels[entry] == maximum {
                                    let end = ends[valueIndex]
                                    try body(String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< end]), as: UTF8.self), rowNumber)
                                    start = end
                                    valueIndex &+= 1
                                } else {
                                    try body(nil, rowNumber)
                                }
                                rowNumber &+= 1
                            }
                          }
                        }
                    }
                }
            }
        }
    }
}
