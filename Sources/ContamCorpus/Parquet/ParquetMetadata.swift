// The parts of parquet.thrift (apache/parquet-format) this reader uses, decoded from the Thrift compact protocol.
// Fields not listed are skipped; a required field that is missing is a damaged file.

/// Parquet physical types (parquet.thrift `Type`).
enum ParquetPhysicalType: Int32, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    var name: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .int96: return "INT96"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .byteArray: return "BYTE_ARRAY"
        case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

enum ParquetRepetition: Int32, Sendable { case required = 0, optional = 1, repeated = 2 }

/// Time units of TIMESTAMP and TIME logical types.
enum ParquetTimeUnit: Sendable { case millis, micros, nanos }

/// The logical (or converted) type of a schema element, reduced to what changes how its values read.
enum ParquetLogicalType: Sendable, Equatable {
    case string
    case map
    case list
    case enumeration
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(ParquetTimeUnit)
    case timestamp(ParquetTimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    case json
    case bson
    case uuid
    case other(Int16)
}

/// parquet.thrift `Encoding`.
enum ParquetEncoding: Int32 {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5, deltaLengthByteArray = 6
    case deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9

    static func name(_ raw: Int32) -> String {
        switch raw {
        case 0: return "PLAIN"
        case 2: return "PLAIN_DICTIONARY"
        case 3: return "RLE"
        case 4: return "BIT_PACKED"
        case 5: return "DELTA_BINARY_PACKED"
        case 6: return "DELTA_LENGTH_BYTE_ARRAY"
        case 7: return "DELTA_BYTE_ARRAY"
        case 8: return "RLE_DICTIONARY"
        case 9: return "BYTE_STREAM_SPLIT"
        default: return "encoding \(raw)"
        }
    }
}

/// parquet.thrift `CompressionCodec`.
enum ParquetCompression: Int32 {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    static func name(_ raw: Int32) -> String {
        switch raw {
        case 0: return "UNCOMPRESSED"
        case 1: return "SNAPPY"
        case 2: return "GZIP"
        case 3: return "LZO"
        case 4: return "BROTLI"
        case 5: return "LZ4 (Hadoop framing)"
        case 6: return "ZSTD"
        case 7: return "LZ4_RAW"
        default: return "codec \(raw)"
        }
    }
}

struct ParquetSchemaElement {
    var type: ParquetPhysicalType?
    var typeLength: Int32?
    var repetition: ParquetRepetition?
    var name = ""
    var childCount: Int32?
    var logicalType: ParquetLogicalType?
}

struct ParquetColumnMetadata {
    var type: ParquetPhysicalType?
    var pathInSchema: [String] = []
    var codec: Int32 = -1
    var valueCount: Int64 = -1
    var totalCompressedSize: Int64 = -1
    var dataPageOffset: Int64 = -1
    var dictionaryPageOffset: Int64?
}

struct ParquetColumnChunk {
    var filePath: String?
    var metadata: ParquetColumnMetadata?
}

struct ParquetRowGroup {
    var columns: [ParquetColumnChunk] = []
    var rowCount: Int64 = -1
}

struct ParquetFileMetadata {
    var schema: [ParquetSchemaElement] = []
    var rowCount: Int64 = -1
    var rowGroups: [ParquetRowGroup] = []
    var createdBy: String?
}

enum ParquetPageType: Int32 { case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3 }

struct ParquetDataPageHeader {
    var valueCount: Int32 = -1
    var encoding: Int32 = -1
    var definitionLevelEncoding: Int32 = -1
    var repetitionLevelEncoding: Int32 = -1
}

struct ParquetDataPageHeaderV2 {
    var valueCount: Int32 = -1
    var nullCount: Int32 = -1
    var rowCount: Int32 = -1
    var encoding: Int32 = -1
    var definitionLevelsByteLength: Int32 = -1
    var repetitionLevelsByteLength: Int32 = -1
    var isCompressed = true
}

struct ParquetDictionaryPageHeader {
    var valueCount: Int32 = -1
    var encoding: Int32 = -1
}

struct ParquetPageHeader {
    var type: Int32 = -1
    var uncompressedSize: Int32 = -1
    var compressedSize: Int32 = -1
    var dataPage: ParquetDataPageHeader?
    var dictionaryPage: ParquetDictionaryPageHeader?
    var dataPageV2: ParquetDataPageHeaderV2?
}

// MARK: - Decoding

extension ThriftCompactReader {
    mutating func fileMetadata() throws -> ParquetFileMetadata {
        var metadata = ParquetFileMetadata()
        var sawSchema = false, sawRowCount = false, sawRowGroups = false
        try structure { reader, id, type in
            switch (id, type) {
            case (2, .list):
                metadata.schema = try reader.list(of: .structure) { try $0.schemaElement() }
                sawSchema = true
            case (3, .i64):
                metadata.rowCount = try reader.i64()
                sawRowCount = true
            case (4, .list):
                metadata.rowGroups = try reader.list(of: .structure) { try $0.rowGroup() }
                sawRowGroups = true
            case (6, .binary):
                metadata.createdBy = try reader.string()
            default:
                try reader.skip(type)
            }
        }
        guard sawSchema, sawRowCount, sawRowGroups else {
            throw damaged("the file metadata lacks its schema, row count or row groups")
        }
        return metadata
    }

    private mutating func schemaElement() throws -> ParquetSchemaElement {
        var element = ParquetSchemaElement()
        var converted: Int32?
        var scale: Int32 = 0, precision: Int32 = 0
        var logical: ParquetLogicalType?
        var sawName = false
        try structure { reader, id, type in
            switch (id, type) {
            case (1, .i32):
                let raw = try reader.i32()
                guard let physical = ParquetPhysicalType(rawValue: raw) else {
                    throw reader.damaged("a schema element has the unknown physical type \(raw)")
                }
                element.type = physical
            case (2, .i32): element.typeLength = try reader.i32()
            case (3, .i32):
                let raw = try reader.i32()
                guard let repetition = ParquetRepetition(rawValue: raw) else {
                    throw reader.damaged("a schema element has the unknown repetition \(raw)")
                }
                element.repetition = repetition
            case (4, .binary):
                element.name = try reader.string()
                sawName = true
            case (5, .i32): element.childCount = try reader.i32()
            case (6, .i32): converted = try reader.i32()
            case (7, .i32): scale = try reader.i32()
            case (8, .i32): precision = try reader.i32()
            case (10, .structure): logical = try reader.logicalType()
            default: try reader.skip(type)
            }
        }
        guard sawName else { throw damaged("a schema element has no name") }
        element.logicalType = logical ?? Self.convertedType(converted, scale: scale, precision: precision)
        return element
    }

    /// The legacy `ConvertedType` enum as a logical type.
    private static func convertedType(_ raw: Int32?, scale: Int32, precision: Int32) -> ParquetLogicalType? {
        guard let raw else { return nil }
        switch raw {
        case 0: return .string
        case 1, 2: return .map
        case 3: return .list
        case 4: return .enumeration
        case 5: return .decimal(scale: scale, precision: precision)
        case 6: return .date
        case 7: return .time(.millis)
        case 8: return .time(.micros)
        case 9: return .timestamp(.millis)
        case 10: return .timestamp(.micros)
        case 11: return .integer(bitWidth: 8, signed: false)
        case 12: return .integer(bitWidth: 16, signed: false)
        case 13: return .integer(bitWidth: 32, signed: false)
        case 14: return .integer(bitWidth: 64, signed: false)
        case 15: return .integer(bitWidth: 8, signed: true)
        case 16: return .integer(bitWidth: 16, signed: true)
        case 17: return .integer(bitWidth: 32, signed: true)
        case 18: return .integer(bitWidth: 64, signed: true)
        case 19: return .json
        case 20: return .bson
        default: return .other(Int16(clamping: raw))
        }
    }

    /// The `LogicalType` union: exactly one field is set.
    private mutating func logicalType() throws -> ParquetLogicalType? {
        var result: ParquetLogicalType?
        try structure { reader, id, type in
            guard type == .structure else { try reader.skip(type); return }
            switch id {
            case 1: try reader.skip(type); result = .string
            case 2: try reader.skip(type); result = .map
            case 3: try reader.skip(type); result = .list
            case 4: try reader.skip(type); result = .enumeration
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try reader.structure { inner, id, type in
                    switch (id, type) {
                    case (1, .i32): scale = try inner.i32()
                    case (2, .i32): precision = try inner.i32()
                    default: try inner.skip(type)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
            case 6: try reader.skip(type); result = .date
            case 7, 8:
                var unit = ParquetTimeUnit.millis
                try reader.structure { inner, id, type in
                    switch (id, type) {
                    case (2, .structure): unit = try inner.timeUnit()
                    default: try inner.skip(type)
                    }
                }
                result = id == 7 ? .time(unit) : .timestamp(unit)
            case 10:
                var bitWidth: Int8 = 0, signed = true
                try reader.structure { inner, id, type in
                    switch (id, type) {
                    case (1, .byte): bitWidth = Int8(bitPattern: try inner.byte())
                    case (2, .booleanTrue), (2, .booleanFalse): signed = inner.boolean(type)
                    default: try inner.skip(type)
                    }
                }
                result = .integer(bitWidth: bitWidth, signed: signed)
            case 12: try reader.skip(type); result = .json
            case 13: try reader.skip(type); result = .bson
            case 14: try reader.skip(type); result = .uuid
            default: try reader.skip(type); result = .other(id)
            }
        }
        return result
    }

    private mutating func timeUnit() throws -> ParquetTimeUnit {
        var unit = ParquetTimeUnit.millis
        try structure { reader, id, type in
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            try reader.skip(type)
        }
        return unit
    }

    private mutating func rowGroup() throws -> ParquetRowGroup {
        var group = ParquetRowGroup()
        var sawColumns = false
        try structure { reader, id, type in
            switch (id, type) {
            case (1, .list):
                group.columns = try reader.list(of: .structure) { try $0.columnChunk() }
                sawColumns = true
            case (3, .i64): group.rowCount = try reader.i64()
            default: try reader.skip(type)
            }
        }
        guard sawColumns, group.rowCount >= 0 else { throw damaged("a row group lacks its columns or a valid row count") }
        return group
    }

    private mutating func columnChunk() throws -> ParquetColumnChunk {
        var chunk = ParquetColumnChunk()
        try structure { reader, id, type in
            switch (id, type) {
            case (1, .binary): chunk.filePath = try reader.string()
            case (3, .structure): chunk.metadata = try reader.columnMetadata()
            default: try reader.skip(type)
            }
        }
        return chunk
    }

    private mutating func columnMetadata() throws -> ParquetColumnMetadata {
        var column = ParquetColumnMetadata()
        try structure { reader, id, type in
            switch (id, type) {
            case (1, .i32):
                let raw = try reader.i32()
                guard let physical = ParquetPhysicalType(rawValue: raw) else {
                    throw reader.damaged("a column chunk has the unknown physical type \(raw)")
                }
                column.type = physical
            case (3, .list): column.pathInSchema = try reader.list(of: .binary) { try $0.string() }
            case (4, .i32): column.codec = try reader.i32()
            case (5, .i64): column.valueCount = try reader.i64()
            case (7, .i64): column.totalCompressedSize = try reader.i64()
            case (9, .i64): column.dataPageOffset = try reader.i64()
            case (11, .i64): column.dictionaryPageOffset = try reader.i64()
            default: try reader.skip(type)
            }
        }
        return column
    }

    mutating func pageHeader() throws -> ParquetPageHeader {
        var header = ParquetPageHeader()
        try structure { reader, id, type in
            switch (id, type) {
            case (1, .i32): header.type = try reader.i32()
            case (2, .i32): header.uncompressedSize = try reader.i32()
            case (3, .i32): header.compressedSize = try reader.i32()
            case (5, .structure):
                var page = ParquetDataPageHeader()
                try reader.structure { inner, id, type in
                    switch (id, type) {
                    case (1, .i32): page.valueCount = try inner.i32()
                    case (2, .i32): page.encoding = try inner.i32()
                    case (3, .i32): page.definitionLevelEncoding = try inner.i32()
                    case (4, .i32): page.repetitionLevelEncoding = try inner.i32()
                    default: try inner.skip(type)
                    }
                }
                header.dataPage = page
            case (7, .structure):
                var page = ParquetDictionaryPageHeader()
                try reader.structure { inner, id, type in
                    switch (id, type) {
                    case (1, .i32): page.valueCount = try inner.i32()
                    case (2, .i32): page.encoding = try inner.i32()
                    default: try inner.skip(type)
                    }
                }
                header.dictionaryPage = page
            case (8, .structure):
                var page = ParquetDataPageHeaderV2()
                try reader.structure { inner, id, type in
                    switch (id, type) {
                    case (1, .i32): page.valueCount = try inner.i32()
                    case (2, .i32): page.nullCount = try inner.i32()
                    case (3, .i32): page.rowCount = try inner.i32()
                    case (4, .i32): page.encoding = try inner.i32()
                    case (5, .i32): page.definitionLevelsByteLength = try inner.i32()
                    case (6, .i32): page.repetitionLevelsByteLength = try inner.i32()
                    case (7, .booleanTrue), (7, .booleanFalse): page.isCompressed = inner.boolean(type)
                    default: try inner.skip(type)
                    }
                }
                header.dataPageV2 = page
            default: try reader.skip(type)
            }
        }
        return header
    }
}
