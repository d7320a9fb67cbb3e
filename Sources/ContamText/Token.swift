/// One token of a text: its normalized form (what is indexed and matched) and where it came from
/// (the byte range of the raw, un-normalized UTF-8 text), so any match can be shown in the original.
public struct Token: Equatable, Hashable, Sendable {
    /// Normalized token text (case-folded unless the options keep case).
    public var text: String
    /// Byte range of the token in the raw UTF-8 text it was read from.
    public var byteRange: Range<Int>

    public init(text: String, byteRange: Range<Int>) {
        self.text = text
        self.byteRange = byteRange
    }
}
