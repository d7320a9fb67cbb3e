import Foundation
import ContamText
import ContamDetect

/// Corpus-side exposure of a tabular dataset, no model needed: how many of its rows, and its header, occur
/// verbatim in an indexed training corpus. Rows are looked up as they appear in the file and as "F1 = v1,
/// F2 = v2, …" (the serialization of the feature-completion prompts), tokenized like the corpus.
public enum TabularExposure {
    /// What to check.
    public struct Options: Sendable {
        /// Rows checked at most (evenly spread over the rows read).
        public var maxRows = 1000
        /// Rows shorter than this many tokens are skipped: they occur anywhere by chance.
        public var minTokens = 8
        /// Source documents named per hit.
        public var maxSources = 3
        /// Example rows kept in the report.
        public var maxExamples = 3

        public init() {}
    }

    /// One looked-up text: its token count, corpus occurrences and a few source documents.
    public struct Hit: Codable, Sendable, Equatable {
        public var line: Int
        public var text: String
        public var tokens: Int
        public var count: Int
        public var featureValueCount: Int
        public var sources: [String]
    }

    /// The exposure of one dataset.
    public struct Report: Codable, Sendable {
        public var dataset: String
        public var path: String
        public var rowsRead: Int
        public var rowsChecked: Int
        public var rowsTooShort: Int
        /// Rows found as written in the file.
        public var rowsFound: Int
        /// Rows found as "F = v" text.
        public var rowsFoundAsFeatureValues: Int
        /// Rows found either way.
        public var rowsFoundEither: Int
        public var header: Hit
        public var examples: [Hit]
        /// "exposed" (rows found), "header only", or "not found".
        public var verdict: String
        public var failure: String?

        /// Fraction of checked rows found either way.
        public var fraction: Double { rowsChecked == 0 ? 0 : Double(rowsFoundEither) / Double(rowsChecked) }
    }

    /// Looks up `dataset` in `corpus`. Cost: one count per row and serialization (O(tokens · log corpus)).
    public static func measure(_ dataset: TabularDataset, in corpus: CorpusQuerying, options: Options = Options()) throws -> Report {
        let tokenizer = Tokenizer(options: corpus.tokenizerOptions)
        func tokens(_ text: String) -> [String] { tokenizer.tokens(in: text).map(\.text) }
        func sources(_ sequence: [String]) throws -> [String] {
            var labels = [String]()
            for occurrence in corpus.occurrences(of: sequence[...], limit: options.maxSources * 4) {
                let label = try corpus.documentInfo(occurrence.document).label
                if !labels.contains(label) { labels.append(label) }
                if labels.count == options.maxSources { break }
            }
            return labels
        }
        let headerTokens = tokens(dataset.header)
        let headerCount = headerTokens.isEmpty ? 0 : corpus.count(of: headerTokens[...])
        let header = Hit(line: dataset.lineNumbers[0], text: dataset.header, tokens: headerTokens.count, count: headerCount, featureValueCount: 0,
                         sources: headerCount > 0 ? try sources(headerTokens) : [])
        let sampleCount = min(options.maxRows, dataset.rowCount)
        let step = Double(dataset.rowCount) / Double(max(1, sampleCount))
        var checked = 0, short = 0, found = 0, foundAsFeatures = 0, foundEither = 0
        var examples = [Hit]()
        for sample in 0..<sampleCount {
            let row = 1 + Int(Double(sample) * step)
            let raw = tokens(dataset.lines[row])
            guard raw.count >= options.minTokens else {
                short += 1
                continue
            }
            checked += 1
            let rawCount = corpus.count(of: raw[...])
            let featureTokens = tokens(TabularPlanner.serialize(dataset.fields[row], names: dataset.featureNames))
            let featureCount = corpus.count(of: featureTokens[...])
            if rawCount > 0 { found += 1 }
            if featureCount > 0 { foundAsFeatures += 1 }
            if rawCount > 0 || featureCount > 0 {
                foundEither += 1
                if examples.count < options.maxExamples {
                    examples.append(Hit(line: dataset.lineNumbers[row], text: dataset.lines[row], tokens: raw.count, count: rawCount, featureValueCount: featureCount,
                                        sources: try sources(rawCount > 0 ? raw : featureTokens)))
                }
            }
        }
        let verdict = foundEither > 0 ? "exposed" : headerCount > 0 ? "header only" : "not found"
        return Report(dataset: dataset.name, path: dataset.path, rowsRead: dataset.rowCount, rowsChecked: checked, rowsTooShort: short, rowsFound: found,
                      rowsFoundAsFeatureValues: foundAsFeatures, rowsFoundEither: foundEither, header: header, examples: examples, verdict: verdict)
    }

    /// A report for a dataset that could not be read.
    public static func failedReport(path: String, error: Error) -> Report {
        Report(dataset: TabularDataset.name(forPath: path), path: path, rowsRead: 0, rowsChecked: 0, rowsTooShort: 0, rowsFound: 0, rowsFoundAsFeatureValues: 0,
               rowsFoundEither: 0, header: Hit(line: 0, text: "", tokens: 0, count: 0, featureValueCount: 0, sources: []), examples: [], verdict: "failed", failure: "\(error)")
    }
}
