import ContamModel

/// What shapes the queries of `contam tabular learn`. With the dataset it determines every prompt exactly, so the
/// same options give the same requests (and cache hits) on every run.
public struct TabularLearnOptions: Codable, Sendable, Equatable {
    /// Most distinct values a classification target may have.
    public static let maxClasses = 20

    /// The column to predict (`--target`).
    public var target: String
    public var mode: TabularMode = .chat
    /// Test rows asked in every version (`--test-rows`).
    public var testRows = 50
    /// Labelled rows shown before each test row (`--few-shot`).
    public var fewShot = 20
    /// Seed of every random choice: the rows, the perturbation, the codes, the column order (`--seed`).
    public var seed: UInt64 = 0
    /// Rows read from the file at most (a contiguous head).
    public var maxRows = 100_000

    public init(target: String) {
        self.target = target
    }
}

/// One query: a test row of one version with its few-shot rows, and the class it is scored against.
public struct TabularLearnQuery: Sendable {
    public var version: TabularLearnVersion
    /// 0-based number within its version (the same number is the same row in every version).
    public var index: Int
    /// The data row (index into the dataset's `fields`, header = 0).
    public var row: Int
    public var request: ModelRequest
    /// The test row as shown ("F1 = v1, F2 = v2, …"), for reports.
    public var prompt: String
    /// The true class, as the original spells it.
    public var truth: String
}

/// Every query of a learn test: the versions, the rows drawn, and what the scorer and report need.
public struct TabularLearnPlan: Sendable {
    public var original: TabularDataset
    public var options: TabularLearnOptions
    /// The four versions, in `TabularLearnVersion.allCases` order.
    public var versions: [TabularDatasetVersion]
    /// The test rows (data rows of the original), the same in every version.
    public var testRows: [Int]
    /// The few-shot rows of each test row, the same in every version.
    public var fewShotRows: [[Int]]
    /// The queries of each version (aligned with `versions`; query k of each is test row k).
    public var queries: [[TabularLearnQuery]]
    /// The target's classes (original spelling, sorted).
    public var classes: [String]
    /// The most frequent class over the rows with a target (the first in sorted order on ties).
    public var majorityClass: String
    /// Perturbed rows that are still a row of the original (the perturbation should leave about none).
    public var perturbedRowsInOriginal: Int

    /// All queries, version after version.
    public var allQueries: [TabularLearnQuery] { queries.flatMap { $0 } }
}

/// Plans the learn test: checks the target, draws the test rows and their few-shot rows once, builds the four
/// versions (`TabularVersions`) and the same queries on each, in the format of tabmemcheck's `predict`.
public enum TabularLearnPlanner {
    /// tabmemcheck's system prompt for predictions.
    public static let systemPrompt = "You are an expert assistant for tabular datasets. You provide predictions on different datasets. The user provides the name of the dataset, the names of the features, as well the values of all the features except one. You then provide a prediction for the missing feature (the target)."

    /// The plan for `dataset`. Throws `TabularLearnError` for an unknown target, one with more than
    /// `TabularLearnOptions.maxClasses` or fewer than 2 classes (rows with an empty target are never asked).
    /// O(test rows × rows) to find the few-shot candidates.
    public static func plan(_ dataset: TabularDataset, options: TabularLearnOptions) throws -> TabularLearnPlan {
        let names = dataset.featureNames
        let target = try targetColumn(dataset, options.target)
        let targetName = names[target]
        var counts = [String: Int]()
        for row in 1..<dataset.fields.count {
            let value = TabularPlanner.trimmed(dataset.fields[row][target])
            if !value.isEmpty { counts[value, default: 0] += 1 }
        }
        if counts.count > TabularLearnOptions.maxClasses {
            let candidates = names.indices.filter { column in
                let distinct = Set((1..<dataset.fields.count).map { TabularPlanner.trimmed(dataset.fields[$0][column]) }.filter { !$0.isEmpty }).count
                return (2...TabularLearnOptions.maxClasses).contains(distinct)
            }.map { names[$0] }
            throw TabularLearnError.notClassification(path: dataset.path, target: targetName, distinct: counts.count, candidates: candidates)
        }
        let classes = counts.keys.sorted()
        guard classes.count >= 2 else { throw TabularLearnError.singleClass(path: dataset.path, target: targetName, classes: classes) }
        // Two classes mean at least two rows with a target.
        let eligible = (1..<dataset.fields.count).filter { !TabularPlanner.trimmed(dataset.fields[$0][target]).isEmpty }
        let majority = classes.max { counts[$0, default: 0] < counts[$1, default: 0] || (counts[$0, default: 0] == counts[$1, default: 0] && $0 > $1) } ?? classes[0]

        // The rows, drawn once for every version: the paired design.
        var rng = TabularRandom(seed: options.seed, stream: "learn-rows")
        let testRows = rng.distinct(min(options.testRows, eligible.count), from: 0..<eligible.count).map { eligible[$0] }
        let featureKey = { (row: Int) in dataset.fields[row].enumerated().filter { $0.offset != target }.map { TabularPlanner.trimmed($0.element) }.joined(separator: "\u{1F}") }
        let keys = Dictionary(uniqueKeysWithValues: eligible.map { ($0, featureKey($0)) })
        let fewShotRows = testRows.map { test -> [Int] in
            // Never a row with the test row's features: that would show the answer.
            let candidates = eligible.filter { $0 != test && keys[$0] != keys[test] }
            return rng.distinct(min(options.fewShot, candidates.count), from: 0..<candidates.count).map { candidates[$0] }
        }

        let versions = try TabularVersions.make(dataset, targetColumn: target, seed: options.seed)
        let stillThere = TabularVersions.rowsStillInOriginal(versions[1].dataset.fields, original: dataset)
        let queries = versions.map { version in
            testRows.enumerated().map { number, row in
                query(version, dataset: dataset, originalTarget: target, number: number, of: testRows.count, row: row, fewShot: fewShotRows[number], mode: options.mode)
            }
        }
        return TabularLearnPlan(original: dataset, options: options, versions: versions, testRows: testRows, fewShotRows: fewShotRows,
                                queries: queries, classes: classes, majorityClass: majority, perturbedRowsInOriginal: stillThere)
    }

    /// The column `name` names: exactly, else after trimming spaces.
    static func targetColumn(_ dataset: TabularDataset, _ name: String) throws -> Int {
        let names = dataset.featureNames
        guard let index = names.firstIndex(of: name) ?? names.firstIndex(where: { TabularPlanner.trimmed($0) == TabularPlanner.trimmed(name) }) else {
            throw TabularLearnError.unknownTarget(path: dataset.path, target: name, available: names)
        }
        return index
    }

    /// The request of test row `row` in `version`. Chat: the system prompt, a user turn "F1 = v1, …" and an
    /// assistant turn "Target = y" per few-shot row, then the test row. Completion: one line
    /// "F1 = v1, …, Target = y" per few-shot row, then "F1 = v1, …, Target =". Versions that name the dataset
    /// start the first user turn (or the prefix) with "Dataset: name".
    static func query(_ version: TabularDatasetVersion, dataset original: TabularDataset, originalTarget: Int, number: Int, of count: Int, row: Int, fewShot: [Int], mode: TabularMode) -> TabularLearnQuery {
        let table = version.dataset
        let names = table.featureNames
        let target = version.targetColumn
        let targetName = version.targetName
        let heading = version.version.namesDataset ? "Dataset: \(original.name)\n" : ""
        func features(_ row: Int) -> String { TabularPlanner.serialize(table.fields[row], names: names, skip: target) }
        func label(_ row: Int) -> String { TabularPlanner.trimmed(table.fields[row][target]) }
        let prompt = features(row)
        let longest = version.classSpelling.values.map(\.utf8.count).max() ?? 0
        let maxTokens = longest + 16
        let requestLabel = "\(original.name): learn, \(version.version.rawValue) version, query \(number + 1) of \(count)"
        let request: ModelRequest
        switch mode {
        case .completion:
            var text = heading
            for shot in fewShot { text += features(shot) + ", \(targetName) = \(label(shot))\n" }
            text += prompt + ", \(targetName) ="
            request = .completion(text, maxTokens: maxTokens, label: requestLabel)
        case .chat:
            var messages = [ChatMessage.system(systemPrompt)]
            for (k, shot) in fewShot.enumerated() {
                messages.append(.user((k == 0 ? heading : "") + features(shot)))
                messages.append(.assistant("\(targetName) = \(label(shot))"))
            }
            messages.append(.user((fewShot.isEmpty ? heading : "") + prompt))
            request = .chat(messages, maxTokens: maxTokens, label: requestLabel)
        }
        return TabularLearnQuery(version: version.version, index: number, row: row, request: request, prompt: prompt,
                                 truth: TabularPlanner.trimmed(original.fields[row][originalTarget]))
    }
}
