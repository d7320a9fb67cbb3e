/// contam's version, printed by `contam --version` and stored in index manifests.
public enum ContamVersion {
    public static let string = "0.1.0"
}
