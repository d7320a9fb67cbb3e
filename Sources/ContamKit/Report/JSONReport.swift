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

        enum CodingKeys: String, CodingKey {
            case verdict, evidence, figures
            case tokenStart = "token_start", tokenEnd = "token_end"
        }
    }

    struct Item: Encodable {
        var id: String
        var source: String
        var record: Int
        var tokens: Int
        var chars: Int
        var longestMatchTokens: Int
        var longestMatchChars: Int
        var coverage: Double
        var coveredTokens: Int
        var nearVerbatim: Bool
        var bestSimilarity: Double
        var flagged: Bool
        var methods: [String: String]
        var methodDetails: [String: Method]
        var spans: [Span]
        var near: Near?

        enum CodingKeys: String, CodingKey {
            case id, source, record, tokens, chars, coverage, flagged, methods, spans, near
            case longestMatchTokens = "longest_match_tokens", longestMatchChars = "longest_match_chars"
            case coveredTokens = "covered_tokens", nearVerbatim = "near_verbatim", bestSimilarity = "best_similarity"
            case methodDetails = "method_details"
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
        let spans = result.verbatim.spans.map { span in
            Span(tokenStart: span.tokenRange.lowerBound, tokenEnd: span.tokenRange.upperBound, tokens: span.tokenCount,
                 byteStart: span.byteRange.lowerBound, byteEnd: span.byteRange.upperBound, chars: span.charCount,
                 text: String(decoding: tokenized.text[span.byteRange], as: UTF8.self), occurrences: span.occurrenceCount,
                 sources: span.sources.map(Source.init))
        }
        var near: Near?
        if let best = result.near.best {
            near = Near(nearVerbatim: best.isNearVerbatim, similarity: best.similarity, candidatesAligned: result.near.candidatesAligned,
                        alignment: Aligned(best.alignment), span: best.span.columns > 0 ? Aligned(best.span) : nil, source: Source(best.source))
        }
        var methods: [String: String] = [:]
        var details: [String: Method] = [:]
        for method in result.methods {
            methods[method.method.rawValue] = method.verdict.rawValue
            details[method.method.rawValue] = Method(verdict: method.verdict.rawValue, evidence: method.evidence, figures: method.figures,
                                                     tokenStart: method.tokenRange?.lowerBound, tokenEnd: method.tokenRange?.upperBound)
        }
        return Item(id: result.item.id, source: result.item.sourcePath, record: result.item.recordNumber, tokens: tokenized.tokenCount,
                    chars: String(decoding: tokenized.text, as: UTF8.self).count,
                    longestMatchTokens: result.verbatim.longestMatchTokens, longestMatchChars: result.verbatim.longestMatchChars,
                    coverage: result.verbatim.coverage, coveredTokens: result.verbatim.coveredTokens,
                    nearVerbatim: result.near.isNearVerbatim, bestSimilarity: result.near.bestSimilarity, flagged: result.isFlagged,
                    methods: methods, methodDetails: details, spans: spans, near: near)
    }
}
