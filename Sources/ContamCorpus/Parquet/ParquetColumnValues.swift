/// The decoded, non-null values of one leaf column in one row group, in the array that suits its physical type
/// (only one array is used). INT96 timestamps are converted on decoding to microseconds in `int64s`;
/// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values are concatenated in `bytes`, value `i` ending at `byteEnds[i]`.
struct ParquetColumnValues {
    let physicalType: ParquetPhysicalType
    var booleans: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var bytes: [UInt8] = []
    var byteEnds: [Int] = []

    init(physicalType: ParquetPhysicalType) { self.physicalType = physicalType }

    /// Removes every value, keeping the arrays' capacity (for decoding page after page into the same buffers).
    mutating func removeAll() {
        booleans.removeAll(keepingCapacity: true)
        int32s.removeAll(keepingCapacity: true)
        int64s.removeAll(keepingCapacity: true)
        floats.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        byteEnds.removeAll(keepingCapacity: true)
    }

    var count: Int {
        switch physicalType {
        case .boolean: return booleans.count
        case .int32: return int32s.count
        case .int64, .int96: return int64s.count
        case .float: return floats.count
        case .double: return doubles.count
        case .byteArray, .fixedLenByteArray: return byteEnds.count
        }
    }

    /// The byte range of BYTE_ARRAY value `index` in `bytes`.
    @inline(__always)
    func byteRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : byteEnds[index - 1]) ..< byteEnds[index]
    }

    /// Appends the dictionary entries `indices` names; an index past the dictionary is a failure.
    mutating func appendGathering(_ dictionary: ParquetColumnValues, indices: [UInt32]) throws {
        let limit = dictionary.count
        for index in indices where Int(index) >= limit {
            throw ParquetPageFailure("a dictionary index is \(index) but the dictionary holds \(limit) values")
        }
        switch physicalType {
        case .boolean: booleans.append(contentsOf: indices.lazy.map { dictionary.booleans[Int($0)] })
        case .int32: int32s.append(contentsOf: indices.lazy.map { dictionary.int32s[Int($0)] })
        case .int64, .int96: int64s.append(contentsOf: indices.lazy.map { dictionary.int64s[Int($0)] })
        case .float: floats.append(contentsOf: indices.lazy.map { dictionary.floats[Int($0)] })
        case .double: doubles.append(contentsOf: indices.lazy.map { dictionary.doubles[Int($0)] })
        case .byteArray, .fixedLenByteArray:
            byteEnds.reserveGrowing(indices.count)
            dictionary.bytes.withUnsafeBufferPointer { source in
                for index in indices {
                    let range = dictionary.byteRange(Int(index))
                    bytes.append(contentsOf: source[range])
                    byteEnds.append(bytes.count)
                }
            }
        }
    }
}

extension Array {
    /// Makes room for `additional` more elements, at least doubling the capacity when it grows: reserving the exact
    /// size page after page would reallocate (and copy) the whole array for every page.
    @inline(__always)
    mutating func reserveGrowing(_ additional: Int) {
        let needed = count + additional
        if needed > capacity { reserveCapacity(Swift.max(needed, capacity * 2)) }
    }
}
