import ContamStorage

/// GPT-4's substring check (OpenAI 2023, Appendix C): three random 50-character substrings of the item,
/// spaces and symbols removed, are looked up in the corpus. Here the characters are those of the item's
/// word tokens (normalized, so lowercase unless the index keeps case), concatenated; window starts are
/// drawn with SplitMix64 seeded by the FNV-1a hash of the item's bytes, so a run is reproducible.
///
/// **Snapping**: a window rarely starts and ends on word boundaries. It is snapped inward to the words
/// lying wholly inside it (the partial words at its ends are dropped); a window inside one long word
/// becomes that word. The corpus is queried with the item's token run from the first to the last of
/// those words.
public struct GPT4Windows: Sendable {
    public var windowCount = 3
    public var windowChars = 50

    public init() {}

    /// Token ranges of the item to look up (one range for an item of at most `windowChars` characters).
    public func windows(_ item: TokenizedItem) -> [Range<Int>] {
        var words: [(token: Int, chars: Range<Int>)] = []
        var position = 0
        for (k, token) in item.strings.enumerated() where item.isWordToken(at: k) {
            let length = token.count
            words.append((k, position..<(position + length)))
            position += length
        }
        guard let firstWord = words.first, let lastWord = words.last else { return [] }
        let total = position
        if total <= windowChars { return [firstWord.token..<(lastWord.token + 1)] }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in item.text { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var random = SplitMix64(state: hash ^ 0x6770_7434)
        var result: [Range<Int>] = []
        for _ in 0..<windowCount {
            let start = Int(random.next() % UInt64(total - windowChars + 1))
            let window = start..<(start + windowChars)
            var inside = words.filter { window.lowerBound <= $0.chars.lowerBound && $0.chars.upperBound <= window.upperBound }
            if inside.isEmpty { inside = words.filter { $0.chars.overlaps(window) } }
            if let first = inside.first, let last = inside.last { result.append(first.token..<(last.token + 1)) }
        }
        return result
    }
}
