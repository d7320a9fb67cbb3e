import ContamModel

/// Builds the queries of every tabular test for one dataset (after Bordt et al. 2024 and the tabmemcheck
/// reference implementation, with its known leaks fixed: the tested dataset never appears in its own few-shot
/// context, and few-shot examples never contain the row being asked for). Deterministic for a given seed.
public enum TabularPlanner {
    /// System prompts of chat mode (tabmemcheck's wording).
    public enum SystemPrompt {
        public static let header = "You are an autocomplete bot for tabular datasets. You will be prompted with parts of a tabular dataset. Your task is to complete the dataset."
        public static let row = "You are a helpful autocomplete bot for tabular datasets. Your task is to provide rows as they are contained in tabular datasets. The user provides a number of contiguous rows from a tabular dataset. You then provide the next row from the dataset."
        public static let feature = "You are a helpful autocomplete bot for tabular datasets. You will be prompted with a portion of a sample from a machine learning dataset. Your task is to complete the observation from the dataset. The observations are presented to you in the format \"Feature Name = Feature Value\"."
        public static let featureNames = "You are an autocomplete bot for tabular datasets. Your task is to list the names of the features of different datasets. The user provides the name of the dataset and some of the feature names. You then provide the names of the remaining features."
    }

    /// The plan for `dataset`. `fewShot` are other datasets for the header and feature-names tests; any of them
    /// that is the tested dataset in another formatting is dropped (`TabularDatasetIdentity`).
    public static func plan(_ dataset: TabularDataset, options: TabularOptions, fewShot: [TabularDataset]) throws -> TabularPlan {
        let others = Array(TabularDatasetIdentity.excludingSameDataset(as: dataset, from: fewShot).prefix(max(0, options.fewShotDatasets)))
        let order = TabularRowOrder.analyze(dataset)
        var tests = [TabularTestPlan]()
        for kind in options.tests.sorted() {
            switch kind {
            case .header: tests.append(headerPlan(dataset, options, others))
            case .row: tests.append(rowPlan(dataset, options, kind: .row, order: order))
            case .feature: tests.append(try featurePlan(dataset, options))
            case .firstToken: tests.append(firstTokenPlan(dataset, options, order: order))
            case .featureNames: tests.append(featureNamesPlan(dataset, options, others))
            case .sample, .featureValues, .datasetName: tests.append(TabularKnowledgePlanner.plan(kind, dataset, options, others))
            }
        }
        return TabularPlan(dataset: dataset, options: options, tests: tests, fewShotDatasets: others.map(\.name), rowOrder: order)
    }

    // MARK: Header test

    /// The file text (lines joined by newlines) as characters, up to `extra` + 1 characters past the end of
    /// line `throughLine`, with the offset where each included line starts.
    static func headText(_ dataset: TabularDataset, throughLine: Int, extra: Int) -> (text: [Character], lineStarts: [Int]) {
        var text = [Character]()
        var starts = [Int]()
        var needed = Int.max
        for (index, line) in dataset.lines.enumerated() {
            if text.count >= needed { break }
            if index > 0 { text.append("\n") }
            starts.append(text.count)
            text.append(contentsOf: line)
            if index == throughLine { needed = text.count + extra + 1 }
        }
        return (text, starts)
    }

    static func headerPlan(_ dataset: TabularDataset, _ options: TabularOptions, _ others: [TabularDataset]) -> TabularTestPlan {
        let cutRows = options.headerCutRows.filter { $0 >= 1 && $0 < dataset.lines.count }
        guard let lastCut = cutRows.max() else {
            return TabularTestPlan(test: .header, notApplicable: "the file has \(dataset.rowCount) row\(dataset.rowCount == 1 ? "" : "s"); the header test cuts inside rows \(options.headerCutRows.map(String.init).joined(separator: ", "))")
        }
        let length = max(1, options.headerCharacters)
        let (text, starts) = headText(dataset, throughLine: lastCut, extra: length)
        let fewShotTexts = others.map { headText($0, throughLine: lastCut, extra: length).text }
        var rng = TabularRandom(seed: options.seed, stream: "header")
        var plan = TabularTestPlan(test: .header)
        var baselines = [Double]()
        for cutRow in cutRows {
            let row = Array(dataset.lines[cutRow])
            let low = row.count / 3, high = max(low + 1, (2 * row.count) / 3)
            let cut = rng.int(in: low..<high)
            let offset = starts[cutRow] + cut
            let prompt = String(text[..<offset])
            let truth = String(text[offset..<min(text.count, offset + length)])
            // Where the rest of the cut row and each following row end inside `truth`.
            var ends = [row.count - cut]
            var isNew = [Bool]()
            let shown = Set(dataset.lines[0..<cutRow])
            var next = cutRow + 1
            while next < dataset.lines.count, let last = ends.last, last + 1 + dataset.lines[next].count <= truth.count {
                ends.append(last + 1 + dataset.lines[next].count)
                isNew.append(!shown.contains(dataset.lines[next]) && dataset.lines[next] != dataset.lines[cutRow])
                next += 1
            }
            let label = "\(dataset.name): header test, cut in row \(cutRow)"
            let request: ModelRequest
            switch options.mode {
            case .completion:
                request = .completion(prompt, maxTokens: length, label: label)
            case .chat:
                var messages = [ChatMessage.system(SystemPrompt.header)]
                for other in fewShotTexts where other.count > offset {
                    messages.append(.user(String(other[..<offset])))
                    messages.append(.assistant(String(other[offset..<min(other.count, offset + length)])))
                }
                messages.append(.user(prompt))
                request = .chat(messages, maxTokens: length, label: label)
            }
            var query = TabularQuery(test: .header, index: plan.queries.count, request: request, prompt: prompt, truth: truth)
            query.cutRow = cutRow
            query.rowEnds = ends
            query.rowIsNew = isNew
            plan.queries.append(query)
            // Baseline: continue with the rest of another row from the same place in the same field. A model
            // that copies the rows it was shown gets the best of the prompt's rows; one that knows the
            // distribution gets about the mean over the file's rows. Keep the larger.
            let delimiter = fieldDelimiter(dataset.header)
            let (field, offsetInField) = fieldPosition(row, cut: cut, delimiter: delimiter)
            var matched = 0, trials = 0, bestShown = 0
            for other in 1..<min(dataset.lines.count, 201) where other != cutRow {
                guard let guess = continuation(Array(dataset.lines[other]), field: field, offsetInField: offsetInField, delimiter: delimiter) else { continue }
                let length = Levenshtein.commonPrefixLength(guess, truth)
                matched += length
                trials += 1
                if other < cutRow { bestShown = max(bestShown, length) }
            }
            baselines.append(max(Double(bestShown), trials == 0 ? 0 : Double(matched) / Double(trials)))
        }
        plan.headerBaseline = baselines.max() ?? 0
        if options.mode == .chat {
            plan.notes.append(others.isEmpty ? "no few-shot datasets (none found, or all were this dataset)" : "few-shot: the same cuts in \(others.map(\.name).joined(separator: ", "))")
        }
        return plan
    }

    /// The delimiter of a header line: the most frequent of `,` `;` tab `|` (`,` on ties).
    static func fieldDelimiter(_ header: String) -> Character {
        let counts = [",", ";", "\t", "|"].map { d in (Character(d), header.filter { $0 == Character(d) }.count) }
        return counts.max { $0.1 < $1.1 || ($0.1 == $1.1 && $1.0 == ",") }.map { $0.1 > 0 ? $0.0 : "," } ?? ","
    }

    /// Which field (0-based) the character offset `cut` of `row` falls in, and how far into it (quotes ignored).
    static func fieldPosition(_ row: [Character], cut: Int, delimiter: Character) -> (field: Int, offset: Int) {
        var field = 0, start = 0
        for (index, character) in row.prefix(cut).enumerated() where character == delimiter {
            field += 1
            start = index + 1
        }
        return (field, cut - start)
    }

    /// The rest of `row` from `offsetInField` characters into field `field` (clamped to the field's end), or
    /// nil when the row has fewer fields.
    static func continuation(_ row: [Character], field: Int, offsetInField: Int, delimiter: Character) -> String? {
        var start = 0, seen = 0
        while seen < field {
            guard let next = row[start...].firstIndex(of: delimiter) else { return nil }
            start = next + 1
            seen += 1
        }
        let fieldEnd = row[start...].firstIndex(of: delimiter) ?? row.count
        return String(row[min(start + offsetInField, fieldEnd)...])
    }

    // MARK: Row completion and first-token tests

    /// Start lines of the windows whose next row is asked for, and the few-shot windows of each (chat mode).
    static func rowWindows(_ dataset: TabularDataset, _ options: TabularOptions, stream: String, fewShot: Int) -> [(start: Int, fewShot: [Int])] {
        let windowCount = dataset.lines.count - options.prefixRows
        guard options.prefixRows >= 1, windowCount >= 1 else { return [] }
        var rng = TabularRandom(seed: options.seed, stream: stream)
        let starts = rng.distinct(min(options.queries, windowCount), from: 0..<windowCount)
        return starts.map { start in
            guard options.mode == .chat, fewShot > 0 else { return (start, []) }
            let truth = dataset.lines[start + options.prefixRows]
            var chosen = [Int]()
            var attempts = 0
            while chosen.count < fewShot && attempts < 50 * fewShot {
                attempts += 1
                let candidate = rng.int(in: 0..<windowCount)
                guard candidate != start, !chosen.contains(candidate) else { continue }
                // Never show the row being asked for, in any window line or inside one.
                let window = dataset.lines[candidate...(candidate + options.prefixRows)]
                guard !window.contains(where: { $0.contains(truth) }) else { continue }
                chosen.append(candidate)
            }
            return (start, chosen)
        }
    }

    static func rowPlan(_ dataset: TabularDataset, _ options: TabularOptions, kind: TabularTestKind, order: TabularRowOrder, tokenLength: Int? = nil) -> TabularTestPlan {
        let windows = rowWindows(dataset, options, stream: kind.rawValue, fewShot: options.rowFewShot)
        guard !windows.isEmpty else {
            return TabularTestPlan(test: kind, notApplicable: "the file has \(dataset.lines.count) lines; the test shows \(options.prefixRows) and asks for the next")
        }
        var plan = TabularTestPlan(test: kind)
        let p = options.prefixRows
        for (number, window) in windows.enumerated() {
            let prompt = dataset.lines[window.start..<(window.start + p)].joined(separator: "\n")
            let truth = dataset.lines[window.start + p]
            let label = "\(dataset.name): \(kind.title), query \(number + 1) of \(windows.count)"
            let maxTokens = tokenLength.map { $0 + 4 } ?? (truth.utf8.count + 16)
            let request: ModelRequest
            switch options.mode {
            case .completion:
                request = .completion(prompt + "\n", maxTokens: maxTokens, label: label)
            case .chat:
                var messages = [ChatMessage.system(SystemPrompt.row)]
                for start in window.fewShot {
                    messages.append(.user(dataset.lines[start..<(start + p)].joined(separator: "\n")))
                    messages.append(.assistant(dataset.lines[start + p]))
                }
                messages.append(.user(prompt))
                request = .chat(messages, maxTokens: maxTokens, label: label)
            }
            var query = TabularQuery(test: kind, index: number, request: request, prompt: prompt, truth: truth)
            query.previousRow = dataset.lines[window.start + p - 1]
            plan.queries.append(query)
        }
        if kind == .row {
            let rows = dataset.lines[1...]
            plan.duplicateRowRate = 1 - Double(Set(rows).count) / Double(rows.count)
            var rng = TabularRandom(seed: options.seed, stream: "row-baseline")
            var total = 0.0
            for query in plan.queries {
                var other = rng.int(in: 1..<dataset.lines.count)
                if dataset.lines.count > 2 {
                    while dataset.lines[other] == query.truth && rows.contains(where: { $0 != query.truth }) { other = rng.int(in: 1..<dataset.lines.count) }
                }
                total += Levenshtein.normalizedDistance(dataset.lines[other], query.truth)
            }
            plan.randomRowDistance = total / Double(plan.queries.count)
        }
        if options.mode == .chat {
            plan.notes.append("few-shot: \(options.rowFewShot) windows of \(p) rows from the same file, never containing the asked row")
        }
        if kind == .row {
            // The row test still needs every field of the row verbatim; a predictable column only gives one away.
            plan.notes += order.columns.map { column in
                "\(column.name) is \(column.kind == .id ? "a running id" : column.kind == .sorted ? "sorted" : "grouped"): its value in the asked row follows from the rows shown; an exact row still needs every other field"
            }
        }
        return plan
    }

    /// The smallest number of leading characters (1–6) of the rows' text from column `column` on (the whole row
    /// when 0) whose values among the data rows are at least 3 distinct, with the most common under half of the
    /// rows; nil when there is none.
    public static func firstTokenLength(_ dataset: TabularDataset, fromColumn column: Int = 0) -> Int? {
        let delimiter = fieldDelimiter(dataset.header)
        let rows = dataset.lines[1...].map { TabularRowOrder.dropLeadingFields($0, count: column, delimiter: delimiter) ?? "" }
        for length in 1...6 {
            var counts = [Substring: Int]()
            for row in rows { counts[row.prefix(length), default: 0] += 1 }
            if counts.count >= 3, let top = counts.values.max(), Double(top) < 0.5 * Double(rows.count) { return length }
        }
        return nil
    }

    static func firstTokenPlan(_ dataset: TabularDataset, _ options: TabularOptions, order: TabularRowOrder) -> TabularTestPlan {
        guard let column = order.firstTokenColumn else {
            return TabularTestPlan(test: .firstToken, notApplicable: "every column is predictable from the previous row (\(order.columns.map(\.name).joined(separator: ", ")))")
        }
        let skipped = order.skippedLeadingColumns
        guard let length = firstTokenLength(dataset, fromColumn: column) else {
            let start = skipped.isEmpty ? "the rows'" : "the rows' (after \(skipped.joined(separator: ", ")))"
            return TabularTestPlan(test: .firstToken, notApplicable: "no first token: for every length 1–6 \(start) leading characters have fewer than 3 values or one value in half of the rows")
        }
        let delimiter = fieldDelimiter(dataset.header)
        // The model writes the skipped fields first: room for the longest of them.
        let skippedLength = column == 0 ? 0 : dataset.lines[1...].map { $0.utf8.count - (TabularRowOrder.dropLeadingFields($0, count: column, delimiter: delimiter)?.utf8.count ?? 0) }.max() ?? 0
        var plan = rowPlan(dataset, options, kind: .firstToken, order: order, tokenLength: length + skippedLength)
        plan.firstTokenLength = length
        plan.firstTokenColumn = column
        plan.fieldDelimiter = delimiter
        if plan.notApplicable == nil {
            let what = "first token = the first \(length) character\(length == 1 ? "" : "s") of the row"
            plan.notes.insert(skipped.isEmpty ? what : what + " after \(skipped.joined(separator: ", ")) (predictable from the previous row: " + order.notes.prefix(skipped.count).joined(separator: "; ") + ")", at: 0)
        }
        return plan
    }

    // MARK: Feature completion

    /// The feature with most distinct values (the first on ties), and its fraction of distinct values.
    public static func mostDistinctFeature(_ dataset: TabularDataset) -> (index: Int, distinctFraction: Double) {
        var best = 0, bestCount = -1
        for column in 0..<dataset.featureNames.count {
            var seen = Set<String>()
            for row in 1..<dataset.fields.count { seen.insert(trimmed(dataset.fields[row][column])) }
            if seen.count > bestCount { best = column; bestCount = seen.count }
        }
        return (best, Double(max(0, bestCount)) / Double(max(1, dataset.rowCount)))
    }

    /// "F1 = v1, F2 = v2, …" of a row, leaving out `skip`.
    public static func serialize(_ fields: [String], names: [String], skip: Int? = nil) -> String {
        var parts = [String]()
        for (column, name) in names.enumerated() where column != skip {
            parts.append("\(name) = \(column < fields.count ? fields[column] : "")")
        }
        return parts.joined(separator: ", ")
    }

    static func featurePlan(_ dataset: TabularDataset, _ options: TabularOptions) throws -> TabularTestPlan {
        let names = dataset.featureNames
        guard names.count >= 2 else {
            return TabularTestPlan(test: .feature, notApplicable: "the dataset has a single feature; nothing to complete it from")
        }
        let target: Int
        var distinctFraction: Double
        if let feature = options.feature {
            guard let index = names.firstIndex(of: feature) ?? names.firstIndex(where: { trimmed($0) == trimmed(feature) }) else {
                throw TabularError.unknownFeature(dataset: dataset.path, feature: feature, available: names)
            }
            target = index
            distinctFraction = Double(Set((1..<dataset.fields.count).map { trimmed(dataset.fields[$0][index]) }).count) / Double(dataset.rowCount)
        } else {
            (target, distinctFraction) = mostDistinctFeature(dataset)
        }
        let name = names[target]
        var plan = TabularTestPlan(test: .feature)
        plan.distinctFraction = distinctFraction
        var counts = [String: Int]()
        for row in 1..<dataset.fields.count { counts[trimmed(dataset.fields[row][target]), default: 0] += 1 }
        if let top = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            plan.modeValue = top.key
            plan.modeFrequency = Double(top.value) / Double(dataset.rowCount)
        }
        var rng = TabularRandom(seed: options.seed, stream: "feature")
        let rows = rng.distinct(min(options.queries, dataset.rowCount), from: 1..<dataset.lines.count)
        let longest = (1..<dataset.fields.count).reduce(0) { max($0, dataset.fields[$1][target].utf8.count) }
        for (number, row) in rows.enumerated() {
            var shots = [Int]()
            var attempts = 0
            while shots.count < options.featureFewShot && attempts < 50 * max(1, options.featureFewShot) && dataset.rowCount > 1 {
                attempts += 1
                let candidate = rng.int(in: 1..<dataset.lines.count)
                guard candidate != row, !shots.contains(candidate), dataset.lines[candidate] != dataset.lines[row] else { continue }
                shots.append(candidate)
            }
            let prompt = serialize(dataset.fields[row], names: names, skip: target)
            let truth = dataset.fields[row][target]
            let label = "\(dataset.name): feature completion of '\(name)', query \(number + 1) of \(rows.count)"
            let maxTokens = longest + 16
            let request: ModelRequest
            switch options.mode {
            case .completion:
                var text = ""
                for shot in shots {
                    text += serialize(dataset.fields[shot], names: names, skip: target) + ", \(name) = \(dataset.fields[shot][target])\n"
                }
                text += prompt + ", \(name) ="
                request = .completion(text, maxTokens: maxTokens, label: label)
            case .chat:
                var messages = [ChatMessage.system(SystemPrompt.feature)]
                for shot in shots {
                    messages.append(.user(serialize(dataset.fields[shot], names: names, skip: target)))
                    messages.append(.assistant("\(name) = \(dataset.fields[shot][target])"))
                }
                messages.append(.user(prompt))
                request = .chat(messages, maxTokens: maxTokens, label: label)
            }
            var query = TabularQuery(test: .feature, index: number, request: request, prompt: prompt, truth: truth)
            query.feature = name
            plan.queries.append(query)
        }
        plan.notes.append("target feature '\(name)' (\(Int((distinctFraction * 100).rounded())) % distinct values\(options.feature == nil ? ", the most of any feature" : "")); \(options.featureFewShot) few-shot rows from the same file")
        return plan
    }

    // MARK: Feature names

    static func featureNamesPlan(_ dataset: TabularDataset, _ options: TabularOptions, _ others: [TabularDataset]) -> TabularTestPlan {
        let names = dataset.featureNames.map(trimmed)
        guard names.count >= 2 else {
            return TabularTestPlan(test: .featureNames, notApplicable: "the dataset has a single feature")
        }
        let given = max(1, names.count / 4)
        let prompt = names[..<given].joined(separator: ", ")
        let truth = names[given...].joined(separator: ", ")
        let label = "\(dataset.name): feature-names test"
        let maxTokens = truth.utf8.count + 32
        let request: ModelRequest
        switch options.mode {
        case .completion:
            var text = ""
            for other in others {
                let otherNames = other.featureNames.map(trimmed)
                text += "Dataset: \(other.name)\nNumber of Features: \(otherNames.count)\nFeature Names: \(otherNames.joined(separator: ", "))\n\n"
            }
            text += "Dataset: \(dataset.name)\nNumber of Features: \(names.count)\nFeature Names: \(prompt), "
            request = .completion(text, maxTokens: maxTokens, label: label)
        case .chat:
            var messages = [ChatMessage.system(SystemPrompt.featureNames)]
            for other in others {
                let otherNames = other.featureNames.map(trimmed)
                guard otherNames.count >= 2 else { continue }
                let otherGiven = max(1, otherNames.count / 4)
                messages.append(.user("Dataset: \(other.name). Feature Names: \(otherNames[..<otherGiven].joined(separator: ", "))"))
                messages.append(.assistant(otherNames[otherGiven...].joined(separator: ", ")))
            }
            messages.append(.user("Dataset: \(dataset.name). Feature Names: \(prompt)"))
            request = .chat(messages, maxTokens: maxTokens, label: label)
        }
        var plan = TabularTestPlan(test: .featureNames, queries: [TabularQuery(test: .featureNames, index: 0, request: request, prompt: "Dataset: \(dataset.name). Feature Names: \(prompt)", truth: truth)])
        plan.notes.append("given \(given) of \(names.count) feature names" + (others.isEmpty ? "" : "; few-shot: \(others.map(\.name).joined(separator: ", "))"))
        return plan
    }

    static func trimmed(_ text: String) -> String {
        var value = Substring(text)
        while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
        while let last = value.last, last == " " || last == "\t" || last == "\r" { value.removeLast() }
        return String(value)
    }
}
