import ContamModel

/// Plans the tests of what a model knows about a dataset as a whole rather than where it continues a text:
/// the sample test (generate rows), the feature-values test (generate one row at temperature 0, check its
/// numbers) and the dataset-name test (name the dataset from its first rows). After Bordt et al. 2024 and
/// tabmemcheck's `sample`, `feature_values_test` and `dataset_name_test`; the few-shot examples are other
/// datasets of the pool (never the tested one, `TabularDatasetIdentity`), and every test has a baseline.
public enum TabularKnowledgePlanner {
    /// System prompts of chat mode (tabmemcheck's wording; its "inlcuding" typo corrected).
    public enum SystemPrompt {
        public static let sample = "You are an expert assistant for tabular datasets. You provide random samples from different datasets. The user provides the name of the dataset and the names of the features. You then provide a sample from the dataset."
        public static let datasetName = "You are an expert assistant for tabular datasets. Your task is to provide the name of the dataset. The user provides the initial rows of the csv file, including the feature names. You then provide the name of the dataset."
    }

    /// Queries of the feature-values test at most (temperature 0: more would mostly repeat the same answer).
    public static let featureValuesQueries = 5

    /// The plan of `kind` (one of sample, feature-values, dataset-name) for `dataset`, with `others` as few-shot datasets.
    static func plan(_ kind: TabularTestKind, _ dataset: TabularDataset, _ options: TabularOptions, _ others: [TabularDataset]) -> TabularTestPlan {
        switch kind {
        case .sample: return samplePlan(dataset, options, others)
        case .featureValues: return featureValuesPlan(dataset, options, others)
        default: return datasetNamePlan(dataset, options, others)
        }
    }

    // MARK: Sample and feature values

    /// The user message of the sample prompt: "Dataset: NAME\nFeature Names: F1, F2, …" (tabmemcheck's `load_samples`).
    public static func sampleDescription(_ dataset: TabularDataset) -> String {
        "Dataset: \(dataset.name)\nFeature Names: \(dataset.featureNames.map(TabularPlanner.trimmed).joined(separator: ", "))"
    }

    /// "F1 = v1, F2 = v2, …" of data row `row` (names and values trimmed).
    static func sampleText(_ dataset: TabularDataset, row: Int) -> String {
        TabularPlanner.serialize(dataset.fields[row].map(TabularPlanner.trimmed), names: dataset.featureNames.map(TabularPlanner.trimmed))
    }

    /// A request for one generated row: in chat mode the sample system prompt, then per few-shot dataset its
    /// description and one random real row of it, then the description of `dataset`; in completion mode
    /// tabmemcheck's `build_sample_prompt` layout, ending "Random Sample: ".
    static func generationRequest(_ dataset: TabularDataset, _ options: TabularOptions, _ others: [TabularDataset], rng: inout TabularRandom,
                                  temperature: Double, maxTokens: Int, label: String) -> ModelRequest {
        let examples = others.map { other in (sampleDescription(other), sampleText(other, row: rng.int(in: 1..<other.fields.count))) }
        switch options.mode {
        case .completion:
            var text = ""
            for (description, row) in examples { text += "\(description)\nRandom Sample: \(row)\n\n" }
            text += sampleDescription(dataset) + "\nRandom Sample: "
            return .completion(text, maxTokens: maxTokens, temperature: temperature, label: label)
        case .chat:
            var messages = [ChatMessage.system(SystemPrompt.sample)]
            for (description, row) in examples {
                messages.append(.user(description))
                messages.append(.assistant(row))
            }
            messages.append(.user(sampleDescription(dataset)))
            return .chat(messages, maxTokens: maxTokens, temperature: temperature, label: label)
        }
    }

    /// Tokens enough for one generated row: every "name = longest value, " (a token is rarely shorter than a byte).
    static func sampleMaxTokens(_ dataset: TabularDataset) -> Int {
        var total = 16
        for column in 0..<dataset.featureNames.count {
            let longest = (1..<dataset.fields.count).reduce(0) { max($0, dataset.fields[$1][column].utf8.count) }
            total += TabularPlanner.trimmed(dataset.featureNames[column]).utf8.count + longest + 5
        }
        return total
    }

    static func samplePlan(_ dataset: TabularDataset, _ options: TabularOptions, _ others: [TabularDataset]) -> TabularTestPlan {
        guard dataset.featureNames.count >= 2 else {
            return TabularTestPlan(test: .sample, notApplicable: "the dataset has a single feature: a generated row is one value")
        }
        var plan = TabularTestPlan(test: .sample)
        var rng = TabularRandom(seed: options.seed, stream: "sample")
        let count = max(1, options.queries)
        let maxTokens = sampleMaxTokens(dataset)
        for number in 0..<count {
            let label = "\(dataset.name): sample test, sample \(number + 1) of \(count)"
            let request = generationRequest(dataset, options, others, rng: &rng, temperature: options.sampleTemperature, maxTokens: maxTokens, label: label)
                .sample(number, runSeed: options.seed)
            plan.queries.append(TabularQuery(test: .sample, index: number, request: request, prompt: sampleDescription(dataset), truth: ""))
        }
        var reference = TabularKnowledgeReference(rowsOf: dataset)
        reference.shuffledColumnsRate = shuffledColumnsRate(reference.rows)
        plan.knowledge = reference
        plan.notes.append(String(format: "%d samples at temperature %g, each with its own seed", count, options.sampleTemperature)
                          + (others.isEmpty ? "; no few-shot datasets (none found, or all were this dataset)" : "; few-shot: a random row of \(others.map(\.name).joined(separator: ", "))"))
        return plan
    }

    static func featureValuesPlan(_ dataset: TabularDataset, _ options: TabularOptions, _ others: [TabularDataset]) -> TabularTestPlan {
        guard dataset.featureNames.count >= 2 else {
            return TabularTestPlan(test: .featureValues, notApplicable: "the dataset has a single feature: a generated row is one value")
        }
        var reference = TabularKnowledgeReference(rowsOf: dataset)
        let numeric = numericColumns(reference.rows, featureCount: reference.featureNames.count)
        guard !numeric.isEmpty else {
            return TabularTestPlan(test: .featureValues, notApplicable: "no numeric feature (one whose every non-empty value is a number); the test compares numbers only")
        }
        reference.numericColumns = numeric
        reference.columnValues = (0..<reference.featureNames.count).map { column in Set(reference.rows.map { $0[column] }.filter { !$0.isEmpty }) }
        reference.gridRates = numeric.map { gridRate(column: $0, rows: reference.rows) }
        var plan = TabularTestPlan(test: .featureValues)
        var rng = TabularRandom(seed: options.seed, stream: "feature-values")
        let wanted = min(max(1, options.queries), featureValuesQueries)
        let maxTokens = sampleMaxTokens(dataset)
        var seen = Set<ModelRequest>()
        var attempts = 0
        // At temperature 0 only the few-shot rows make queries differ: draw until `wanted` distinct requests
        // (without other datasets there is one).
        while plan.queries.count < wanted && attempts < 20 * wanted {
            attempts += 1
            let label = "\(dataset.name): feature-values test, query \(plan.queries.count + 1) of \(wanted)"
            var request = generationRequest(dataset, options, others, rng: &rng, temperature: 0, maxTokens: maxTokens, label: label)
            request.label = ""
            guard seen.insert(request).inserted else { continue }
            request.label = label
            plan.queries.append(TabularQuery(test: .featureValues, index: plan.queries.count, request: request, prompt: sampleDescription(dataset), truth: ""))
        }
        if plan.queries.count < wanted {
            let count = plan.queries.count
            for index in plan.queries.indices { plan.queries[index].request.label = "\(dataset.name): feature-values test, query \(index + 1) of \(count)" }
            plan.notes.append("\(count) distinct quer\(count == 1 ? "y" : "ies") of \(wanted): at temperature 0 only other datasets' few-shot rows make them differ" + (others.isEmpty ? ", and there are none" : ""))
        }
        reference.gridBaseline = reference.gridRates.reduce(0, +) / Double(reference.gridRates.count)
        plan.knowledge = reference
        let described = zip(numeric, reference.gridRates).prefix(8).map { "\(reference.featureNames[$0]) \(TabularScorer.percent($1))" }.joined(separator: ", ")
        plan.notes.append("numeric features and the chance of hitting a written value on their grid: \(described)\(numeric.count > 8 ? ", …" : "")")
        if !others.isEmpty { plan.notes.append("few-shot: a random row of \(others.map(\.name).joined(separator: ", ")), drawn anew for each query") }
        return plan
    }

    /// The columns whose every non-empty value is a finite number (at least one value non-empty).
    public static func numericColumns(_ rows: [[String]], featureCount: Int) -> [Int] {
        (0..<featureCount).filter { column in
            var any = false
            for row in rows where !row[column].isEmpty {
                guard let value = Double(row[column]), value.isFinite else { return false }
                any = true
            }
            return any
        }
    }

    /// Digits after the decimal point of a number as written ("2.50" → 2, "3" → 0, "1.5e-3" → 4).
    public static func decimals(_ text: String) -> Int {
        let lower = text.lowercased()
        let mantissa = lower.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let exponent = mantissa.count > 1 ? Int(mantissa[1]) ?? 0 : 0
        let fraction = mantissa[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = fraction.count > 1 ? fraction[1].count : 0
        return max(0, digits - exponent)
    }

    /// The feature-values baseline of one numeric column: the chance that a guesser who knows the column's
    /// range and precision but none of its values, drawing uniformly from the grid min, min + 10⁻ᵈ, …, max
    /// (d = the most decimals of any value), writes one of the column's values: distinct written values / grid
    /// points (at most 1: "5.10" and "5.1" are two written values at one point).
    public static func gridRate(column: Int, rows: [[String]]) -> Double {
        let written = Set(rows.map { $0[column] }.filter { !$0.isEmpty })
        let numbers = written.compactMap(Double.init)
        guard let low = numbers.min(), let high = numbers.max() else { return 0 }
        let d = written.map(decimals).max() ?? 0
        let points = ((high - low) * pow10(d)).rounded() + 1
        return min(1, Double(written.count) / max(1, points))
    }

    static func pow10(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<min(exponent, 300) { value *= 10 }
        return value
    }

    /// The sample baseline: the expected fraction of rows of the table with each column permuted
    /// independently (uniformly) that are rows of the real table, compared as written. A shuffled row takes
    /// each column's value from an independent uniformly chosen row, so the expectation is exact:
    /// Σ over distinct real rows r of Πⱼ (rows with r's value in column j) / n. That is what a model gets that
    /// knows every feature's distribution exactly but no row. O(rows × features).
    public static func shuffledColumnsRate(_ rows: [[String]]) -> Double {
        guard let width = rows.first?.count, !rows.isEmpty else { return 0 }
        let n = Double(rows.count)
        var counts = [[String: Int]](repeating: [:], count: width)
        for row in rows {
            for column in 0..<width { counts[column][row[column], default: 0] += 1 }
        }
        var total = 0.0
        for row in Set(rows) {
            var probability = 1.0
            for column in 0..<width { probability *= Double(counts[column][row[column]] ?? 0) / n }
            total += probability
        }
        return total
    }

    // MARK: Dataset name

    /// The header and the first `rows` data rows, as written.
    static func shownRows(_ dataset: TabularDataset, rows: Int) -> String {
        dataset.lines.prefix(1 + max(1, rows)).joined(separator: "\n")
    }

    /// The user aliases of `dataset` in `options` (keys matched by name, or by normalized name).
    public static func userAliases(_ dataset: TabularDataset, _ options: TabularOptions) -> [String] {
        let name = TabularKnowledgeScorer.normalizedName(dataset.name)
        return options.datasetAliases.keys.sorted().filter { key in
            key == dataset.name || TabularKnowledgeScorer.normalizedName(TabularDataset.name(forPath: key)) == name
        }.flatMap { options.datasetAliases[$0] ?? [] }
    }

    static func datasetNamePlan(_ dataset: TabularDataset, _ options: TabularOptions, _ others: [TabularDataset]) -> TabularTestPlan {
        var aliases = [String]()
        for alias in [dataset.name] + userAliases(dataset, options) {
            let normalized = TabularKnowledgeScorer.normalizedName(alias)
            if !normalized.isEmpty && !aliases.contains(normalized) { aliases.append(normalized) }
        }
        guard !aliases.isEmpty else {
            return TabularTestPlan(test: .datasetName, notApplicable: "the dataset's name '\(dataset.name)' says nothing once normalized (only words like data, train, csv); give its real name with --aliases or --aliases-file")
        }
        let shown = shownRows(dataset, rows: options.datasetNameRows)
        let label = "\(dataset.name): dataset-name test"
        let maxTokens = 32
        let examples = others.map { (shownRows($0, rows: options.datasetNameRows), $0.name) }
        let request: ModelRequest
        switch options.mode {
        case .completion:
            var text = ""
            for (rows, name) in examples { text += "Rows:\n\(rows)\nDataset name: \(name)\n\n" }
            text += "Rows:\n\(shown)\nDataset name:"
            request = .completion(text, maxTokens: maxTokens, label: label)
        case .chat:
            var messages = [ChatMessage.system(SystemPrompt.datasetName)]
            for (rows, name) in examples {
                messages.append(.user(rows))
                messages.append(.assistant(name))
            }
            messages.append(.user(shown))
            request = .chat(messages, maxTokens: maxTokens, label: label)
        }
        var plan = TabularTestPlan(test: .datasetName, queries: [TabularQuery(test: .datasetName, index: 0, request: request, prompt: shown, truth: aliases.joined(separator: " | "))])
        var reference = TabularKnowledgeReference()
        reference.aliases = aliases
        let prompt = " " + TabularKnowledgeScorer.normalizedName(shown) + " "
        reference.aliasesInPrompt = aliases.filter { prompt.contains(" \($0) ") }
        plan.knowledge = reference
        plan.notes.append("names accepted (normalized): \(aliases.map { "'\($0)'" }.joined(separator: ", "))" + (reference.aliasesInPrompt.isEmpty ? "" : "; readable in the prompt: \(reference.aliasesInPrompt.map { "'\($0)'" }.joined(separator: ", "))"))
        plan.notes.append("shown: the header and \(dataset.lines.prefix(1 + max(1, options.datasetNameRows)).count - 1) rows" + (others.isEmpty ? "" : "; few-shot: \(others.map(\.name).joined(separator: ", "))"))
        return plan
    }
}
