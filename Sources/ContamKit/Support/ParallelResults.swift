/// Results of a `concurrentPerform` fan-out, one slot per task. @unchecked Sendable: each worker writes
/// only its own slots, and the owner reads `values` only after `concurrentPerform` has returned.
final class ParallelResults<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T>

    init(count: Int, initial: T) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: initial)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ value: T) { slots[index] = value }

    var values: [T] { Array(slots) }
}

/// Read-only bytes shared with `concurrentPerform` workers. @unchecked Sendable: the owner keeps the
/// memory alive and unchanged until the workers have returned.
struct SharedBytes: @unchecked Sendable {
    let value: UnsafeRawBufferPointer
}
