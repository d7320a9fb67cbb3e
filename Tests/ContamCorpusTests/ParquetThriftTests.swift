import Testing
@testable import ContamCorpus

/// The Thrift compact reader on hand-encoded bytes (Thrift compact protocol spec): unknown fields of every type,
/// nested structs, lists of booleans and maps are skipped exactly; impossible lengths and nesting are errors.
@Suite struct ParquetThriftTests {
    private func withReader<T>(_ bytes: [UInt8], _ body: (inout ThriftCompactReader) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(bytes: raw, fileOffset: 100, path: "x.parquet", location: ParquetLocation(part: "test"))
            return try body(&reader)
        }
    }

    @Test func unknownFieldsOfEveryTypeAreSkipped() throws {
        var bytes: [UInt8] = [0x15, 14]  // field 1, i32 7
        bytes += [0x1B, 1, 0x89, 1, UInt8(ascii: "k"), 0x25, 2, 4]  // field 2, map<binary, list<i32>> {"k": [1, 2]}
        bytes += [0x1C, 0x11, 0x19, 0x31, 1, 2, 1, 0x3C, 0x17] + [UInt8](repeating: 0, count: 8) + [0, 0]  // field 3: nested structs, list<bool>
        bytes += [0x1A, 0x03]  // field 4, an empty set<i8>
        bytes += [0x16, 0x80, 0x01, 0x14, 3]  // field 5 i64 64; field 6 i16 -2
        bytes += [0x05, 40, 6]  // field 20 (long form), i32 3
        bytes += [0x18, 3, 0x61, 0x62, 0x63]  // field 21, binary "abc"
        bytes += [0]
        let fields = try withReader(bytes) { reader -> [Int16: Int32] in
            var found: [Int16: Int32] = [:]
            try reader.structure { reader, id, type in
                if type == .i32 { found[id] = try reader.i32() } else { try reader.skip(type) }
            }
            #expect(reader.offset == bytes.count)
            return found
        }
        #expect(fields == [1: 7, 20: 3])
    }

    @Test func deepNestingIsRefused() throws {
        let bytes = [UInt8](repeating: 0x1C, count: 200) + [UInt8](repeating: 0, count: 201)
        let error = try #require(throws: ParquetError.self) { try withReader(bytes) { try $0.skip(.structure) } }
        #expect(error.description.contains("nested more than 64 deep"))
        #expect(error.description.hasPrefix("x.parquet: damaged Parquet file at test at byte offset"))
    }

    @Test func impossibleLengthsAreErrors() throws {
        let cases: [([UInt8], String)] = [
            ([0x18, 0x7F, 1, 2], "a Thrift string claims 127 bytes but only 2 remain"),
            ([0x19, 0xF5, 0x80, 0x01], "a Thrift list claims 128 elements but only 0 bytes remain"),
            ([0x1B, 0x05], "a Thrift map claims 5 entries but only 0 bytes remain"),
            ([0x16] + [UInt8](repeating: 0xFF, count: 11), "a Thrift varint"),
            ([0x15, 0x80, 0x80, 0x80, 0x80, 0x10], "outside 32 bits"),
            ([0x1F], "unknown type 15"),
            ([0x15], "Thrift data ends early"),
        ]
        for (bytes, message) in cases {
            let error = try #require(throws: ParquetError.self) {
                try withReader(bytes) { reader in
                    try reader.structure { reader, _, type in
                        if type == .i32 { _ = try reader.i32() } else { try reader.skip(type) }
                    }
                }
            }
            #expect(error.description.contains(message), "\(bytes): \(error)")
        }
    }
}
