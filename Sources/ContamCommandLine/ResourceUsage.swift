#if canImport(Glibc)
import Glibc
#endif

/// The process's own resource figures, for summaries.
public enum ResourceUsage {
    /// Peak resident set size of this process so far, in bytes (getrusage; Linux reports KiB).
    public static var peakResidentBytes: Int {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
    }
}
