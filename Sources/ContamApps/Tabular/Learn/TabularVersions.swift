import Foundation

/// The four versions of a dataset that `contam tabular learn` asks the same questions on (Bordt et al. 2024,
/// "Elephants Never Forget", §5). Each builds on the previous one, so a drop from one to the next is what that
/// one transform took away: verbatim rows (perturbed), verbatim names (task), then all meaning (statistical).
public enum TabularLearnVersion: String, CaseIterable, Codable, Sendable {
    /// The file as it is.
    case original
    /// Every numeric feature moved by one unit in its last written digit.
    case perturbed
    /// Perturbed, with feature names and category names re-spelled.
    case task
    /// Task, with z-scores, integer codes, names X1…Xn and Y, and the columns shuffled.
    case statistical

    /// Whether prompts of this version name the dataset: all but statistical, as in the paper.
    public var namesDataset: Bool { self != .statistical }
}

/// One version of a dataset: a table whose data row r is the transform of the original's row r (so the paired
/// design asks the same rows in every version), where its target is, and how its classes are spelled.
public struct TabularDatasetVersion: Sendable {
    public var version: TabularLearnVersion
    /// The transformed table (same name, path and row order as the original).
    public var dataset: TabularDataset
    /// The target's column in `dataset`.
    public var targetColumn: Int
    /// This version's spelling of each original class (the identity for original and perturbed).
    public var classSpelling: [String: String]
    /// The original class of each spelling: how answers are mapped back before scoring.
    public var originalClass: [String: String]
    /// What the transform did, in one sentence, for the report.
    public var transform: String
    /// The original column each column of `dataset` comes from (the identity but for statistical).
    public var sourceColumns: [Int]

    /// The target's name in this version.
    public var targetName: String { dataset.featureNames[targetColumn] }
}

/// Builds the four cumulative versions of a dataset, every random choice drawn from `--seed` (`TabularRandom`),
/// so the same seed gives the same versions on every machine.
///
/// - **perturbed** (tabmemcheck 0.1.6 `integer_perturbation` / `float_perturbation`, size 1): each cell of a
///   numeric feature moves by +1 or −1 (a fair coin) unit of its last written decimal place (`5.1` → `5.0` or
///   `5.2`, `0.25` → `0.24` or `0.26`, `7` → `6` or `8`) and keeps its number of decimals. A cell written with fewer
///   decimals than most of its column (files that drop trailing zeros write 5.0 as `5` among `5.1`, `4.9`) moves by
///   the column's usual unit instead and is written with its decimals (`5` → `4.9` or `5.1`, not `4` or `6`: a
///   jump of ten units). A move that would leave the column's [min, max] is not made (tabmemcheck clips to the
///   bound, which for a cell at the bound is the same no-change). Empty cells, categorical features and the target stay.
/// - **task**: feature names and the values of categorical features and of the target are re-spelled
///   (`respelledName`, `respelledValue`); numbers stay as perturbed.
/// - **statistical**: numeric features become z-scores of the perturbed values (population standard deviation,
///   2 decimals), categorical features and the target integer codes in a seeded random order, features are
///   named X1…Xn in their new order and the target Y, and the columns are shuffled.
///
/// A column is numeric when every non-empty cell is a plain decimal (`-12`, `3.50`; no exponent, at most 18
/// digits) and at least one cell is non-empty; only empty cells count as missing.
public enum TabularVersions {
    /// The four versions, in `TabularLearnVersion.allCases` order. O(rows × columns).
    public static func make(_ original: TabularDataset, targetColumn: Int, seed: UInt64) throws -> [TabularDatasetVersion] {
        let columns = original.featureNames.count
        let numeric = numericColumns(original, excluding: targetColumn)
        let categorical = (0..<columns).filter { $0 != targetColumn && !numeric.contains($0) }
        let classes = Set((1..<original.fields.count).map { TabularPlanner.trimmed(original.fields[$0][targetColumn]) }).filter { !$0.isEmpty }
        let identity = Dictionary(uniqueKeysWithValues: classes.map { ($0, $0) })

        let first = TabularDatasetVersion(version: .original, dataset: original, targetColumn: targetColumn,
                                          classSpelling: identity, originalClass: identity, transform: "the file as it is", sourceColumns: Array(0..<columns))

        // Perturbed: numeric features by one unit in the last digit.
        let (perturbedRows, changed, kept) = perturbed(original, columns: numeric, seed: seed)
        let stillThere = rowsStillInOriginal(perturbedRows, original: original)
        let numericNames = numeric.map { original.featureNames[$0] }
        let perturbedNote = numeric.isEmpty
            ? "no numeric features, nothing moved; \(stillThere) of \(original.rowCount) rows still occur in the original"
            : "\(numeric.count) numeric feature\(numeric.count == 1 ? "" : "s") (\(numericNames.joined(separator: ", "))) moved by one unit in the last digit "
                + "(\(changed) cells changed, \(kept) at the column's min or max kept); \(stillThere) of \(original.rowCount) rows still occur in the original"
        let second = TabularDatasetVersion(version: .perturbed, dataset: try table(perturbedRows, like: original), targetColumn: targetColumn,
                                           classSpelling: identity, originalClass: identity, transform: perturbedNote, sourceColumns: Array(0..<columns))

        // Task: names and categories re-spelled.
        let names = respelled(original.featureNames, with: respelledName, fallback: { "The " + lowercasedWords($0) })
        var taskRows = perturbedRows
        taskRows[0] = names
        var taskClasses: [String: String] = [:]
        for column in categorical + [targetColumn] {
            let values = Set((1..<taskRows.count).map { TabularPlanner.trimmed(taskRows[$0][column]) }).filter { !$0.isEmpty }.sorted()
            let prefix = column == targetColumn ? "class " : "category "
            let spelled = respelled(values, with: respelledValue, fallback: { prefix + $0 })
            let map = Dictionary(uniqueKeysWithValues: zip(values, spelled))
            for row in 1..<taskRows.count {
                let value = TabularPlanner.trimmed(taskRows[row][column])
                if let spelling = map[value] { taskRows[row][column] = spelling }
            }
            if column == targetColumn { taskClasses = map }
        }
        let renamed = zip(original.featureNames, names).filter { $0 != $1 }.count
        let third = TabularDatasetVersion(version: .task, dataset: try table(taskRows, like: original), targetColumn: targetColumn,
                                          classSpelling: taskClasses, originalClass: inverted(taskClasses),
                                          transform: "perturbed, plus \(renamed) feature names and the values of \(categorical.count) categorical feature\(categorical.count == 1 ? "" : "s") and of the target re-spelled (e.g. '\(original.featureNames[0])' → '\(names[0])')",
                                          sourceColumns: Array(0..<columns))

        // Statistical: z-scores, codes, X1…Xn / Y, shuffled columns.
        var statisticalRows = taskRows
        for column in numeric {
            let values = (1..<taskRows.count).compactMap { Double(TabularPlanner.trimmed(taskRows[$0][column])) }
            let mean = values.reduce(0, +) / Double(max(1, values.count))
            let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, values.count))).squareRoot()
            for row in 1..<taskRows.count {
                guard let value = Double(TabularPlanner.trimmed(taskRows[row][column])) else { continue }
                statisticalRows[row][column] = zScoreText(deviation > 0 ? (value - mean) / deviation : 0)
            }
        }
        var statisticalClasses: [String: String] = [:]
        for column in categorical + [targetColumn] {
            var values = Set((1..<taskRows.count).map { TabularPlanner.trimmed(taskRows[$0][column]) }).filter { !$0.isEmpty }.sorted()
            var rng = TabularRandom(seed: seed, stream: "learn-codes-\(column)")
            values.shuffle(using: &rng)
            let code = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, String($0)) })
            for row in 1..<taskRows.count {
                if let coded = code[TabularPlanner.trimmed(taskRows[row][column])] { statisticalRows[row][column] = coded }
            }
            if column == targetColumn { statisticalClasses = taskClasses.mapValues { code[$0] ?? $0 } }
        }
        var order = Array(0..<columns)
        var columnRng = TabularRandom(seed: seed, stream: "learn-columns")
        order.shuffle(using: &columnRng)
        var featureNumber = 0
        statisticalRows[0] = order.map { column in
            if column == targetColumn { return "Y" }
            featureNumber += 1
            return "X\(featureNumber)"
        }
        statisticalRows = statisticalRows.enumerated().map { row, cells in row == 0 ? cells : order.map { cells[$0] } }
        let fourth = TabularDatasetVersion(version: .statistical, dataset: try table(statisticalRows, like: original),
                                           targetColumn: order.firstIndex(of: targetColumn) ?? 0,
                                           classSpelling: statisticalClasses, originalClass: inverted(statisticalClasses),
                                           transform: "task, plus \(numeric.count) numeric feature\(numeric.count == 1 ? "" : "s") as z-scores (2 decimals), \(categorical.count) categorical feature\(categorical.count == 1 ? "" : "s") and the target as integer codes in a random order, features named X1…X\(columns - 1), the target Y, the columns shuffled, no dataset name",
                                           sourceColumns: order)
        return [first, second, third, fourth]
    }

    // MARK: Numbers

    /// A cell written as a plain decimal: `mantissa` × 10^−`decimals` (`"-5.10"` is −510 with 2 decimals).
    public struct DecimalCell: Sendable, Equatable {
        public var mantissa: Int
        public var decimals: Int

        /// The cell `mantissa` × 10^−`decimals`.
        public init(mantissa: Int, decimals: Int) {
            self.mantissa = mantissa
            self.decimals = decimals
        }

        /// Parses `-12`, `+3.50`, `0.25`; nil for anything else (exponents, `.5`, `5.`, more than 18 digits).
        public init?(_ text: String) {
            var body = Substring(text)
            var negative = false
            if let sign = body.first, sign == "-" || sign == "+" {
                negative = sign == "-"
                body = body.dropFirst()
            }
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
            let fraction = parts.count == 2 ? parts[1] : ""
            guard parts.count == 1 || (!fraction.isEmpty && fraction.allSatisfy(\.isASCIIDigit)) else { return nil }
            guard whole.count + fraction.count <= 18, let magnitude = Int(whole + fraction) else { return nil }
            mantissa = negative ? -magnitude : magnitude
            decimals = fraction.count
        }

        /// The exact value (Foundation's `Decimal`: no binary rounding when cells of different decimals are compared).
        public var value: Decimal {
            Decimal(sign: mantissa < 0 ? .minus : .plus, exponent: -decimals, significand: Decimal(mantissa.magnitude))
        }

        /// The same value with at least `decimals` decimals (`5` → `5.0`); itself when it has as many, or when
        /// the mantissa would not fit.
        public func padded(to decimals: Int) -> DecimalCell {
            guard decimals > self.decimals else { return self }
            var scaled = mantissa
            for _ in self.decimals..<decimals {
                let (product, overflow) = scaled.multipliedReportingOverflow(by: 10)
                if overflow || product.magnitude > 999_999_999_999_999_999 { return self }
                scaled = product
            }
            return DecimalCell(mantissa: scaled, decimals: decimals)
        }

        /// Written with its number of decimals: `-0.05`, `7`, `5.10` (zero without a sign).
        public var text: String {
            var digits = String(mantissa.magnitude)
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
            if decimals > 0 { digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals)) }
            return (mantissa < 0 ? "-" : "") + digits
        }
    }

    /// The non-target columns whose every non-empty cell is a `DecimalCell` (and that have one).
    public static func numericColumns(_ dataset: TabularDataset, excluding target: Int) -> [Int] {
        (0..<dataset.featureNames.count).filter { column in
            guard column != target else { return false }
            var seen = false
            for row in 1..<dataset.fields.count {
                let cell = TabularPlanner.trimmed(dataset.fields[row][column])
                if cell.isEmpty { continue }
                guard DecimalCell(cell) != nil else { return false }
                seen = true
            }
            return seen
        }
    }

    /// The rows (header first) with every numeric cell of `columns` moved by ±1 unit of its last decimal place
    /// (or of the column's usual one, when the cell is written shorter), within the column's [min, max]; and how
    /// many cells changed and how many were kept at a bound.
    static func perturbed(_ dataset: TabularDataset, columns: [Int], seed: UInt64) -> (rows: [[String]], changed: Int, kept: Int) {
        var rows = dataset.fields
        var rng = TabularRandom(seed: seed, stream: "learn-perturb")
        var changed = 0, kept = 0
        for column in columns {
            let cells = (1..<rows.count).map { DecimalCell(TabularPlanner.trimmed(rows[$0][column])) }
            let values = cells.compactMap { $0?.value }
            guard let low = values.min(), let high = values.max() else { continue }
            let usual = usualDecimals(cells.compactMap { $0?.decimals })
            for row in 1..<rows.count {
                guard let cell = cells[row - 1] else { continue }
                var moved = cell.padded(to: usual)
                moved.mantissa += rng.next() & 1 == 0 ? -1 : 1
                if moved.value < low || moved.value > high {
                    kept += 1
                } else {
                    rows[row][column] = moved.text
                    changed += 1
                }
            }
        }
        return (rows, changed, kept)
    }

    /// How many of the data rows of `rows` (header first) are, field for field, a data row of `original`.
    public static func rowsStillInOriginal(_ rows: [[String]], original: TabularDataset) -> Int {
        let originalRows = Set(original.fields.dropFirst().map { $0.joined(separator: "\u{1F}") })
        return rows.dropFirst().filter { originalRows.contains($0.joined(separator: "\u{1F}")) }.count
    }

    /// The most common number of decimals of a column's cells (the larger on ties): its precision, which files
    /// that drop trailing zeros (`5` for 5.0, `2.1` for 2.10) write only on most cells.
    static func usualDecimals(_ decimals: [Int]) -> Int {
        var counts = [Int: Int]()
        for d in decimals { counts[d, default: 0] += 1 }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }?.key ?? 0
    }

    /// A z-score with 2 decimals, never `-0.00`.
    static func zScoreText(_ z: Double) -> String {
        let text = String(format: "%.2f", z)
        return text == "-0.00" ? "0.00" : text
    }

    // MARK: Re-spelling

    /// The words of a name: split at `_`, `-`, whitespace and camel-case boundaries (`PassengerId` → Passenger, Id;
    /// `HTTPCode` → HTTP, Code).
    public static func words(_ text: String) -> [String] {
        var words = [String]()
        var current = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character == "_" || character == "-" || character.isWhitespace {
                if !current.isEmpty { words.append(current); current = "" }
                continue
            }
            if let previous = current.last, character.isUppercase {
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // lower→Upper starts a word; so does the last capital of an acronym followed by lower case.
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && (next?.isLowercase ?? false)) {
                    words.append(current)
                    current = ""
                }
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// A word in lower case unless it is an acronym (two or more letters, all capitals: `BMI`, `ID`).
    static func lowercasedWord(_ word: String) -> String {
        word.count >= 2 && word.allSatisfy({ $0.isUppercase || $0.isNumber }) && word.contains(where: \.isLetter) ? word : word.lowercased()
    }

    static func lowercasedWords(_ text: String) -> String { words(text).map(lowercasedWord).joined(separator: " ") }

    /// A feature name in sentence case: its words, the first capitalized, the others in lower case (acronyms
    /// kept): `sepal_length` → `Sepal length`, `PassengerId` → `Passenger id`.
    public static func respelledName(_ name: String) -> String {
        let spaced = lowercasedWords(name)
        guard let first = spaced.first else { return name }
        return first.uppercased() + spaced.dropFirst()
    }

    /// A category or class in lower-case words: `Iris-setosa` → `iris setosa`, `FirstClass` → `first class`.
    public static func respelledValue(_ value: String) -> String {
        let spaced = lowercasedWords(value)
        return spaced.isEmpty ? value : spaced
    }

    /// Each of `originals` re-spelled, distinct from every original and from each other: when the re-spelling
    /// equals an original (`Age`, `male`, `0`) `fallback` is used (`The age`, `category male`, `class 0`), and a
    /// clash with an earlier re-spelling (`a-b`, `a_b`) gets " 2", " 3", ….
    static func respelled(_ originals: [String], with respell: (String) -> String, fallback: (String) -> String) -> [String] {
        let verbatim = Set(originals)
        var used = verbatim
        return originals.map { original in
            var spelling = respell(original)
            if verbatim.contains(spelling) { spelling = fallback(original) }
            var candidate = spelling
            var number = 2
            while used.contains(candidate) {
                candidate = "\(spelling) \(number)"
                number += 1
            }
            used.insert(candidate)
            return candidate
        }
    }

    static func inverted(_ map: [String: String]) -> [String: String] {
        Dictionary(map.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A dataset of `rows` (header first) with the original's name, path and line numbers, its lines written as CSV.
    static func table(_ rows: [[String]], like original: TabularDataset) throws -> TabularDataset {
        try TabularDataset(name: original.name, path: original.path, lines: rows.map { $0.map(TabularDataset.csvCell).joined(separator: ",") },
                           fields: rows, lineNumbers: original.lineNumbers, truncated: original.truncated)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
