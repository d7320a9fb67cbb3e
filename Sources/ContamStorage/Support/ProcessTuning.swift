import CShims

/// Process-wide settings for long builds; the CLI calls them once at start-up.
public enum ProcessTuning {
    /// Freed blocks of 1 MiB or more go back to the system at once (see `CShims/malloc_tuning.h`), so a
    /// transient large buffer (a batch that held one long document) does not stay in the resident set:
    /// the sketch-only build's memory target is the filter plus a small fixed amount.
    public static func returnLargeBlocksOnFree() { contam_return_large_blocks_on_free() }
}
