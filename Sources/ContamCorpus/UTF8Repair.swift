/// UTF-8 validation and repair. Validation runs 8 bytes at a time over ASCII; repair replaces each invalid
/// sequence by U+FFFD following the Unicode "maximal subpart" practice (Unicode §3.9, U+FFFD substitution), exactly
/// as Swift's `String(decoding:as: UTF8.self)` does, and reports how many replacements it made.
public enum UTF8Repair {
    /// The UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER.
    public static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Whether `bytes` are well-formed UTF-8. O(n), no allocation.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        firstInvalidOffset(bytes) == nil
    }

    /// The offset of the first byte of the first ill-formed sequence, or nil when all of `bytes` is well-formed.
    public static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        while index < count {
            // ASCII fast path: 8 bytes per step while none has its high bit set.
            // Safe: index + 8 <= count, and loadUnaligned needs no alignment.
            while index &+ 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index &+= 8
            }
            guard index < count else { return nil }
            let lead = base[index]
            if lead < 0x80 {
                index &+= 1
                continue
            }
            let length = sequenceLength(base, at: index, count: count)
            if length < 0 { return index }
            index &+= length
        }
        return nil
    }

    /// The length of the well-formed sequence starting at `index`, or `-(valid prefix length)` (at least -1)
    /// when it is ill-formed; the prefix is the maximal subpart that one U+FFFD replaces.
    @inline(__always)
    private static func sequenceLength(_ base: UnsafePointer<UInt8>, at index: Int, count: Int) -> Int {
        let lead = base[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return -1
        }
        var offset = 1
        while offset < length {
            let position = index &+ offset
            guard position < count else { return -offset }
            let byte = base[position]
            guard byte >= low && byte <= high else { return -offset }
            low = 0x80
            high = 0xBF
            offset &+= 1
        }
        return length
    }

    /// Returns `bytes` with each ill-formed sequence replaced by U+FFFD, and the number of replacements.
    /// Allocates only the result; O(n).
    public static func repaired(_ bytes: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], replacements: Int) {
        guard let first = firstInvalidOffset(bytes), let base = bytes.baseAddress else { return (Array(bytes), 0) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count &+ 16)
        output.append(contentsOf: UnsafeBufferPointer(start: base, count: first))
        var replacements = 0
        var index = first
        let count = bytes.count
        while index < count {
            // Copy the next valid run at once, then replace one maximal subpart.
            let rest = UnsafeBufferPointer(start: base + index, count: count &- index)
            let validLength = firstInvalidOffset(rest) ?? rest.count
            output.append(contentsOf: UnsafeBufferPointer(start: base + index, count: validLength))
            index &+= validLength
            guard index < count else { break }
            let length = sequenceLength(base, at: index, count: count)
            output.append(contentsOf: replacementCharacter)
            replacements &+= 1
            index &+= -length
        }
        return (output, replacements)
    }

    /// Repairs `bytes` in place (only when needed) and returns the number of replacements made.
    @discardableResult
    public static func repair(_ bytes: inout [UInt8]) -> Int {
        let invalid = bytes.withUnsafeBufferPointer { firstInvalidOffset($0) }
        guard invalid != nil else { return 0 }
        let (fixed, replacements) = bytes.withUnsafeBufferPointer { repaired($0) }
        bytes = fixed
        return replacements
    }
}
