import Foundation

/// Short human forms of sizes, counts and durations for progress lines, summaries and `stats`.
public enum Quantity {
    /// "105.3 MB".
    public static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// "30.5 M".
    public static func count(_ count: Int) -> String {
        if count < 10_000 { return "\(count)" }
        if count < 10_000_000 { return String(format: "%.1f K", Double(count) / 1e3) }
        if count < 10_000_000_000 { return String(format: "%.1f M", Double(count) / 1e6) }
        return String(format: "%.1f G", Double(count) / 1e9)
    }

    /// "1m 05s".
    public static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds)
        if s < 3600 { return String(format: "%dm %02ds", s / 60, s % 60) }
        return String(format: "%dh %02dm", s / 3600, (s % 3600) / 60)
    }
}
