import Foundation
@testable import ContamApps
import ContamTestSupport

/// Model doubles for `contam tabular learn`.
enum TabularLearnFixtures {
    /// The features of each row of `dataset` as the prompts write them ("F1 = v1, …" without the target), and the
    /// row's class: what a model that memorized the file "knows".
    static func memory(_ dataset: TabularDataset, target: String) -> [String: String] {
        let column = dataset.featureNames.firstIndex(of: target) ?? 0
        var known = [String: String]()
        for row in 1..<dataset.fields.count {
            known[TabularPlanner.serialize(dataset.fields[row], names: dataset.featureNames, skip: column)] = dataset.fields[row][column]
        }
        return known
    }

    /// The test row of a learn request (its features, without a "Dataset:" line or the trailing ", Target ="), the
    /// target's name and the label of the first few-shot row, read from the request alone.
    static func parse(_ request: ScriptedModelServer.Request) -> (row: String, target: String, firstLabel: String?) {
        func withoutHeading(_ text: String) -> String {
            text.hasPrefix("Dataset: ") ? text.split(separator: "\n", maxSplits: 1).dropFirst().first.map(String.init) ?? "" : text
        }
        if request.path == "chat/completions" {
            let row = withoutHeading(request.messages.last { $0.role == "user" }?.content ?? "")
            let shot = request.messages.first { $0.role == "assistant" }?.content
            let target = shot?.components(separatedBy: " = ").first ?? ""
            return (row, target, shot?.components(separatedBy: " = ").dropFirst().joined(separator: " = "))
        }
        let lines = request.prompt.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("Dataset: ") }
        let last = lines.last ?? ""
        let cut = last.range(of: ", ", options: .backwards)
        let row = cut.map { String(last[..<$0.lowerBound]) } ?? last
        let target = cut.map { String(last[$0.upperBound...]).replacingOccurrences(of: " =", with: "") } ?? ""
        let firstLabel = lines.count > 1 ? lines[0].components(separatedBy: " = ").last : nil
        return (row, target, firstLabel)
    }

    /// A model that memorized `dataset`: asked about a row whose features are verbatim a row of the file, it answers
    /// that row's class; otherwise it copies the class of the first few-shot row (a guess in that version's spelling).
    static func memorizer(of dataset: TabularDataset, target: String) throws -> ScriptedModelServer {
        let known = memory(dataset, target: target)
        return try ScriptedModelServer { request in
            let (row, targetName, firstLabel) = parse(request)
            let value = known[row] ?? firstLabel ?? ""
            return .init(text: request.path == "chat/completions" ? "\(targetName) = \(value)" : " \(value)\n")
        }
    }

    /// Answers every request with `text`.
    static func constant(_ text: String) throws -> ScriptedModelServer {
        try ScriptedModelServer { _ in .init(text: text) }
    }
}
