import Foundation

/// The Parquet files of a dataset directory as the Hugging Face hub lays them out:
/// `DIR/data/train-00000-of-00004.parquet`, `DIR/train-00000-of-00001.parquet`, or (the hub's Parquet
/// conversion) `DIR/<config>/train/0000.parquet`.
public enum ParquetDataset {
    /// The `.parquet` files under `directory` (searched recursively, hidden entries skipped), sorted by path;
    /// with `split`, only that split's files: those named `<split>-…` or `<split>.parquet`, or inside a
    /// directory named `<split>`. Throws `ParquetError.noFiles` (listing the splits found) when none match.
    public static func files(in directory: String, split: String?) throws -> [String] {
        let root = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ParquetError.unreadable(path: directory, reason: "not a directory")
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
            throw ParquetError.unreadable(path: directory, reason: "cannot list the directory")
        }
        var all: [(path: String, split: String)] = []
        let rootComponents = root.standardizedFileURL.pathComponents.count
        for case let url as URL in walker where url.pathExtension == "parquet" {
            let name = url.deletingPathExtension().lastPathComponent
            let parents = Array(url.standardizedFileURL.pathComponents.dropLast().dropFirst(rootComponents))
            all.append((url.path, splitName(fileName: name, parents: parents)))
        }
        all.sort { $0.path < $1.path }
        guard let split else {
            guard !all.isEmpty else { throw ParquetError.noFiles(directory: directory, split: nil, splits: []) }
            return all.map(\.path)
        }
        let chosen = all.filter { $0.split == split }.map(\.path)
        guard !chosen.isEmpty else {
            let splits = Array(Set(all.map(\.split))).sorted()
            throw ParquetError.noFiles(directory: directory, split: split, splits: splits)
        }
        return chosen
    }

    /// `train` for `train-00000-of-00004` or `train.parquet`; for a file named only by a number (`0000`), the
    /// directory it is in.
    static func splitName(fileName: String, parents: [String]) -> String {
        let prefix = fileName.split(separator: "-", maxSplits: 1).first.map(String.init) ?? fileName
        if prefix.allSatisfy(\.isNumber), let directory = parents.last, directory != "data" { return directory }
        return prefix
    }
}
