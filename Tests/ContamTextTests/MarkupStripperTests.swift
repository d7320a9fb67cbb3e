import Foundation
import Testing
@testable import ContamText
import ContamTestSupport

@Suite struct MarkupStripperTests {
    static func stripped(_ text: String) -> String {
        var text = text
        return text.withUTF8 { String(decoding: MarkupStripper(UnsafeRawBufferPointer($0)).text, as: UTF8.self) }
    }

    static func words(_ text: String, strip: Bool) -> [String] {
        Tokenizer(options: TokenizerOptions(dropPunctuation: true, stripMarkup: strip)).tokens(in: text).map(\.text)
    }

    @Test func htmlAndMarkdownByExample() {
        #expect(Self.stripped("<p>Hello <b>bold</b> world</p>") == " Hello  bold  world ")
        #expect(Self.stripped("a <!-- hidden <b> --> b") == "a   b")
        #expect(Self.stripped("x<script>var a = '<p>';</script>y<style>p{}</style>z") == "x y z")
        #expect(Self.stripped("Tom &amp; Jerry&#39;s &#x2019; &nbsp;&mdash; &bogus; &#0;") == "Tom & Jerry's \u{2019} \u{A0}— &bogus; \u{FFFD}")
        #expect(Self.stripped("see [the docs](https://x.org/a_b \"t\") and ![logo](l.png)!") == "see the docs and logo!")
        #expect(Self.stripped("**bold** and _em_ and `code` but snake_case, 2*3, a * b") == "bold and em and code but snake_case, 2*3, a * b")
        #expect(Self.stripped("text\n```python\nx = 1\n```\nmore") == "text\nx = 1\nmore")
        #expect(Self.stripped("a < b and c > d, 3 <= 4") == "a < b and c > d, 3 <= 4")
    }

    /// Web text and its markdown or HTML rendering give the same words; token ranges point into the raw text.
    @Test func markupDoesNotChangeTheWords() {
        let plain = "The quick brown fox jumps over the lazy dog, twice."
        for marked in ["<p>The <em>quick</em> brown fox</p>\n<p>jumps over the lazy dog, twice.</p>",
                       "The **quick** brown [fox](http://fox.example) jumps _over_ the `lazy` dog, twice.",
                       "The quick brown fox jumps over the lazy dog&#44; twice&#x2E;"] {
            #expect(Self.words(marked, strip: true) == Self.words(plain, strip: false), "\(marked)")
        }
        let text = "A <b>bold</b> claim &amp; a [link](u)."
        let tokens = Tokenizer(options: TokenizerOptions(stripMarkup: true)).tokens(in: text)
        let raw = tokens.map { String(decoding: Array(text.utf8)[$0.byteRange], as: UTF8.self) }
        #expect(raw == ["A", "bold", "claim", "&amp;", "a", "link", "."])
    }

    /// On random text with markup characters: ranges in bounds, ordered, and text without markup unchanged.
    @Test func randomTextKeepsRangesSound() {
        var random = SeededRandom(seed: 0x3A2C)
        let pieces = ["<", ">", "&", ";", "#", "x", "[", "]", "(", ")", "!", "*", "_", "`", "~", "\n", " ", "a", "B", "é", "中", "amp", "<b>", "</i>", "&lt;", "&#65;", "```", "[t](u)"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 1...30, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let bytes = Array(text.utf8)
            let tokens = Tokenizer(options: TokenizerOptions(stripMarkup: true)).tokens(in: bytes)
            var previous = 0
            for token in tokens {
                #expect(token.byteRange.lowerBound >= previous && token.byteRange.upperBound <= bytes.count && !token.byteRange.isEmpty, "\(text.debugDescription)")
                previous = token.byteRange.lowerBound
            }
        }
        let plain = "Nothing to strip here: 3 + 4 = 7, é 中文."
        #expect(Tokenizer(options: TokenizerOptions(stripMarkup: true)).tokens(in: plain) == Tokenizer().tokens(in: plain))
    }
}
