import Foundation
import ContamDetect

/// One benchmark or control item as the probes use it: its text (the `--field` text, read exactly like `contam
/// check` reads it), the two pieces of the guided test and the options of the option test, or why each is missing.
public struct ProbeItem: Sendable, Equatable {
    /// The `--id-field` value, else `file:record`.
    public var id: String
    /// `FILE: record N`, for messages.
    public var location: String
    /// The item's text: what membership scores echo.
    public var text: String
    /// The guided test's first piece (shown) and second piece (the truth), or nil with `splitNote` saying why.
    public var firstPiece: String?
    public var secondPiece: String?
    public var splitNote: String?
    /// Option guessing: the question, the options and the index of the correct one; nil with `choicesNote`.
    public var question: String?
    public var choices: [String]?
    public var answerIndex: Int?
    public var choicesNote: String?

    public init(id: String, location: String, text: String) {
        self.id = id
        self.location = location
        self.text = text
    }

    /// `FILE: record N` of a read item.
    static func location(of item: CheckItem) -> String { "\(item.sourcePath): record \(item.recordNumber)" }

    /// An item split at its middle word: the first ⌊n/2⌋ whitespace-separated words are the first piece, the rest
    /// (from the first byte of the next word, so the text's own spacing is kept) the second; an item of fewer than
    /// two words cannot be split and says so.
    static func halves(of text: String) -> (first: String, second: String)? {
        let scalars = Array(text.unicodeScalars)
        var wordStarts = [Int]()
        var inWord = false
        for (k, scalar) in scalars.enumerated() {
            let space = scalar.properties.isWhitespace
            if !space && !inWord { wordStarts.append(k) }
            inWord = !space
        }
        guard wordStarts.count >= 2 else { return nil }
        let cut = wordStarts[wordStarts.count / 2]
        var first = String.UnicodeScalarView(), second = String.UnicodeScalarView()
        first.append(contentsOf: scalars[..<cut])
        second.append(contentsOf: scalars[cut...])
        return (String(first).trimmingCharacters(in: .whitespacesAndNewlines), String(second).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
