import ContamStorage

extension Index {
    /// A full integrity pass (`contam verify`): every file the layout (`ShardFile`) says a shard has is
    /// opened, compared with the manifest's record of it (size and header checksum) and its payload
    /// checksummed; when all of them are sound so far, each shard is then opened as a query opens it
    /// (headers and structure against the manifest, sketch parameters against the manifest's). Returns
    /// the problems found, each naming its file (empty when the index is sound). Reads every byte once.
    public static func verify(path: String) -> [String] {
        let manifest: IndexManifest
        do { manifest = try IndexManifest.read(directory: path) } catch { return ["\(error)"] }
        let kind = manifest.kind
        var problems: [String] = []
        for entry in manifest.shards {
            let shardPath = "\(path)/\(entry.directory)"
            for file in ShardFile.files(of: entry, kind: kind) {
                do {
                    let opened = try file.open(inShard: shardPath)
                    if let problem = IndexManifest.fileProblem(opened, file: file, entry: entry) {
                        throw IndexError.damaged(path: opened.path, index: path, detail: problem)
                    }
                    try opened.verifyChecksum()
                } catch {
                    problems.append("\(error)")
                }
            }
            // Opening cross-checks files that passed; after a failure it would only repeat the same problem.
            if problems.isEmpty {
                do {
                    if kind == .full { _ = try IndexShard(indexPath: path, entry: entry) }
                    _ = try SketchIndex.openSketch(indexPath: path, entry: entry)
                } catch { problems.append("\(error)") }
            }
        }
        return problems
    }
}
