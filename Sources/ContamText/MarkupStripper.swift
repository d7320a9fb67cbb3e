/// Removes HTML and Markdown markup from text scraped from the web before it is tokenized
/// (`TokenizerOptions.stripMarkup`, `contam index --strip-markup`), keeping, for every byte it outputs, the
/// range of input bytes it came from, so token ranges still point into the original text.
///
/// - **HTML**: a tag (`<` then a letter, `/`, `!` or `?`, up to the next `>` within 2,048 bytes) becomes a space;
///   a comment `<!-- … -->` and the contents of `<script>` and `<style>` elements go with it. Character
///   references are decoded: `&#39;`, `&#x2019;`, and the named ones in `entities` (`&amp;`, `&nbsp;`,
///   `&mdash;` …); an unknown name stays as written.
/// - **Markdown**: code fence lines (` ``` ` or `~~~` after at most three spaces) are removed, the code
///   between them kept; inline code backticks removed; links and images `[text](url)`, `![alt](url)` become
///   their text; runs of `*` or `_` that open or close emphasis (not inside a word: `snake_case`, `2*3`
///   stay) are removed. As in CommonMark, `__init__` is emphasis there: strip markup from prose, not code.
///
/// O(n) time, two `Int32` offsets per output byte.
public struct MarkupStripper: Sendable {
    /// The stripped UTF-8 text.
    public private(set) var text: [UInt8] = []
    /// For each byte of `text`, the start and end of the input bytes it stands for.
    public private(set) var sourceStarts: [Int32] = []
    public private(set) var sourceEnds: [Int32] = []

    /// Named character references decoded (the common ones in scraped text).
    static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "shy": "\u{AD}",
        "mdash": "—", "ndash": "–", "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "laquo": "«", "raquo": "»", "copy": "©", "reg": "®", "trade": "™", "middot": "·", "bull": "•",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "deg": "°", "times": "×", "divide": "÷", "para": "¶",
        "sect": "§", "eacute": "é", "egrave": "è", "agrave": "à", "ccedil": "ç", "uuml": "ü", "ouml": "ö", "auml": "ä",
        "szlig": "ß", "zwsp": "\u{200B}", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}",
    ]

    /// Strips `input` (UTF-8).
    public init(_ input: UnsafeRawBufferPointer) {
        let count = input.count
        text.reserveCapacity(count)
        sourceStarts.reserveCapacity(count)
        sourceEnds.reserveCapacity(count)
        // Where a link's text ends (its `]`) and where the `(url)` after it ends.
        var linkEnds: [(bracket: Int, end: Int)] = []
        var i = 0
        var lineStart = true
        while i < count {
            let byte = input[i]
            if lineStart, let end = Self.fenceLineEnd(input, at: i) {
                i = end
                continue
            }
            lineStart = byte == 0x0A
            if let last = linkEnds.last, last.bracket == i {
                linkEnds.removeLast()
                i = last.end
                continue
            }
            switch byte {
            case UInt8(ascii: "<"):
                if let end = Self.tagEnd(input, at: i) {
                    emit(UInt8(ascii: " "), i..<end)
                    i = end
                    continue
                }
            case UInt8(ascii: "&"):
                if let (decoded, end) = Self.characterReference(input, at: i) {
                    for b in decoded.utf8 { emit(b, i..<end) }
                    i = end
                    continue
                }
            case UInt8(ascii: "!"), UInt8(ascii: "["):
                let bracket = byte == UInt8(ascii: "!") ? i + 1 : i
                if bracket < count, input[bracket] == UInt8(ascii: "["), let link = Self.link(input, at: bracket) {
                    linkEnds.append(link)
                    linkEnds.sort { $0.bracket > $1.bracket }
                    i = bracket + 1
                    continue
                }
            case UInt8(ascii: "`"):
                i += 1
                continue
            case UInt8(ascii: "*"), UInt8(ascii: "_"):
                var end = i
                while end < count && input[end] == byte { end += 1 }
                if Self.isEmphasisRun(input, range: i..<end) {
                    i = end
                    continue
                }
                for k in i..<end { emit(byte, k..<(k + 1)) }
                i = end
                continue
            default:
                break
            }
            emit(byte, i..<(i + 1))
            i += 1
        }
    }

    private mutating func emit(_ byte: UInt8, _ source: Range<Int>) {
        text.append(byte)
        sourceStarts.append(Int32(truncatingIfNeeded: source.lowerBound))
        sourceEnds.append(Int32(truncatingIfNeeded: source.upperBound))
    }

    /// The input range of output bytes `range` (non-empty).
    public func sourceRange(of range: Range<Int>) -> Range<Int> {
        Int(sourceStarts[range.lowerBound])..<Int(sourceEnds[range.upperBound - 1])
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte >= 0x80
    }

    /// After a code fence line starting at `position` (a line start): the offset after its newline.
    static func fenceLineEnd(_ input: UnsafeRawBufferPointer, at position: Int) -> Int? {
        var i = position
        while i < input.count && i - position < 3 && input[i] == 0x20 { i += 1 }
        guard i + 3 <= input.count else { return nil }
        let mark = input[i]
        guard mark == UInt8(ascii: "`") || mark == UInt8(ascii: "~"), input[i + 1] == mark, input[i + 2] == mark else { return nil }
        while i < input.count && input[i] != 0x0A { i += 1 }
        return min(i + 1, input.count)
    }

    /// After the HTML tag, comment or script/style element at `position` (a `<`), or nil when there is none.
    static func tagEnd(_ input: UnsafeRawBufferPointer, at position: Int) -> Int? {
        let count = input.count
        guard position + 1 < count else { return nil }
        let next = input[position + 1]
        if next == UInt8(ascii: "!"), position + 3 < count, input[position + 2] == UInt8(ascii: "-"), input[position + 3] == UInt8(ascii: "-") {
            return find(Array("-->".utf8), in: input, from: position + 4).map { $0 + 3 }
        }
        guard next == UInt8(ascii: "/") || next == UInt8(ascii: "!") || next == UInt8(ascii: "?") || (next | 0x20 >= 0x61 && next | 0x20 <= 0x7A) else { return nil }
        var i = position + 1
        while i < count && i - position < 2048 && input[i] != UInt8(ascii: ">") && input[i] != UInt8(ascii: "<") { i += 1 }
        guard i < count, input[i] == UInt8(ascii: ">") else { return nil }
        let end = i + 1
        for element in ["script", "style"] where hasPrefix(input, at: position + 1, element) {
            let close = Array("</\(element)".utf8)
            if let closing = find(close, in: input, from: end, caseInsensitive: true),
               let tail = find([UInt8(ascii: ">")], in: input, from: closing) {
                return tail + 1
            }
        }
        return end
    }

    static func hasPrefix(_ input: UnsafeRawBufferPointer, at position: Int, _ word: String) -> Bool {
        let bytes = Array(word.utf8)
        guard position + bytes.count <= input.count else { return false }
        for (k, b) in bytes.enumerated() where input[position + k] | 0x20 != b { return false }
        let after = position + bytes.count
        return after == input.count || !isAlphanumeric(input[after])
    }

    static func find(_ needle: [UInt8], in input: UnsafeRawBufferPointer, from start: Int, caseInsensitive: Bool = false) -> Int? {
        guard needle.count > 0, start + needle.count <= input.count else { return nil }
        var i = start
        while i + needle.count <= input.count {
            var k = 0
            while k < needle.count && (caseInsensitive ? input[i + k] | 0x20 == needle[k] | 0x20 : input[i + k] == needle[k]) { k += 1 }
            if k == needle.count { return i }
            i += 1
        }
        return nil
    }

    /// The decoded text and end of the character reference at `position` (a `&`).
    static func characterReference(_ input: UnsafeRawBufferPointer, at position: Int) -> (String, Int)? {
        var i = position + 1
        let limit = min(input.count, position + 12)
        if i < limit && input[i] == UInt8(ascii: "#") {
            i += 1
            var radix: UInt32 = 10
            if i < limit && input[i] | 0x20 == UInt8(ascii: "x") { radix = 16; i += 1 }
            var value: UInt32 = 0
            var digits = 0
            while i < limit, let digit = hexValue(input[i]), digit < radix, digits < 7 {
                value = value * radix + digit
                digits += 1
                i += 1
            }
            guard digits > 0, i < limit, input[i] == UInt8(ascii: ";") else { return nil }
            let scalar = value == 0 ? nil : Unicode.Scalar(value)
            return (String(scalar ?? "\u{FFFD}"), i + 1)
        }
        let nameStart = i
        while i < limit && (input[i] | 0x20 >= 0x61 && input[i] | 0x20 <= 0x7A) { i += 1 }
        guard i > nameStart, i < limit, input[i] == UInt8(ascii: ";") else { return nil }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: input[nameStart..<i]), as: UTF8.self)
        return entities[name].map { ($0, i + 1) }
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        default: return nil
        }
    }

    /// For a `[` at `position` that starts a Markdown link `[text](url)` on one line: the offset of its `]`
    /// and the offset after its `)`.
    static func link(_ input: UnsafeRawBufferPointer, at position: Int) -> (bracket: Int, end: Int)? {
        var depth = 0
        var i = position
        while i < input.count && i - position < 1000 && input[i] != 0x0A {
            if input[i] == UInt8(ascii: "[") { depth += 1 }
            if input[i] == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { break }
            }
            i += 1
        }
        guard i < input.count, input[i] == UInt8(ascii: "]"), i + 1 < input.count, input[i + 1] == UInt8(ascii: "(") else { return nil }
        var k = i + 2
        while k < input.count && k - i < 2048 && input[k] != UInt8(ascii: ")") && !isSpace(input[k]) { k += 1 }
        // A title after the url: up to the `)`.
        if k < input.count && input[k] == 0x20 {
            while k < input.count && k - i < 2048 && input[k] != UInt8(ascii: ")") && input[k] != 0x0A { k += 1 }
        }
        guard k < input.count, input[k] == UInt8(ascii: ")") else { return nil }
        return (i, k + 1)
    }

    /// Whether the run of `*` or `_` at `range` opens or closes emphasis: next to a non-space on one side and
    /// a space, punctuation or the text's end on the other, and not inside a word.
    static func isEmphasisRun(_ input: UnsafeRawBufferPointer, range: Range<Int>) -> Bool {
        let before: UInt8? = range.lowerBound > 0 ? input[range.lowerBound - 1] : nil
        let after: UInt8? = range.upperBound < input.count ? input[range.upperBound] : nil
        func isBoundary(_ byte: UInt8?) -> Bool {
            guard let byte else { return true }
            return isSpace(byte) || (!isAlphanumeric(byte))
        }
        let opens = after.map { !isSpace($0) } ?? false && isBoundary(before)
        let closes = before.map { !isSpace($0) } ?? false && isBoundary(after)
        let insideWord = before.map(isAlphanumeric) ?? false && after.map(isAlphanumeric) ?? false
        return (opens || closes) && !insideWord
    }
}
