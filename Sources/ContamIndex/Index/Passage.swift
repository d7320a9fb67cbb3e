import ContamText

/// A matched passage shown in its original text: the match and some context on each side, cut at
/// UTF-8 character boundaries, whitespace runs folded to single spaces for one-line display.
public struct Passage: Equatable, Sendable, Codable {
    public var before: String
    public var match: String
    public var after: String
    /// Byte range of the match in the document's raw text.
    public var byteRange: Range<Int>

    /// The passage of `text` covering tokens `tokenRange` (indices into `tokens`, which were produced
    /// from `text`), with about `contextBytes` bytes of context on each side.
    public static func extract(text: [UInt8], tokens: [Token], tokenRange: Range<Int>, contextBytes: Int = 80) -> Passage? {
        guard !tokenRange.isEmpty, tokenRange.lowerBound >= 0, tokenRange.upperBound <= tokens.count else { return nil }
        let start = tokens[tokenRange.lowerBound].byteRange.lowerBound
        let end = tokens[tokenRange.upperBound - 1].byteRange.upperBound
        var contextStart = max(0, start - contextBytes)
        while contextStart > 0 && contextStart < text.count && text[contextStart] & 0xC0 == 0x80 { contextStart -= 1 }
        var contextEnd = min(text.count, end + contextBytes)
        while contextEnd < text.count && text[contextEnd] & 0xC0 == 0x80 { contextEnd += 1 }
        func clean(_ range: Range<Int>) -> String {
            let raw = String(decoding: text[range], as: UTF8.self)
            var out = ""
            var lastWasSpace = false
            for ch in raw {
                if ch.isWhitespace {
                    if !lastWasSpace { out.append(" ") }
                    lastWasSpace = true
                } else {
                    out.append(ch)
                    lastWasSpace = false
                }
            }
            return out
        }
        return Passage(before: (contextStart > 0 ? "…" : "") + clean(contextStart..<start), match: clean(start..<end),
                       after: clean(end..<contextEnd) + (contextEnd < text.count ? "…" : ""), byteRange: start..<end)
    }

    /// One line with the match marked: in bold yellow on a terminal, else between «guillemets».
    public func rendered(color: Bool) -> String {
        color ? "\(before)\u{1B}[1;33m\(match)\u{1B}[0m\(after)" : "\(before)«\(match)»\(after)"
    }
}
