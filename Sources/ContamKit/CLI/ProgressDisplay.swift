import Foundation

/// A one-line progress display on stderr for long work: phase, amount done, rate and ETA. It draws only
/// when stderr is a terminal (and not `--quiet`), at most a few times a second, and clears its line when done.
public final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var phase = ""
    private var phaseStart = Date()
    private var lastDraw = Date.distantPast
    private var drewSomething = false

    public init(enabled: Bool) {
        self.enabled = enabled && Console.stderrIsTerminal
    }

    /// Starts a new phase ("reading", "suffix array shard 1/3", ...).
    public func begin(_ phase: String) {
        lock.lock(); defer { lock.unlock() }
        self.phase = phase
        phaseStart = Date()
        lastDraw = .distantPast
        draw(detail: "")
    }

    /// Updates the current phase: `done` of `total` units (bytes when `bytes`), plus extra text.
    public func update(done: Int, total: Int?, bytes: Bool = true, extra: String = "") {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(phaseStart), 1e-6)
        let rate = Double(done) / elapsed
        var detail = bytes ? Self.bytes(done) : Self.count(done)
        if let total, total > 0 {
            detail += " / " + (bytes ? Self.bytes(total) : Self.count(total))
            detail += String(format: " (%.0f%%)", 100 * Double(done) / Double(total))
            if rate > 0 && done < total {
                detail += ", ETA " + Self.duration(Double(total - done) / rate)
            }
        }
        detail += ", " + (bytes ? Self.bytes(Int(rate)) : Self.count(Int(rate))) + "/s"
        if !extra.isEmpty { detail += ", " + extra }
        draw(detail: detail)
    }

    /// Clears the progress line.
    public func finish() {
        guard enabled, drewSomething else { return }
        lock.lock(); defer { lock.unlock() }
        Console.err("\r\u{1B}[K")
        drewSomething = false
    }

    private func draw(detail: String) {
        guard enabled else { return }
        drewSomething = true
        Console.err("\r\u{1B}[K\(phase)\(detail.isEmpty ? "" : ": " + detail)")
    }

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
