/// Carries a value into a concurrent closure when the code around it guarantees the accesses do not
/// race (each worker touches its own slot, or the owner waits for the worker before touching it again).
/// Every use says why it is safe.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
