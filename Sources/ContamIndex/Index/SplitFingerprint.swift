import Foundation
import ContamStorage
import ContamText
import ContamCorpus

extension IndexManifest {
    /// The fingerprint of a `--shard K/N` split, alike in every part of it and different for another split: XXH64
    /// (16 hex digits) of N, the tokenizer options and every resolved input file of the whole corpus with its size
    /// in bytes (what `InputPart.select` deals from). `contam merge` and `contam check --combine` refuse a part
    /// whose fingerprint differs from the others' (a part of another corpus, split or build).
    public static func splitFingerprint(files: [String], part: InputPart, tokenizer: TokenizerOptions) -> String {
        var text = "contam-split\n\(part.count)\n\(tokenizer.summary)\n"
        for path in files {
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
            text += "\(path)\t\(bytes)\n"
        }
        return hex(XXHash64.hash(Array(text.utf8)))
    }
}
