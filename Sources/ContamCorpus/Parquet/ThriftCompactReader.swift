/// The element types of the Thrift compact protocol (Apache Thrift, doc/specs/thrift-compact-protocol.md).
enum ThriftType: UInt8 {
    case stop = 0, booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, structure = 12
}

/// Reads Thrift compact-protocol values from a bounded buffer (a footer or a page header inside a mapped file).
/// Every length, count and field header is checked against the bytes left before it is used; a value that
/// cannot be right is a `ParquetError.damaged` naming the file, the byte offset and `location`.
/// The buffer is borrowed: a reader exists only inside the `withUnsafeBytes` that lends it.
struct ThriftCompactReader {
    /// Unknown nested structs deeper than this are refused rather than recursed into (a stack-overflow guard).
    static let maximumNesting = 64

    let bytes: UnsafeRawBufferPointer
    /// Offset in `bytes` of the next byte to read.
    private(set) var offset: Int
    /// File offset of `bytes[0]`, for messages.
    let fileOffset: Int
    let path: String
    var location: ParquetLocation

    init(bytes: UnsafeRawBufferPointer, offset: Int = 0, fileOffset: Int, path: String, location: ParquetLocation) {
        self.bytes = bytes
        self.offset = offset
        self.fileOffset = fileOffset
        self.path = path
        self.location = location
    }

    func damaged(_ detail: String) -> ParquetError {
        var place = location
        place.byteOffset = fileOffset + offset
        return .damaged(path: path, location: place, detail: detail)
    }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw damaged("Thrift data ends early (after \(bytes.count) bytes)") }
        let value = bytes[offset]
        offset += 1
        return value
    }

    /// An unsigned LEB128 varint of at most 64 bits.
    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            if shift == 63 && next > 1 { throw damaged("a Thrift varint overflows 64 bits") }
            result |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw damaged("a Thrift varint is longer than 10 bytes") }
        }
    }

    mutating func zigzag64() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func i32() throws -> Int32 {
        let value = try zigzag64()
        guard let narrow = Int32(exactly: value) else { throw damaged("a Thrift i32 holds \(value), outside 32 bits") }
        return narrow
    }

    mutating func i16() throws -> Int16 {
        let value = try zigzag64()
        guard let narrow = Int16(exactly: value) else { throw damaged("a Thrift i16 holds \(value), outside 16 bits") }
        return narrow
    }

    mutating func i64() throws -> Int64 { try zigzag64() }

    mutating func double() throws -> Double {
        guard bytes.count - offset >= 8 else { throw damaged("Thrift data ends inside a double") }
        let bits = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// A binary or string value, as a range of `bytes`.
    mutating func binaryRange() throws -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(bytes.count - offset) else {
            throw damaged("a Thrift string claims \(length) bytes but only \(bytes.count - offset) remain")
        }
        let range = offset ..< offset + Int(length)
        offset = range.upperBound
        return range
    }

    /// A string value; invalid UTF-8 is replaced by U+FFFD.
    mutating func string() throws -> String {
        let range = try binaryRange()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The next field header of a struct, or nil at its stop byte. `lastFieldID` carries the delta base.
    mutating func fieldHeader(lastFieldID: inout Int16) throws -> (id: Int16, type: ThriftType)? {
        let header = try byte()
        if header == 0 { return nil }
        guard let type = ThriftType(rawValue: header & 0x0F), type != .stop else {
            throw damaged("a Thrift field has the unknown type \(header & 0x0F)")
        }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta == 0 {
            id = try i16()
        } else {
            let (sum, overflow) = lastFieldID.addingReportingOverflow(delta)
            guard !overflow else { throw damaged("a Thrift field id overflows") }
            id = sum
        }
        lastFieldID = id
        return (id, type)
    }

    /// The value of a struct field of type `booleanTrue`/`booleanFalse` (the value is in the type).
    func boolean(_ type: ThriftType) -> Bool { type == .booleanTrue }

    /// A list or set header: the element type and count (each element takes at least one byte, except
    /// booleans, which take one byte in a list, so the count is bounded by the bytes left).
    mutating func listHeader() throws -> (type: ThriftType, count: Int) {
        let header = try byte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try varint() }
        guard let type = ThriftType(rawValue: header & 0x0F), type != .stop else {
            throw damaged("a Thrift list has the unknown element type \(header & 0x0F)")
        }
        guard count <= UInt64(bytes.count - offset) else {
            throw damaged("a Thrift list claims \(count) elements but only \(bytes.count - offset) bytes remain")
        }
        return (type, Int(count))
    }

    /// Skips one value of `type`, including nested structs, lists, sets and maps.
    mutating func skip(_ type: ThriftType, depth: Int = 0) throws {
        guard depth < Self.maximumNesting else { throw damaged("Thrift values are nested more than \(Self.maximumNesting) deep") }
        switch type {
        case .stop: throw damaged("a Thrift stop byte where a value was expected")
        case .booleanTrue, .booleanFalse: return
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double: _ = try double()
        case .binary: _ = try binaryRange()
        case .list, .set:
            let (elementType, count) = try listHeader()
            for _ in 0 ..< count {
                if elementType == .booleanTrue || elementType == .booleanFalse { _ = try byte() } else { try skip(elementType, depth: depth + 1) }
            }
        case .map:
            let count = try varint()
            guard count > 0 else { return }
            guard count <= UInt64(bytes.count - offset) else {
                throw damaged("a Thrift map claims \(count) entries but only \(bytes.count - offset) bytes remain")
            }
            let types = try byte()
            guard let keyType = ThriftType(rawValue: types >> 4), let valueType = ThriftType(rawValue: types & 0x0F),
                  keyType != .stop, valueType != .stop else {
                throw damaged("a Thrift map has unknown key or value types (\(types))")
            }
            for _ in 0 ..< count {
                try skipElement(keyType, depth: depth + 1)
                try skipElement(valueType, depth: depth + 1)
            }
        case .structure:
            var last: Int16 = 0
            while let (_, fieldType) = try fieldHeader(lastFieldID: &last) {
                try skip(fieldType, depth: depth + 1)
            }
        }
    }

    /// Skips a list/map element: booleans there take a byte each, unlike struct fields.
    private mutating func skipElement(_ type: ThriftType, depth: Int) throws {
        if type == .booleanTrue || type == .booleanFalse { _ = try byte() } else { try skip(type, depth: depth) }
    }

    /// Reads a list of `count` elements of the expected type with `element`, or skips the list when its element
    /// type is not `expected`.
    mutating func list<T>(of expected: ThriftType, _ element: (inout ThriftCompactReader) throws -> T) throws -> [T] {
        let (type, count) = try listHeader()
        guard type == expected else {
            for _ in 0 ..< count { try skipElement(type, depth: 1) }
            throw damaged("a Thrift list holds elements of type \(type) where \(expected) was expected")
        }
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0 ..< count { items.append(try element(&self)) }
        return items
    }

    /// Reads a struct, calling `field` for each field header; `field` reads the value or calls `skip`.
    mutating func structure(_ field: (inout ThriftCompactReader, Int16, ThriftType) throws -> Void) throws {
        var last: Int16 = 0
        while let (id, type) = try fieldHeader(lastFieldID: &last) {
            try field(&self, id, type)
        }
    }
}
