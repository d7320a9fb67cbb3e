import Foundation
import ContamDetect

extension FederatedAPI {
    /// `POST /v1/check` over the union: every part records its answers about the items (`"partial": true`, the
    /// `PartialCheckResult` of `contam check --partial`), and the partials are combined as `contam check
    /// --combine` does, into exactly the objects one check on the merged index gives. The parts must be the
    /// parts of one `--shard K/N` split (the combiner refuses others, naming the part).
    func check(_ union: UnionIndex, _ fields: [String: Any]) throws -> HTTPResponse {
        var partFields = fields
        partFields["partial"] = true
        let bodies = try askRaw(union.parts, "/v1/check", partFields)
        let labels = union.parts.map(\.label)
        let combined: (results: [ItemResult], report: CheckReport)
        do {
            let partials = try zip(bodies, labels).map { try PartialCheckResult.decoded($0, source: $1) }
            let combiner = try PartialCheckCombiner(partials: partials, paths: labels)
            let (report, _) = try CheckPipeline.combinedReport(combiner, indexPath: union.name, options: try combiner.options(threads: 1, sourcePassages: true))
            combined = (report.results, report)
        } catch let error as DetectError {
            throw PartFailure.inconsistent("\(error)")
        }
        return JSONValue.object([
            ("index", .string(union.name)),
            ("items", .array(combined.results.map { .raw(JSONReport.line($0)) })),
            ("summary", .object([("items", .int(combined.report.summary.items)), ("flagged", .int(combined.report.summary.flagged))])),
            ("notes", .array(combined.report.notes.map { .string($0) })),
        ]).response()
    }
}
