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
        return text.withUnsafeBytes { window in
            extract(window: window, windowStart: 0, documentLength: text.count, match: start..<end, contextBytes: contextBytes)
        } ?? nil
    }

    /// The passage with the match at bytes `match` of a document of `documentLength` bytes, cut from `window`,
    /// the document's bytes `windowStart ..< windowStart + window.count`: the same passage `extract(text:…)`
    /// cuts from the whole document. Returns `.some(nil)` for a match outside the window, and nil when the context
    /// (about `contextBytes` each side, widened to UTF-8 character boundaries) runs past an edge of the window
    /// that is not an edge of the document: read a wider window. O(context).
    static func extract(window: UnsafeRawBufferPointer, windowStart: Int, documentLength: Int, match: Range<Int>,
                        contextBytes: Int) -> Passage?? {
        let windowEnd = windowStart + window.count
        guard match.lowerBound >= windowStart, match.upperBound <= windowEnd, windowEnd <= documentLength else { return .some(nil) }
        let (start, end) = (match.lowerBound, match.upperBound)
        // Byte `position` of the document (inside the window: every caller checks first).
        func byte(_ position: Int) -> UInt8 { window[position - windowStart] }
        var contextStart = max(0, start - contextBytes)
        while contextStart > 0 && contextStart < documentLength {
            guard contextStart >= windowStart else { return nil }
            if byte(contextStart) & 0xC0 != 0x80 { break }
            contextStart -= 1
        }
        guard contextStart >= windowStart else { return nil }
        var contextEnd = min(documentLength, end + contextBytes)
        while contextEnd < documentLength {
            guard contextEnd < windowEnd else { return nil }
            if byte(contextEnd) & 0xC0 != 0x80 { break }
            contextEnd += 1
        }
        guard contextEnd <= windowEnd else { return nil }
        func clean(_ range: Range<Int>) -> String {
            let raw = String(decoding: UnsafeRawBufferPointer(rebasing: window[(range.lowerBound - windowStart)..<(range.upperBound - windowStart)]), as: UTF8.self)
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
                       after: clean(end..<contextEnd) + (contextEnd < documentLength ? "…" : ""), byteRange: start..<end)
    }

    /// One line with the match marked: in bold yellow on a terminal, else between «guillemets».
    public func rendered(color: Bool) -> String {
        color ? "\(before)\u{1B}[1;33m\(match)\u{1B}[0m\(after)" : "\(before)«\(match)»\(after)"
    }
}
