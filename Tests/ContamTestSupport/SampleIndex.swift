import ContamIndex

/// Real indexes of the sample corpora in corpora/ (licenses, the Python tutorial and FAQ), built for tests.
public enum SampleIndex {
    /// The sample corpus inputs.
    public static let inputs = ["\(repositoryRoot)/corpora/licenses", "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst", "\(repositoryRoot)/corpora/python-faq.csv"]

    /// Builds a full index of `inputs` at `path` and opens it.
    public static func build(_ path: String, configure: (inout IndexBuildOptions) -> Void = { _ in }) throws -> Index {
        try write(path, sketchOnly: false, configure: configure)
        return try Index.open(path: path)
    }

    /// Builds a sketch-only index of `inputs` at `path` and opens it.
    public static func buildSketchOnly(_ path: String, configure: (inout IndexBuildOptions) -> Void = { _ in }) throws -> SketchIndex {
        try write(path, sketchOnly: true, configure: configure)
        guard case .sketchOnly(let index) = try OpenedIndex.open(path: path) else {
            throw IndexError.invalidArgument("\(path): a sketch-only build did not open as a sketch-only index")
        }
        return index
    }

    static func write(_ path: String, sketchOnly: Bool, configure: (inout IndexBuildOptions) -> Void) throws {
        var options = IndexBuildOptions()
        options.sketchOnly = sketchOnly
        configure(&options)
        _ = try IndexBuilder(inputs: inputs, outputPath: path, options: options).build()
    }
}
