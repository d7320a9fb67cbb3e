/// How the values of one leaf column become `RecordValue`s, from its physical and logical type: text
/// annotations give strings, TIMESTAMP/INT96/DATE give timestamps (microseconds since the epoch; a DATE is its
/// midnight UTC), DECIMAL gives the nearest double, unannotated binary gives bytes.
enum ParquetValueConversion: Sendable {
    case boolean, int32, uint32, int64, uint64, float, double, string, bytes
    case timestamp(ParquetTimeUnit)
    /// INT96 values, already converted to microseconds when decoded.
    case microseconds
    case date
    case decimal(scale: Int32)

    init(_ leaf: ParquetLeafColumn) {
        let logical = leaf.logicalType
        switch leaf.physicalType {
        case .boolean: self = .boolean
        case .int32:
            switch logical {
            case .integer(_, false)?: self = .uint32
            case .date?: self = .date
            case let .decimal(scale, _)?: self = .decimal(scale: scale)
            default: self = .int32
            }
        case .int64:
            switch logical {
            case .integer(_, false)?: self = .uint64
            case let .timestamp(unit)?: self = .timestamp(unit)
            case let .decimal(scale, _)?: self = .decimal(scale: scale)
            default: self = .int64
            }
        case .int96: self = .microseconds
        case .float: self = .float
        case .double: self = .double
        case .byteArray, .fixedLenByteArray:
            switch logical {
            case .string?, .enumeration?, .json?: self = .string
            case let .decimal(scale, _)?: self = .decimal(scale: scale)
            default: self = .bytes
            }
        }
    }

    /// The value at `index` of `values` (which the caller has checked is below `values.count`).
    func value(_ values: ParquetColumnValues, at index: Int) throws -> RecordValue {
        switch self {
        case .boolean: return .bool(values.booleans[index])
        case .int32: return .integer(Int64(values.int32s[index]))
        case .uint32: return .integer(Int64(UInt32(bitPattern: values.int32s[index])))
        case .int64: return .integer(values.int64s[index])
        case .uint64:
            let raw = values.int64s[index]
            return raw >= 0 ? .integer(raw) : .double(Double(UInt64(bitPattern: raw)))
        case .float: return .double(Double(values.floats[index]))
        case .double: return .double(values.doubles[index])
        case .string:
            return .string(values.bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[values.byteRange(index)]), as: UTF8.self) })
        case .bytes: return .bytes(Array(values.bytes[values.byteRange(index)]))
        case let .timestamp(unit):
            let raw = values.int64s[index]
            switch unit {
            case .micros: return .timestamp(microsecondsSinceEpoch: raw)
            case .nanos: return .timestamp(microsecondsSinceEpoch: ParquetColumnChunkReader.floorDivide(raw, 1000))
            case .millis:
                let (micros, overflow) = raw.multipliedReportingOverflow(by: 1000)
                guard !overflow else { throw ParquetPageFailure("a TIMESTAMP(MILLIS) value \(raw) is out of the range of microsecond timestamps") }
                return .timestamp(microsecondsSinceEpoch: micros)
            }
        case .microseconds: return .timestamp(microsecondsSinceEpoch: values.int64s[index])
        case .date:
            let days = Int64(values.int32s[index])
            let (micros, overflow) = days.multipliedReportingOverflow(by: 86_400_000_000)
            guard !overflow else { throw ParquetPageFailure("a DATE value \(days) is out of the range of microsecond timestamps") }
            return .timestamp(microsecondsSinceEpoch: micros)
        case let .decimal(scale):
            // Through the decimal text, so the double is the correctly rounded value of unscaled x 10^-scale.
            let unscaled: String
            switch values.physicalType {
            case .int32: unscaled = String(values.int32s[index])
            case .int64: unscaled = String(values.int64s[index])
            default:
                // Big-endian two's complement; up to 16 bytes exactly, wider ones through a double.
                let range = values.byteRange(index)
                if range.count <= 16 {
                    var number: Int128 = 0
                    for byte in values.bytes[range] { number = number << 8 | Int128(byte) }
                    if range.count > 0 && range.count < 16, values.bytes[range.lowerBound] >= 0x80 { number -= Int128(1) << (range.count * 8) }
                    unscaled = String(number)
                } else {
                    var magnitude = 0.0
                    for byte in values.bytes[range] { magnitude = magnitude * 256 + Double(byte) }
                    if values.bytes[range.lowerBound] >= 0x80 { magnitude -= Self.power(2, range.count * 8) }
                    unscaled = String(magnitude)
                }
            }
            return .double(Double("\(unscaled)e\(-Int(scale))") ?? .nan)
        }
    }

    private static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0 ..< min(exponent, 400) { result *= base }
        return result
    }
}
