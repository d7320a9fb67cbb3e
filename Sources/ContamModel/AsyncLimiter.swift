/// Bounds how many async operations run at once (a counting semaphore for tasks). Waiters are resumed in
/// arrival order.
public actor AsyncLimiter {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// At most `limit` (≥ 1) holders at a time.
    public init(limit: Int) {
        available = max(1, limit)
    }

    /// Waits for a free slot.
    public func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot (hands it to the oldest waiter, if any).
    public func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding a slot.
    public func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }
}
