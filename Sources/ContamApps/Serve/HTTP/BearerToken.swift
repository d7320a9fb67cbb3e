/// The optional bearer token of `contam serve`, checked in constant time.
struct BearerToken: Sendable {
    private let expected: [UInt8]

    init(_ token: String) {
        expected = Array(token.utf8)
    }

    /// True when `authorization` (the header's value) is exactly "Bearer TOKEN".
    func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let prefix = "Bearer "
        guard authorization.hasPrefix(prefix) else { return false }
        return Self.constantTimeEqual(Array(authorization.utf8.dropFirst(prefix.utf8.count)), expected)
    }

    /// Compares every byte of `candidate` whatever its length and wherever the first difference is, so
    /// the time taken says nothing about the token beyond its length.
    static func constantTimeEqual(_ candidate: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = candidate.count == expected.count ? 0 : 1
        let walk = max(candidate.count, 1)
        for index in 0..<walk {
            let a: UInt8 = index < candidate.count ? candidate[index] : 0
            let b: UInt8 = expected.isEmpty ? 0 : expected[index % expected.count]
            difference |= a ^ b
        }
        return difference == 0 && candidate.count == expected.count
    }
}
