/// A bug, not bad input: reported with exit code 3.
public struct InternalError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// contam's version, printed by `contam --version` and stored in index manifests.
public enum ContamVersion {
    public static let string = "0.1.0"
}
