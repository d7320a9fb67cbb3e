/// A bug, not bad input: reported with exit code 3.
public struct InternalError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
