/// The levels and values of one leaf column in one row group. `definitionLevels` is empty when the column's
/// maximum definition level is 0 (every entry is a value), `repetitionLevels` when its maximum repetition
/// level is 0 (every entry starts a row).
struct ParquetLeafData {
    var definitionLevels: [UInt8] = []
    var repetitionLevels: [UInt8] = []
    var entryCount = 0
    var values: ParquetColumnValues
}

/// Reads the pages of one column chunk (dictionary page, data pages v1 and v2) out of the mapped file and decodes
/// them into a `ParquetLeafData`. Every offset, size and count from the page headers is checked against the
/// chunk's bounds and the column metadata before use.
struct ParquetColumnChunkReader {
    /// Pages that claim more than this many decompressed bytes are refused (a guard against absurd headers).
    static let maximumPageBytes = 1 << 30

    let path: String
    let file: UnsafeRawBufferPointer
    /// Column chunks must end before this offset (the footer's start).
    let dataEnd: Int
    let leaf: ParquetLeafColumn
    let rowGroup: Int
    let decompressor: ParquetDecompressor

    private func location(page: Int? = nil, byteOffset: Int? = nil, part: String? = nil) -> ParquetLocation {
        ParquetLocation(byteOffset: byteOffset, rowGroup: rowGroup, column: leaf.dottedPath, page: page, part: part)
    }

    private func damaged(_ detail: String, page: Int? = nil, byteOffset: Int? = nil) -> ParquetError {
        .damaged(path: path, location: location(page: page, byteOffset: byteOffset), detail: detail)
    }

    private func unsupported(_ feature: String, page: Int? = nil, byteOffset: Int? = nil) -> ParquetError {
        .unsupported(path: path, location: location(page: page, byteOffset: byteOffset), feature: feature)
    }

    /// The codec of `metadata`, or an error naming the file, column and row group for one this reader lacks.
    static func codec(of metadata: ParquetColumnMetadata, path: String, rowGroup: Int, column: String) throws -> ParquetCompression {
        guard let codec = ParquetCompression(rawValue: metadata.codec), codec != .lzo, codec != .lz4 else {
            throw ParquetError.unsupported(path: path, location: ParquetLocation(rowGroup: rowGroup, column: column),
                                           feature: "the column chunk is compressed with \(ParquetCompression.name(metadata.codec))")
        }
        return codec
    }

    /// Reads and decodes the whole chunk. When `streaming`, the data of each data page is handed to `pageSink` as
    /// soon as the page is decoded and then dropped (the returned value is empty), so a streaming caller keeps one
    /// page in memory instead of the row group.
    func read(_ metadata: ParquetColumnMetadata, rowCount: Int, streaming: Bool = false,
              pageSink: (inout ParquetLeafData) throws -> Void = { _ in }) throws -> ParquetLeafData {
        let codec = try Self.codec(of: metadata, path: path, rowGroup: rowGroup, column: leaf.dottedPath)
        guard metadata.type == leaf.physicalType else {
            throw damaged("the column chunk's type \(metadata.type?.name ?? "(none)") differs from the schema's \(leaf.physicalType.name)")
        }
        if metadata.valueCount == 0 && rowCount == 0 {
            return ParquetLeafData(values: ParquetColumnValues(physicalType: leaf.physicalType))
        }
        var start = metadata.dataPageOffset
        if let dictionaryOffset = metadata.dictionaryPageOffset, dictionaryOffset > 0, dictionaryOffset < start { start = dictionaryOffset }
        guard start >= 4, metadata.totalCompressedSize >= 0, start <= Int64(dataEnd),
              metadata.totalCompressedSize <= Int64(dataEnd) - start else {
            throw damaged("the column chunk claims \(metadata.totalCompressedSize) bytes from byte offset \(start), outside the data of the file (4 to \(dataEnd))")
        }
        guard metadata.valueCount >= 0, metadata.valueCount <= Int64(Int32.max) * 1024 else {
            throw damaged("the column chunk claims \(metadata.valueCount) values")
        }
        let expectedEntries = Int(metadata.valueCount)
        let end = Int(start + metadata.totalCompressedSize)
        var offset = Int(start)
        var data = ParquetLeafData(values: ParquetColumnValues(physicalType: leaf.physicalType))
        var dictionary: ParquetColumnValues?
        var scratch: [UInt8] = []
        var levelScratch: [UInt32] = []
        var page = 0
        var rows = 0
        var totalEntries = 0
        var repetitionStarts = 0
        while totalEntries < expectedEntries {
            guard offset < end else {
                throw damaged("the column chunk ends after \(totalEntries) of its \(expectedEntries) values", page: page, byteOffset: offset)
            }
            let header: ParquetPageHeader
            let headerLength: Int
            do {
                var reader = ThriftCompactReader(bytes: UnsafeRawBufferPointer(rebasing: file[offset ..< end]), fileOffset: offset, path: path,
                                                 location: location(page: page, part: "page header"))
                header = try reader.pageHeader()
                headerLength = reader.offset
            }
            let bodyStart = offset + headerLength
            guard header.compressedSize >= 0, Int(header.compressedSize) <= end - bodyStart else {
                throw damaged("the page claims \(header.compressedSize) bytes but the column chunk has \(end - bodyStart) left", page: page, byteOffset: offset)
            }
            guard header.uncompressedSize >= 0 else {
                throw damaged("the page claims \(header.uncompressedSize) decompressed bytes", page: page, byteOffset: offset)
            }
            guard Int(header.uncompressedSize) <= Self.maximumPageBytes else {
                throw unsupported("a page of \(header.uncompressedSize) decompressed bytes (the limit is \(Self.maximumPageBytes))", page: page, byteOffset: offset)
            }
            let body = UnsafeRawBufferPointer(rebasing: file[bodyStart ..< bodyStart + Int(header.compressedSize)])
            do {
                switch ParquetPageType(rawValue: header.type) {
                case .dictionaryPage?:
                    guard let dictionaryHeader = header.dictionaryPage else { throw ParquetPageFailure("a dictionary page has no dictionary page header") }
                    guard dictionary == nil else { throw ParquetPageFailure("the column chunk has a second dictionary page") }
                    guard totalEntries == 0 else { throw ParquetPageFailure("the dictionary page comes after data pages") }
                    guard dictionaryHeader.encoding == ParquetEncoding.plain.rawValue || dictionaryHeader.encoding == ParquetEncoding.plainDictionary.rawValue else {
                        throw unsupported("a dictionary page in the \(ParquetEncoding.name(dictionaryHeader.encoding)) encoding", page: page, byteOffset: offset)
                    }
                    guard dictionaryHeader.valueCount >= 0 else { throw ParquetPageFailure("the dictionary page claims \(dictionaryHeader.valueCount) values") }
                    var values = ParquetColumnValues(physicalType: leaf.physicalType)
                    try withDecompressed(codec, body, size: Int(header.uncompressedSize), scratch: &scratch) {
                        try decodePlain($0, count: Int(dictionaryHeader.valueCount), into: &values)
                    }
                    dictionary = values
                case .dataPage?:
                    guard let pageHeader = header.dataPage else { throw ParquetPageFailure("a data page has no data page header") }
                    let entries = try checkedEntryCount(pageHeader.valueCount, have: totalEntries, expected: expectedEntries)
                    try withDecompressed(codec, body, size: Int(header.uncompressedSize), scratch: &scratch) { raw in
                        var cursor = 0
                        if leaf.maxRepetitionLevel > 0 {
                            try requireRLELevels(pageHeader.repetitionLevelEncoding, kind: "repetition", page: page, byteOffset: offset)
                            let levels = try lengthPrefixed(raw, &cursor)
                            try ParquetEncodingDecoder.decodeLevels(levels, maximum: leaf.maxRepetitionLevel, count: entries, scratch: &levelScratch, into: &data.repetitionLevels)
                        }
                        if leaf.maxDefinitionLevel > 0 {
                            try requireRLELevels(pageHeader.definitionLevelEncoding, kind: "definition", page: page, byteOffset: offset)
                            let levels = try lengthPrefixed(raw, &cursor)
                            try ParquetEncodingDecoder.decodeLevels(levels, maximum: leaf.maxDefinitionLevel, count: entries, scratch: &levelScratch, into: &data.definitionLevels)
                        }
                        let valueCount = nonNullCount(data, lastEntries: entries)
                        try decodeValues(UnsafeRawBufferPointer(rebasing: raw[cursor...]), encoding: pageHeader.encoding, count: valueCount,
                                         dictionary: dictionary, into: &data.values, page: page, byteOffset: offset)
                    }
                    data.entryCount += entries
                case .dataPageV2?:
                    guard let pageHeader = header.dataPageV2 else { throw ParquetPageFailure("a data page (v2) has no data page header") }
                    let entries = try checkedEntryCount(pageHeader.valueCount, have: totalEntries, expected: expectedEntries)
                    let repetitionLength = Int(pageHeader.repetitionLevelsByteLength), definitionLength = Int(pageHeader.definitionLevelsByteLength)
                    guard repetitionLength >= 0, definitionLength >= 0, repetitionLength + definitionLength <= body.count,
                          repetitionLength + definitionLength <= Int(header.uncompressedSize) else {
                        throw ParquetPageFailure("the page's level lengths (\(repetitionLength) and \(definitionLength) bytes) exceed the page")
                    }
                    if leaf.maxRepetitionLevel > 0 {
                        try ParquetEncodingDecoder.decodeLevels(UnsafeRawBufferPointer(rebasing: body[0 ..< repetitionLength]), maximum: leaf.maxRepetitionLevel,
                                                                count: entries, scratch: &levelScratch, into: &data.repetitionLevels)
                    }
                    if leaf.maxDefinitionLevel > 0 {
                        try ParquetEncodingDecoder.decodeLevels(UnsafeRawBufferPointer(rebasing: body[repetitionLength ..< repetitionLength + definitionLength]),
                                                                maximum: leaf.maxDefinitionLevel, count: entries, scratch: &levelScratch, into: &data.definitionLevels)
                    }
                    let valueCount = nonNullCount(data, lastEntries: entries)
                    guard pageHeader.nullCount == Int32(entries - valueCount) else {
                        throw ParquetPageFailure("the page header counts \(pageHeader.nullCount) nulls but its levels hold \(entries - valueCount)")
                    }
                    let compressedValues = UnsafeRawBufferPointer(rebasing: body[(repetitionLength + definitionLength)...])
                    let valuesSize = Int(header.uncompressedSize) - repetitionLength - definitionLength
                    try withDecompressed(pageHeader.isCompressed ? codec : .uncompressed, compressedValues, size: valuesSize, scratch: &scratch) { raw in
                        try decodeValues(raw, encoding: pageHeader.encoding, count: valueCount, dictionary: dictionary, into: &data.values, page: page, byteOffset: offset)
                    }
                    data.entryCount += entries
                case .indexPage?:
                    break
                case nil:
                    throw unsupported("a page of the unknown type \(header.type)", page: page, byteOffset: offset)
                }
            } catch let failure as ParquetPageFailure {
                throw damaged(failure.detail, page: page, byteOffset: offset)
            }
            if data.entryCount > 0, streaming {
                // Hand the page over and start the next one empty (keeping the buffers' capacity).
                if leaf.maxRepetitionLevel > 0 {
                    if let first = data.repetitionLevels.first, first != 0, totalEntries == 0 {
                        throw damaged("the column chunk's first value does not start a row (its repetition level is \(first))")
                    }
                    for level in data.repetitionLevels where level == 0 { repetitionStarts += 1 }
                }
                totalEntries += data.entryCount
                try pageSink(&data)
                data.entryCount = 0
                data.definitionLevels.removeAll(keepingCapacity: true)
                data.repetitionLevels.removeAll(keepingCapacity: true)
                data.values.removeAll()
            } else if !streaming {
                totalEntries = data.entryCount
            }
            offset = bodyStart + Int(header.compressedSize)
            page += 1
        }
        if leaf.maxRepetitionLevel == 0 {
            rows = totalEntries
        } else if streaming {
            rows = repetitionStarts
        } else {
            rows = 0
            for level in data.repetitionLevels where level == 0 { rows += 1 }
            if let first = data.repetitionLevels.first, first != 0 {
                throw damaged("the column chunk's first value does not start a row (its repetition level is \(first))")
            }
        }
        guard rows == rowCount else {
            throw damaged("the column chunk holds \(rows) rows but the row group has \(rowCount)")
        }
        return data
    }

    private func checkedEntryCount(_ count: Int32, have: Int, expected: Int) throws -> Int {
        guard count >= 0, Int(count) <= expected - have else {
            throw ParquetPageFailure("the page claims \(count) values but the column chunk has \(expected - have) left")
        }
        return Int(count)
    }

    private func requireRLELevels(_ encoding: Int32, kind: String, page: Int, byteOffset: Int) throws {
        guard encoding == ParquetEncoding.rle.rawValue else {
            throw unsupported("\(kind) levels in the \(ParquetEncoding.name(encoding)) encoding", page: page, byteOffset: byteOffset)
        }
    }

    /// A 4-byte little-endian length and the bytes it covers (data page v1 levels, RLE booleans).
    private func lengthPrefixed(_ raw: UnsafeRawBufferPointer, _ cursor: inout Int) throws -> UnsafeRawBufferPointer {
        guard raw.count - cursor >= 4 else { throw ParquetPageFailure("the page ends inside a length prefix") }
        let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: cursor, as: UInt32.self)))
        cursor += 4
        guard length <= raw.count - cursor else {
            throw ParquetPageFailure("a length prefix claims \(length) bytes but only \(raw.count - cursor) remain in the page")
        }
        defer { cursor += length }
        return UnsafeRawBufferPointer(rebasing: raw[cursor ..< cursor + length])
    }

    /// The values among the last `lastEntries` entries (those whose definition level is the maximum).
    private func nonNullCount(_ data: ParquetLeafData, lastEntries: Int) -> Int {
        guard leaf.maxDefinitionLevel > 0 else { return lastEntries }
        let maximum = UInt8(leaf.maxDefinitionLevel)
        var count = 0
        for level in data.definitionLevels[(data.definitionLevels.count - lastEntries)...] where level == maximum { count += 1 }
        return count
    }

    /// Calls `body` with the page body decompressed into `scratch` (grown to `size` when needed), or with the mapped
    /// body itself when it is uncompressed (no copy).
    private func withDecompressed(_ codec: ParquetCompression, _ body: UnsafeRawBufferPointer, size: Int, scratch: inout [UInt8],
                                  _ use: (UnsafeRawBufferPointer) throws -> Void) throws {
        if codec == .uncompressed {
            guard body.count == size else {
                throw ParquetPageFailure("an uncompressed page holds \(body.count) bytes but its header says \(size)")
            }
            return try use(body)
        }
        if scratch.count < size {
            // Grow geometrically: pages of slowly increasing sizes would otherwise each get a fresh buffer.
            let grown = max(size, min(2 * scratch.count, Self.maximumPageBytes))
            scratch = [UInt8](unsafeUninitializedCapacity: grown) { _, initialized in initialized = grown }
        }
        try scratch.withUnsafeMutableBytes { target in
            let page = UnsafeMutableRawBufferPointer(rebasing: target[0 ..< size])
            try decompressor.decompress(codec: codec, body, into: page)
            try use(UnsafeRawBufferPointer(page))
        }
    }

    /// PLAIN values of the column's physical type.
    private func decodePlain(_ raw: UnsafeRawBufferPointer, count: Int, into values: inout ParquetColumnValues) throws {
        switch leaf.physicalType {
        case .boolean:
            guard count <= raw.count * 8 else { throw ParquetPageFailure("the page holds \(raw.count) bytes, fewer than \(count) PLAIN booleans") }
            values.booleans.reserveGrowing(count)
            for index in 0 ..< count { values.booleans.append(raw[index >> 3] >> UInt8(index & 7) & 1 == 1) }
        case .int32: try ParquetEncodingDecoder.appendPlain(raw, count: count, into: &values.int32s)
        case .int64: try ParquetEncodingDecoder.appendPlain(raw, count: count, into: &values.int64s)
        case .float:
            var bits: [UInt32] = []
            try ParquetEncodingDecoder.appendPlain(raw, count: count, into: &bits)
            values.floats.append(contentsOf: bits.lazy.map { Float(bitPattern: $0) })
        case .double:
            var bits: [UInt64] = []
            try ParquetEncodingDecoder.appendPlain(raw, count: count, into: &bits)
            values.doubles.append(contentsOf: bits.lazy.map { Double(bitPattern: $0) })
        case .int96:
            guard count <= raw.count / 12 else { throw ParquetPageFailure("the page holds \(raw.count) bytes, fewer than \(count) INT96 values") }
            values.int64s.reserveGrowing(count)
            for index in 0 ..< count {
                // INT96 timestamps (Impala, Hive, Spark): nanoseconds of the day, then the Julian day number.
                let nanoseconds = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 12, as: Int64.self))
                let julianDay = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 12 + 8, as: Int32.self)))
                let days = julianDay - 2_440_588
                let micros = days &* 86_400_000_000 &+ Self.floorDivide(nanoseconds, 1000)
                values.int64s.append(micros)
            }
        case .byteArray:
            try ParquetEncodingDecoder.appendPlainByteArrays(raw, count: count, into: &values)
        case .fixedLenByteArray:
            let width = leaf.typeLength
            guard count <= raw.count / width else { throw ParquetPageFailure("the page holds \(raw.count) bytes, fewer than \(count) values of \(width) bytes") }
            values.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0 ..< count * width]))
            values.byteEnds.reserveGrowing(count)
            let base = values.byteEnds.last ?? 0
            for index in 0 ..< count { values.byteEnds.append(base + (index + 1) * width) }
        }
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }

    private func decodeValues(_ raw: UnsafeRawBufferPointer, encoding: Int32, count: Int, dictionary: ParquetColumnValues?,
                              into values: inout ParquetColumnValues, page: Int, byteOffset: Int) throws {
        let type = leaf.physicalType
        switch ParquetEncoding(rawValue: encoding) {
        case .plain?:
            try decodePlain(raw, count: count, into: &values)
        case .plainDictionary?, .rleDictionary?:
            guard let dictionary else { throw ParquetPageFailure("a dictionary-encoded page comes without a dictionary page") }
            guard count > 0 else { return }
            guard raw.count >= 1 else { throw ParquetPageFailure("a dictionary-encoded page has no bit width") }
            var indices: [UInt32] = []
            try ParquetEncodingDecoder.decodeHybrid(UnsafeRawBufferPointer(rebasing: raw[1...]), bitWidth: Int(raw[0]), count: count, into: &indices)
            try values.appendGathering(dictionary, indices: indices)
        case .rle? where type == .boolean:
            var cursor = 0
            let run = try lengthPrefixed(raw, &cursor)
            var bits: [UInt32] = []
            try ParquetEncodingDecoder.decodeHybrid(run, bitWidth: 1, count: count, into: &bits)
            values.booleans.append(contentsOf: bits.lazy.map { $0 == 1 })
        case .deltaBinaryPacked? where type == .int32 || type == .int64:
            var cursor = 0
            if type == .int32 {
                var wide: [Int64] = []
                try ParquetEncodingDecoder.decodeDeltaBinaryPacked(raw, offset: &cursor, expectedCount: count, maximumBitWidth: 32, into: &wide)
                values.int32s.append(contentsOf: wide.lazy.map { Int32(truncatingIfNeeded: $0) })
            } else {
                try ParquetEncodingDecoder.decodeDeltaBinaryPacked(raw, offset: &cursor, expectedCount: count, maximumBitWidth: 64, into: &values.int64s)
            }
        case .deltaLengthByteArray? where type == .byteArray:
            var cursor = 0
            try ParquetEncodingDecoder.appendDeltaLengthByteArrays(raw, offset: &cursor, count: count, into: &values)
        case .deltaByteArray? where type == .byteArray || type == .fixedLenByteArray:
            try ParquetEncodingDecoder.appendDeltaByteArrays(raw, count: count, fixedLength: type == .fixedLenByteArray ? leaf.typeLength : nil, into: &values)
        case .byteStreamSplit? where type == .float || type == .double || type == .int32 || type == .int64 || type == .fixedLenByteArray:
            let width = type == .float || type == .int32 ? 4 : type == .fixedLenByteArray ? leaf.typeLength : 8
            let plain = try ParquetEncodingDecoder.unsplitByteStreams(raw, count: count, width: width)
            try plain.withUnsafeBytes { try decodePlain($0, count: count, into: &values) }
        default:
            throw unsupported("data in the \(ParquetEncoding.name(encoding)) encoding for \(type.name) values", page: page, byteOffset: byteOffset)
        }
    }
}
