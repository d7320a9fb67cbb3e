import Foundation

/// The other datasets the header and feature-names tests show as few-shot examples: the canonical CSVs in
/// the repository's `corpora/tabular/` (or `--few-shot DIR`). The tested dataset itself is removed from the
/// pool by content (`TabularDatasetIdentity`), never by name.
public enum TabularFewShotPool {
    /// Rows read from each few-shot CSV: enough for the cuts and for the identity check.
    public static let rowsPerDataset = 2000

    /// Where the pool is: `$CONTAM_TABULAR_FEW_SHOT`, else the first `corpora/tabular` found in the current
    /// directory or above the executable (a build under `.build/` finds the repository's copy).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        executablePath: String = CommandLine.arguments.first ?? "",
                                        currentDirectory: String = FileManager.default.currentDirectoryPath) -> String? {
        if let configured = environment["CONTAM_TABULAR_FEW_SHOT"], !configured.isEmpty { return configured }
        var candidates = [currentDirectory + "/corpora/tabular"]
        var url = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            candidates.append(url.appendingPathComponent("corpora/tabular").path)
            candidates.append(url.appendingPathComponent("share/contam/tabular").path)
            url.deleteLastPathComponent()
        }
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// Loads every CSV of `directory` (sorted by name; the first ones are preferred as examples).
    public static func load(directory: String) throws -> [TabularDataset] {
        try TabularInputs.expand([directory]).map { try TabularDataset.load(path: $0, maxRows: rowsPerDataset) }
    }
}
