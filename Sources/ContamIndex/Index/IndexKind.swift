/// What an index directory holds. A full index answers every query from its suffix arrays; a sketch-only
/// one (`contam index --sketch-only`) holds only n-gram Bloom filters. The two open as different types
/// (`Index`, `SketchIndex`, both behind `OpenedIndex`), so a suffix-array query on a sketch-only index
/// cannot be written.
public enum IndexKind: String, Sendable, Codable, Equatable {
    case full
    case sketchOnly = "sketch-only"
}
