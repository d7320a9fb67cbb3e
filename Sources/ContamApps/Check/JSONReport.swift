import ContamStorage
import ContamDetect

/// `--json`: one JSON object per item (JSONL), keys sorted, every figure, span, source and alignment.
/// The schema is documented in docs/check.md.
public enum JSONReport {
    /// A source passage.
    struct Source: Encodable {
        var document: String
        var shard: Int
        var doc: Int
        var tokenStart: Int
        var tokenEnd: Int
        var byteStart: Int?
        var byteEnd: Int?
        var before: String?
        var match: String?
        var after: String?

        init(_ source: SourcePassage) {
            document = source.label
            shard = source.document.shard
            doc = source.document.document
            tokenStart = source.tokenRange.lowerBound
            tokenEnd = source.tokenRange.upperBound
            byteStart = source.passage?.byteRange.lowerBound
            byteEnd = source.passage?.byteRange.upperBound
            before = source.passage?.before
            match = source.passage?.match
            after = source.passage?.after
        }

        enum CodingKeys: String, CodingKey {
            case document, shard, doc, before, match, after
            case tokenStart = "token_start", tokenEnd = "token_end", byteStart = "byte_start", byteEnd = "byte_end"
        }
    }

    struct Span: Encodable {
        var tokenStart: Int
        var tokenEnd: Int
        var tokens: Int
        var byteStart: Int
        var byteEnd: Int
        var chars: Int
        var text: String
        var occurrences: Int
        var sources: [Source]

        enum CodingKeys: String, CodingKey {
            case tokens, chars, text, occurrences, sources
            case tokenStart = "token_start", tokenEnd = "token_end", byteStart = "byte_start", byteEnd = "byte_end"
        }
    }

    struct Aligned: Encodable {
        var itemStart: Int
        var itemEnd: Int
        var docTokenStart: Int
        var docTokenEnd: Int
        var matches: Int
        var columns: Int
        var similarity: Double
        var score: Int
        var cigar: String

        init(_ alignment: LocalAlignment) {
            itemStart = alignment.itemRange.lowerBound
            itemEnd = alignment.itemRange.upperBound
            docTokenStart = alignment.targetRange.lowerBound
            docTokenEnd = alignment.targetRange.upperBound
            matches = alignment.matches
            columns = alignment.columns
            similarity = alignment.similarity
            score = alignment.score
            cigar = EditOperation.cigar(alignment.operations)
        }

        enum CodingKeys: String, CodingKey {
            case matches, columns, similarity, score, cigar
            case itemStart = "item_start", itemEnd = "item_end", docTokenStart = "doc_token_start", docTokenEnd = "doc_token_end"
        }
    }

    struct Near: Encodable {
        var nearVerbatim: Bool
        var similarity: Double
        var candidatesAligned: Int
        var alignment: Aligned
        var span: Aligned?
        var source: Source

        enum CodingKeys: String, CodingKey {
            case similarity, alignment, span, source
            case nearVerbatim = "near_verbatim", candidatesAligned = "candidates_aligned"
        }
    }

    struct Method: Encodable {
        var verdict: String
        var evidence: String
        var figures: [String: Double]
        var tokenStart: Int?
        var tokenEnd: Int?
        /// Only for a "dirty" that rests on the n-gram sketch of a sketch-only index.
        var sketch: Sketch?

        enum CodingKeys: String, CodingKey {
            case verdict, evidence, figures, sketch
            case tokenStart = "token_start", tokenEnd = "token_end"
        }
    }

    /// How a sketch-based "dirty" can be wrong.
    struct Sketch: Encodable {
        var falsePositiveRate: Double
        var falsePositivePlausible: Bool

        enum CodingKeys: String, CodingKey {
            case falsePositiveRate = "false_positive_rate", falsePositivePlausible = "false_positive_plausible"
        }
    }

    /// What a sketch-only check knows about an item's verbatim overlap.
    struct SketchOnly: Encodable {
        /// No run of more tokens than this can occur in the corpus.
        var longestMatchBound: Int
        /// The keys left null because there is no suffix array.
        var skipped: [String]

        enum CodingKeys: String, CodingKey {
            case skipped
            case longestMatchBound = "longest_match_bound"
        }
    }

    /// A figure that is `null` in the output when unknown (a plain optional would drop the key).
    struct Nullable<Wrapped: Encodable>: Encodable {
        var value: Wrapped?
        init(_ value: Wrapped?) { self.value = value }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let value { try container.encode(value) } else { try container.encodeNil() }
        }
    }

    /// What the sketch first pass did for a cleared item.
    struct FirstPass: Encodable {
        var n: Int
        /// Sketch hits the suffix array showed to be false positives.
        var falsePositives: Int
        /// The keys left null because the suffix array was not asked.
        var skipped: [String]

        enum CodingKeys: String, CodingKey {
            case n, skipped
            case falsePositives = "false_positives"
        }
    }

    struct Item: Encodable {
        var id: String
        var source: String
        var record: Int
        var tokens: Int
        var chars: Int
        var longestMatchTokens: Nullable<Int>
        var longestMatchChars: Nullable<Int>
        var coverage: Nullable<Double>
        var coveredTokens: Nullable<Int>
        var nearVerbatim: Nullable<Bool>
        var bestSimilarity: Nullable<Double>
        var flagged: Bool
        var methods: [String: String]
        var methodDetails: [String: Method]
        var spans: Nullable<[Span]>
        var near: Near?
        var firstPass: FirstPass?
        var sketchOnly: SketchOnly?

        enum CodingKeys: String, CodingKey {
            case id, source, record, tokens, chars, coverage, flagged, methods, spans, near
            case sketchOnly = "sketch_only"
            case longestMatchTokens = "longest_match_tokens", longestMatchChars = "longest_match_chars"
            case coveredTokens = "covered_tokens", nearVerbatim = "near_verbatim", bestSimilarity = "best_similarity"
            case methodDetails = "method_details", firstPass = "first_pass"
        }
    }

    /// The JSON object of one item, as one line.
    public static func line(_ result: ItemResult) -> String {
        JSONOutput.line(item(result))
    }

    /// All items, one line each.
    public static func render(_ report: CheckReport) -> String {
        report.results.map { line($0) + "\n" }.joined()
    }

    static func item(_ result: ItemResult) -> Item {
        let tokenized = result.tokenized
        let spans = result.spans?.map { span in
            Span(tokenStart: span.tokenRange.lowerBound, tokenEnd: span.tokenRange.upperBound, tokens: span.tokenCount,
                 byteStart: span.byteRange.lowerBound, byteEnd: span.byteRange.upperBound, chars: span.charCount,
                 text: String(decoding: tokenized.text[span.byteRange], as: UTF8.self), occurrences: span.occurrenceCount,
                 sources: span.sources.map(Source.init))
        }
        var near: Near?
        if let result = result.near, let best = result.best {
            near = Near(nearVerbatim: best.isNearVerbatim, similarity: best.similarity, candidatesAligned: result.candidatesAligned,
                        alignment: Aligned(best.alignment), span: best.span.columns > 0 ? Aligned(best.span) : nil, source: Source(best.source))
        }
        var methods: [String: String] = [:]
        var details: [String: Method] = [:]
        for method in result.methods {
            methods[method.method.rawValue] = method.verdict.rawValue
            details[method.method.rawValue] = Method(verdict: method.verdict.rawValue, evidence: method.evidence, figures: method.figures,
                                                     tokenStart: method.tokenRange?.lowerBound, tokenEnd: method.tokenRange?.upperBound,
                                                     sketch: method.sketch.map { Sketch(falsePositiveRate: $0.falsePositiveRate, falsePositivePlausible: $0.falsePositivePlausible) })
        }
        return Item(id: result.item.id, source: result.item.sourcePath, record: result.item.recordNumber, tokens: tokenized.tokenCount,
                    chars: String(decoding: tokenized.text, as: UTF8.self).count,
                    longestMatchTokens: Nullable(result.verbatim?.longestMatchTokens), longestMatchChars: Nullable(result.verbatim?.longestMatchChars),
                    coverage: Nullable(result.coverage), coveredTokens: Nullable(result.coveredTokens),
                    nearVerbatim: Nullable(result.near?.isNearVerbatim), bestSimilarity: Nullable(result.near?.bestSimilarity), flagged: result.isFlagged,
                    methods: methods, methodDetails: details, spans: Nullable(spans), near: near, firstPass: firstPass(result),
                    sketchOnly: result.sketchOnly.map { SketchOnly(longestMatchBound: $0.longestMatchBound, skipped: skippedKeys(result)) })
    }

    /// The `first_pass` object of a cleared item: its n and the keys left null.
    static func firstPass(_ result: ItemResult) -> FirstPass? {
        guard let clearance = result.firstPass else { return nil }
        return FirstPass(n: clearance.ngramLength, falsePositives: clearance.falsePositives, skipped: skippedKeys(result))
    }

    /// The keys left null for an item whose verbatim figures were not computed.
    static func skippedKeys(_ result: ItemResult) -> [String] {
        var skipped = ["longest_match_tokens", "longest_match_chars"]
        if result.spans == nil { skipped += ["coverage", "covered_tokens", "spans"] }
        if result.near == nil { skipped += ["near_verbatim", "best_similarity", "near"] }
        return skipped
    }
}
