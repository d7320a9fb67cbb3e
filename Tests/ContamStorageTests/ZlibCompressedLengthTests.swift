import Foundation
import Testing
import ContamTestSupport
@testable import ContamStorage

/// The zlib length of the membership score: the same bytes Python's `zlib.compress` produces (the paper's code),
/// and a stream that decompresses back to the input.
@Suite struct ZlibCompressedLengthTests {
    static let samples: [[UInt8]] = [
        [],
        Array("a".utf8),
        Array(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 40).utf8),
        Array("Python lambda expressions cannot contain statements because Python's syntactic framework can't handle statements nested inside expressions.".utf8),
        Array("Ünïcødé — ∑ 漢字 🙂".utf8),
    ]

    @Test(arguments: samples)
    func agreesWithPythonZlib(bytes: [UInt8]) throws {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let output = try ExternalTools.run("python3", ["-c", "import sys, zlib; print(len(zlib.compress(bytes.fromhex(sys.argv[1]))))", hex])
        #expect(output.status == 0, "\(output.stderr)")
        let expected = Int(String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try ZlibCompressedLength.byteCount(of: bytes) == expected)
    }

    @Test func repetitiveTextCompressesFarBelowItsLength() throws {
        let text = Self.samples[2]
        #expect(try ZlibCompressedLength.byteCount(of: text) < text.count / 10)
        #expect(try ZlibCompressedLength.byteCount(of: Self.samples[3]) > Self.samples[3].count / 2)
    }

    @Test func aBadLevelIsAnInternalError() {
        #expect(throws: InternalError.self) { try ZlibCompressedLength.byteCount(of: [1, 2, 3], level: 42) }
    }
}
