import Dispatch

/// `body(0..<count)` on `threads` threads pulling indices from a shared counter; results in index
/// order. The first error stops the remaining work and is rethrown.
public func parallelMap<T>(_ count: Int, threads: Int, _ body: (Int) throws -> T) throws -> [T] {
    let slots = ParallelResults<T?>(count: count, initial: nil)
    let next = LockedBox(0)
    let failure = LockedBox<Error?>(nil)
    let workers = max(1, min(threads, count))
    withoutActuallyEscaping(body) { body in
        // Safe: `body` only reads state that no worker mutates; each result slot is written once.
        let work = WorkerBody(body)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while failure.value == nil {
                let k = next.update { $0 += 1; return $0 } - 1
                guard k < count else { return }
                do { slots.set(k, try work.value(k)) } catch { failure.update { if $0 == nil { $0 = error } } }
            }
        }
    }
    if let error = failure.value { throw error }
    return slots.values.compactMap { $0 }
}

/// Results of a `concurrentPerform` fan-out, one slot per task. @unchecked Sendable: each worker writes
/// only its own slots, and the owner reads `values` only after `concurrentPerform` has returned.
public final class ParallelResults<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T>

    public init(count: Int, initial: T) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: initial)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    public func set(_ index: Int, _ value: T) { slots[index] = value }

    public var values: [T] { Array(slots) }
}

/// Carries a non-Sendable value (a closure that only reads shared, immutable state) into worker threads.
struct WorkerBody<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
