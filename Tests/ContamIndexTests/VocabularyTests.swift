import Foundation
import Testing
@testable import ContamIndex
import ContamTestSupport

@Suite struct VocabularyTests {
    @Test func builderAgreesWithDictionaryAndFileLookups() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        var rng = SeededRandom(seed: 9)
        let alphabet = Array("abcdefghé日本_-.,0123456789")
        let words = (0..<3000).map { _ in String((0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
        let builder = VocabularyBuilder(expectedDistinct: 16)  // forces several table growths
        var oracle: [String: UInt32] = [:]
        for word in words + words.shuffled(using: &rng) {
            var w = word
            let id = w.withUTF8 { builder.id(of: UnsafeRawBufferPointer($0)) }
            if let known = oracle[word] { #expect(id == known) } else {
                #expect(id == UInt32(oracle.count + 1), "ids are dense in first-seen order")
                oracle[word] = id
            }
        }
        #expect(builder.count == oracle.count)
        try builder.write(to: dir.file("vocab.bin"))
        let vocabulary = try Vocabulary(path: dir.file("vocab.bin"))
        #expect(vocabulary.count == oracle.count)
        for (word, id) in oracle {
            #expect(vocabulary.id(of: word) == id)
            #expect(vocabulary.token(id) == word)
        }
        for absent in ["zzzz", "", "abcdefghabcdefghabcdefgh", "日本日本日本日本日本"] where oracle[absent] == nil {
            #expect(vocabulary.id(of: absent) == nil)
        }
        try vocabulary.binaryFile.verifyChecksum()
    }

    @Test func emptyVocabulary() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        try VocabularyBuilder().write(to: dir.file("vocab.bin"))
        let vocabulary = try Vocabulary(path: dir.file("vocab.bin"))
        #expect(vocabulary.count == 0)
        #expect(vocabulary.id(of: "a") == nil)
    }
}
