import Foundation

/// A published definition of a contaminated item, selectable with `--method` (several at once). Each
/// is a named set of parameters evaluated on the index; `definition` and `source` are what `--help`
/// and docs/check.md show.
///
/// Words vs tokens: `gpt3`, `lmeval13` and `gpt4` are defined on words with punctuation removed. They
/// take the item's word tokens (tokens starting with a letter or digit; every token on a `--normalize
/// lmeval` index) and query the index with the item's token run from the first to the last word of each
/// n-gram or window. On an index built with `--drop-punct` that run is exactly the words, up to the
/// tokenizer's notion of a word (`don't` is the two words `don` `t`, where lm-eval's Janitor deletes the
/// apostrophe and gives `dont`); on a `--normalize lmeval` index the words are the Janitor's, so `lmeval13`
/// is the harness's definition exactly. On an index that kept punctuation, the punctuation between the
/// words must match too, which can only miss hits (an approximation that errs towards clean).
public enum ContaminationMethod: String, CaseIterable, Sendable, Codable {
    case gpt3
    case lmeval13
    case palm
    case llama2
    case gpt4
    case exactsubstr
    case near

    /// The rule, in one or two sentences.
    public var definition: String {
        switch self {
        case .gpt3:
            return "words, lowercased, punctuation removed; N = 5th percentile of the items' lengths in words, clamped to [8, 13]; dirty if any N-gram of the item occurs in the corpus, ignoring N-grams found in more than 10 documents; items shorter than N are dirty only if found whole (same cutoff)"
        case .lmeval13:
            return "lm-evaluation-harness's decontamination: word 13-grams, lowercased, punctuation removed; dirty on any hit, no frequency cutoff; items under 13 words have no 13-gram and are clean; exact on an index built with --normalize lmeval, an approximation on others"
        case .palm:
            return "dirty if at least 70% of the item's 8-grams (index tokens) occur in the corpus; items under 8 tokens are dirty only if found whole"
        case .llama2:
            return "a token is contaminated if it lies in a matched span of more than 10 tokens allowing up to 4 mismatched tokens (none in the first 10, none trailing); contamination = contaminated / all tokens; bands: clean < 20%, not clean >= 20% (also 'not dirty' below 80%), dirty >= 80%"
        case .gpt4:
            return "three random 50-character windows of the item's letters and digits (seeded by the item text), snapped inward to whole words; dirty if any window occurs in the corpus; items of at most 50 characters are one window"
        case .exactsubstr:
            return "dirty if a verbatim span of at least 50 tokens occurs in the corpus"
        case .near:
            // The defaults come from CheckOptions, so the help cannot drift from them.
            return "dirty if a span of at least --min-span words (default \(CheckOptions().minSpan)) aligns with a corpus passage at similarity >= --similarity (default \(CheckOptions().similarity)), allowing substitutions, insertions and deletions"
        }
    }

    /// Where the definition comes from.
    public var source: String {
        switch self {
        case .gpt3: return "Brown et al. 2020, Language Models are Few-Shot Learners (GPT-3), Appendix C"
        case .lmeval13: return "EleutherAI lm-evaluation-harness, lm_eval/decontamination (janitor.py, decontaminate.py)"
        case .palm: return "Chowdhery et al. 2022, PaLM: Scaling Language Modeling with Pathways, Section 8"
        case .llama2: return "Touvron et al. 2023, Llama 2: Open Foundation and Fine-Tuned Chat Models, Appendix A.6"
        case .gpt4: return "OpenAI 2023, GPT-4 Technical Report, Appendix C"
        case .exactsubstr: return "Lee et al. 2022, Deduplicating Training Data Makes Language Models Better (ExactSubstr, 50-token threshold)"
        case .near: return "contam's near-verbatim rule (banded local alignment from exact seeds), docs/check.md"
        }
    }

    /// Parses `--method` values: names separated by commas, or `all`.
    public static func parseList(_ values: [String]) throws -> [ContaminationMethod] {
        var methods: [ContaminationMethod] = []
        for value in values {
            let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            // A value that names nothing would otherwise leave the default methods in place without a word.
            guard !names.isEmpty else { throw DetectError.noMethodNamed(value) }
            for name in names {
                if name == "all" {
                    methods.append(contentsOf: allCases)
                } else if let method = ContaminationMethod(rawValue: name) {
                    methods.append(method)
                } else {
                    throw DetectError.unknownMethod(name)
                }
            }
        }
        var seen = Set<ContaminationMethod>()
        return methods.filter { seen.insert($0).inserted }
    }
}
