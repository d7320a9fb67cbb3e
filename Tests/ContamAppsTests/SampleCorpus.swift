import Foundation
@testable import ContamText
@testable import ContamCorpus
import ContamTestSupport

/// The repository's sample corpus (corpora/licenses, the Python tutorial JSONL, the Python FAQ CSV) as a
/// brute-force in-memory corpus, read with the same readers `contam index` uses.
enum SampleCorpus {
    static func load(options: TokenizerOptions = TokenizerOptions()) throws -> InMemoryCorpus {
        var texts: [String] = []
        var ids: [String?] = []
        let root = "\(repositoryRoot)/corpora"
        let inputs: [(String, CorpusOptions)] = [
            ("\(root)/licenses", CorpusOptions()),
            ("\(root)/python-tutorial.jsonl.zst", CorpusOptions(idField: "id")),
            ("\(root)/python-faq.csv", CorpusOptions(csvColumn: "answer")),
        ]
        for (path, corpusOptions) in inputs {
            let reader = try CorpusReader(inputs: [path], options: corpusOptions)
            try reader.forEachDocument { document in
                texts.append(String(decoding: document.text, as: UTF8.self))
                ids.append(document.externalID ?? "\((reader.sources[document.sourceIndex] as NSString).lastPathComponent):\(document.recordNumber)")
            }
        }
        return InMemoryCorpus(texts: texts, ids: ids, options: options, sourcePath: "corpora")
    }

    /// Loaded once; a failure is kept and rethrown by `shared()`, so each test fails with the reader's error.
    private static let loaded = Result { try load() }

    /// The sample corpus, loaded once for all tests.
    static func shared() throws -> InMemoryCorpus { try loaded.get() }
    static let itemsPath = "\(repositoryRoot)/corpora/items/benchmark.jsonl"
    static let generationsPath = "\(repositoryRoot)/corpora/items/generations.txt"
}
