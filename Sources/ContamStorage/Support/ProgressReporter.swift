/// Where long work reports how far it got: a phase, then amounts done. The library's builders and
/// pipelines report through this protocol; the command line draws it (`ProgressDisplay`), tests and
/// library users pass `SilentProgress` or their own.
public protocol ProgressReporter: Sendable {
    /// Starts a new phase ("reading", "suffix arrays", ...).
    func begin(_ phase: String)
    /// `done` of `total` units so far (bytes when `bytes`), with extra text.
    func update(done: Int, total: Int?, bytes: Bool, extra: String)
    /// The work is over: clear whatever was drawn.
    func finish()
}

public extension ProgressReporter {
    func update(done: Int, total: Int?, bytes: Bool = true, extra: String = "") {
        update(done: done, total: total, bytes: bytes, extra: extra)
    }
}

/// Reports nothing.
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func begin(_ phase: String) {}
    public func update(done: Int, total: Int?, bytes: Bool, extra: String) {}
    public func finish() {}
}
