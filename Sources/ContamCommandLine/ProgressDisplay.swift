import ContamStorage
import Foundation

/// A one-line progress display on stderr for long work: phase, amount done, rate and ETA. It draws only
/// when stderr is a terminal (and not `--quiet`), at most a few times a second, and clears its line when done.
public final class ProgressDisplay: ProgressReporter, @unchecked Sendable {
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
        var detail = bytes ? Quantity.bytes(done) : Quantity.count(done)
        if let total, total > 0 {
            detail += " / " + (bytes ? Quantity.bytes(total) : Quantity.count(total))
            detail += String(format: " (%.0f%%)", 100 * Double(done) / Double(total))
            if rate > 0 && done < total {
                detail += ", ETA " + Quantity.duration(Double(total - done) / rate)
            }
        }
        detail += ", " + (bytes ? Quantity.bytes(Int(rate)) : Quantity.count(Int(rate))) + "/s"
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
}
