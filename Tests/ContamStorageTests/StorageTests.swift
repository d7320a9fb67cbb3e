import Foundation
import Testing
@testable import ContamStorage
import ContamTestSupport

@Suite struct XXHash64Tests {
    @Test func knownVectors() {
        // Reference values from the xxHash specification's test suite.
        #expect(XXHash64.hash([UInt8]()) == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        #expect(XXHash64.hash(Array("Nobody inspects the spammish repetition".utf8)) == 0xFBCE_A83C_8A37_8BF1)
    }

    @Test func streamingEqualsOneShot() {
        var rng = SeededRandom(seed: 11)
        for length in [0, 1, 7, 31, 32, 33, 64, 100, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let whole = XXHash64.hash(bytes)
            for piece in [1, 3, 17, 32, 50] {
                var hasher = XXHash64()
                var i = 0
                while i < bytes.count {
                    let j = min(bytes.count, i + piece)
                    bytes[i..<j].withUnsafeBytes { hasher.update($0) }
                    i = j
                }
                #expect(hasher.digest == whole, "length \(length) piece \(piece)")
            }
        }
    }
}

@Suite struct SystemCallTests {
    @Test func ioErrorsCarryTheErrnoAndPrintItsText() {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let missing = dir.file("missing.bin")
        let error = #expect(throws: StorageError.self) { try MappedFile(path: missing) }
        #expect(error == .io(path: missing, operation: "open", errno: SystemErrorCode(ENOENT)))
        #expect(error?.systemErrorCode == SystemErrorCode(ENOENT))
        #expect("\(error!)" == "\(missing): open failed: \(String(cString: strerror(ENOENT)))")
        #expect(StorageError.checksumMismatch(path: missing).systemErrorCode == nil)
    }

    @Test func interruptedCallsAreRetriedAndOtherFailuresReturned() {
        var calls = 0
        let result = retryingOnInterrupt { () -> Int in
            calls += 1
            if calls < 3 { errno = EINTR; return -1 }
            return 42
        }
        #expect(result == 42 && calls == 3)
        calls = 0
        let failed = retryingOnInterrupt { () -> Int32 in
            calls += 1
            errno = EACCES
            return -1
        }
        #expect(failed == -1 && calls == 1 && errno == EACCES)
    }
}
