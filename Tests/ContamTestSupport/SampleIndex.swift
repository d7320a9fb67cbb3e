import ContamIndex

/// Real indexes of the sample corpora in corpora/ (licenses, the Python tutorial and FAQ), built for tests.
public enum SampleIndex {
    /// The sample corpus inputs.
    public static let inputs = ["\(repositoryRoot)/corpora/licenses", "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst", "\(repositoryRoot)/corpora/python-faq.csv"]

    /// Builds an index of `inputs` at `path` (full, or sketch only) and opens it.
    public static func build(_ path: String, sketchOnly: Bool = false, configure: (inout IndexBuildOptions) -> Void = { _ in }) throws -> Index {
        var options = IndexBuildOptions()
        options.sketchOnly = sketchOnly
        configure(&options)
        _ = try IndexBuilder(inputs: inputs, outputPath: path, options: options).build()
        return try Index.open(path: path)
    }
}
