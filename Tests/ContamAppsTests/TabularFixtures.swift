import Foundation
@testable import ContamModel
@testable import ContamApps
import ContamTestSupport

/// Datasets and model doubles for the tabular tests.
enum TabularFixtures {
    /// The repository's `corpora/tabular` directory.
    static var corporaDirectory: String { "\(repositoryRoot)/corpora/tabular" }

    /// A dataset from CSV text.
    static func dataset(_ text: String, name: String = "test") throws -> TabularDataset {
        try TabularDataset.parse(text: text, name: name, path: "\(name).csv")
    }

    /// A dataset of random values nobody has seen: what a memorizing model reproduces and a guesser cannot.
    static func randomCSV(rows: Int, seed: UInt64, name: String = "random", header: String = "alpha,beta,gamma,colour,class") -> String {
        var rng = TabularRandom(seed: seed, stream: name)
        let words = ["red", "green", "blue", "amber", "violet", "teal", "ochre", "grey"]
        var lines = [header]
        for _ in 0..<rows {
            let alpha = String(format: "%d.%02d", rng.int(in: 0..<100), rng.int(in: 0..<100))
            let beta = String(rng.int(in: 0..<1000))
            let gamma = String(format: "%d.%03d", rng.int(in: 0..<10), rng.int(in: 0..<1000))
            lines.append("\(alpha),\(beta),\(gamma),\(words[rng.int(in: 0..<words.count)]),c\(rng.int(in: 0..<3))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The text of the last user message (chat) or the raw prefix (completion).
    static func promptText(_ request: ModelRequest) -> String {
        request.kind == .completion ? request.prompt : (request.messages.last?.content ?? "")
    }

    /// Answers like a model that memorized `dataset` verbatim: it recognizes the task from the request alone
    /// (system prompt in chat mode, the shape of the prefix in completion mode), finds the prompt in the true
    /// file and continues it. It never sees the query's truth.
    static func memorizingAnswer(_ request: ModelRequest, dataset: TabularDataset) -> String {
        if let answer = memorizedKnowledgeAnswer(request, dataset: dataset) { return answer }
        let prompt = promptText(request)
        let fileText = dataset.lines.joined(separator: "\n") + "\n"
        let names = dataset.featureNames
        let system = request.messages.first?.content ?? ""
        let isFeatureNames = request.kind == .chat ? system == TabularPlanner.SystemPrompt.featureNames : prompt.contains("Feature Names: ") && prompt.hasSuffix(", ")
        let isFeature = request.kind == .chat ? system == TabularPlanner.SystemPrompt.feature : prompt.hasSuffix(" =")
        let isRow = request.kind == .chat ? system == TabularPlanner.SystemPrompt.row : prompt.hasSuffix("\n")
        if isFeatureNames {
            let given = prompt.components(separatedBy: "Feature Names: ").last?.components(separatedBy: ", ").filter { !$0.isEmpty } ?? []
            return names.dropFirst(given.count).joined(separator: ", ") + "\n"
        }
        if isFeature {
            let lastLine = prompt.components(separatedBy: "\n").last ?? ""
            for row in 1..<dataset.fields.count {
                for target in 0..<names.count {
                    let others = TabularPlanner.serialize(dataset.fields[row], names: names, skip: target)
                    if request.kind == .chat && others == lastLine { return "\(names[target]) = \(dataset.fields[row][target])" }
                    if request.kind == .completion && lastLine == others + ", \(names[target]) =" { return " \(dataset.fields[row][target])\n" }
                }
            }
            return ""
        }
        if isRow {
            let shown = prompt.hasSuffix("\n") ? String(prompt.dropLast()) : prompt
            let count = shown.components(separatedBy: "\n").count
            for start in 0..<max(0, dataset.lines.count - count) where dataset.lines[start..<(start + count)].joined(separator: "\n") == shown {
                return dataset.lines[start + count] + "\n"
            }
            return ""
        }
        // Header test: the prompt is the start of the file.
        guard fileText.hasPrefix(prompt) else { return "" }
        return String(fileText.dropFirst(prompt.count).prefix(500))
    }

    /// The memorizer's answer to the sample, feature-values and dataset-name prompts (nil for other prompts): a
    /// real row, chosen by a hash of the whole request (few-shot rows and seed), when the prompt names the
    /// dataset's features ("" otherwise); the dataset's name whatever rows are shown.
    static func memorizedKnowledgeAnswer(_ request: ModelRequest, dataset: TabularDataset) -> String? {
        let prompt = promptText(request)
        let system = request.messages.first?.content ?? ""
        let isSample = request.kind == .chat ? system == TabularKnowledgePlanner.SystemPrompt.sample : prompt.hasSuffix("\nRandom Sample: ")
        let isName = request.kind == .chat ? system == TabularKnowledgePlanner.SystemPrompt.datasetName : prompt.hasSuffix("\nDataset name:")
        if isSample {
            let block = request.kind == .chat ? prompt : String(prompt.dropLast("\nRandom Sample: ".count))
            let namesLine = block.components(separatedBy: "\n").last ?? ""
            guard namesLine == "Feature Names: " + dataset.featureNames.map(TabularPlanner.trimmed).joined(separator: ", ") else { return "" }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in (request.promptText + "|\(request.seed ?? -1)").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            let row = 1 + Int(hash % UInt64(dataset.rowCount))
            return TabularKnowledgePlanner.sampleText(dataset, row: row) + (request.kind == .chat ? "" : "\n\n")
        }
        if isName {
            // It names every dataset after the one it knows: right for that one, wrong for any other.
            return request.kind == .chat ? dataset.name : " \(dataset.name)\n\n"
        }
        return nil
    }

    /// A chat or completion API response body with `text`.
    static func responseBody(_ text: String, kind: ModelRequest.Kind) -> String {
        kind == .chat ? chatJSON(text) : completionJSON(text)
    }

    /// Rebuilds the request a test server received (kind from the path, prompt or messages from the body).
    static func request(from server: TestHTTPServer.Request) -> ModelRequest? {
        guard let object = try? JSONSerialization.jsonObject(with: server.body) as? [String: Any] else { return nil }
        if server.path.hasSuffix("/chat/completions") {
            let messages = (object["messages"] as? [[String: String]] ?? []).map { ChatMessage(role: $0["role"] ?? "", content: $0["content"] ?? "") }
            var request = ModelRequest.chat(messages, maxTokens: object["max_tokens"] as? Int ?? 0, temperature: object["temperature"] as? Double ?? 0, label: "")
            request.seed = object["seed"] as? Int
            return request
        }
        var request = ModelRequest.completion(object["prompt"] as? String ?? "", maxTokens: object["max_tokens"] as? Int ?? 0, temperature: object["temperature"] as? Double ?? 0, label: "")
        request.seed = object["seed"] as? Int
        return request
    }

    /// Answers in the right shape with random content: a model that memorized nothing.
    static func randomAnswer(_ query: TabularQuery, rng: inout TabularRandom) -> String {
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(rng.int(in: 0..<10))) }) }
        switch query.test {
        case .header: return digits(3) + "." + digits(2) + "," + digits(4) + "\n" + digits(2) + ".1,2,3"
        case .row, .firstToken: return "\(digits(2)).\(digits(2)),\(digits(3)),\(digits(1)).\(digits(3)),red,c1\n"
        case .feature: return query.request.kind == .chat ? "\(query.feature ?? "") = \(digits(2)).\(digits(2))" : " \(digits(1)).\(digits(2))\n"
        case .featureNames: return "width, height, weight\n"
        case .sample, .featureValues:
            let names = query.prompt.components(separatedBy: "Feature Names: ").last?.components(separatedBy: ", ") ?? []
            return names.map { "\($0) = \(digits(2)).\(digits(2))" }.joined(separator: ", ") + (query.request.kind == .chat ? "" : "\n\n")
        case .datasetName:
            let words = ["weather", "sales", "census", "housing", "sensor", "traffic"]
            return "\(words[rng.int(in: 0..<words.count)]) \(words[rng.int(in: 0..<words.count)])"
        }
    }

    static func answers(_ plan: TabularPlan, _ respond: (TabularQuery) -> String) -> [ModelResponse] {
        plan.allQueries.map { ModelResponse(text: respond($0), finishReason: "stop", fromCache: false) }
    }
}
