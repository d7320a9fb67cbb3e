import Foundation
import ContamStorage

/// Finds the datasets to test: files given directly, and every table file (`isDataset`) below given directories
/// (recursively, in sorted order, hidden entries skipped).
public enum TabularInputs {
    /// The dataset files for `paths`. Throws for a missing path, or when nothing is found.
    public static func expand(_ paths: [String]) throws -> [String] {
        var files = [String]()
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TabularError.unreadable(path: path, reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = fm.enumerator(atPath: path) else {
                throw TabularError.unreadable(path: path, reason: "cannot list this directory")
            }
            var found = [String]()
            while let relative = enumerator.nextObject() as? String {
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                if isDataset(relative) { found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative) }
            }
            files.append(contentsOf: found.sorted())
        }
        guard !files.isEmpty else { throw TabularError.noDatasets(paths: paths) }
        return files
    }

    /// True for the names of tables: `.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.json` (each optionally `.gz`, `.bz2`, `.xz`, `.zst`) and `.parquet` (any case).
    public static func isDataset(_ name: String) -> Bool {
        let lower = CompressionFormat.strippingSuffix(name).lowercased()
        return [".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet"].contains { lower.hasSuffix($0) }
    }
}
