import Foundation

/// Decides whether two CSVs hold the same dataset whatever their formatting (quoting, spacing, letter case,
/// number formatting, column order, line endings, a different label encoding), so a dataset is never used as
/// its own few-shot example. tabmemcheck compares file names and leaks Iris into Iris tests this way.
///
/// Two datasets are the same when they have the same feature names (as a set, ignoring case, spaces,
/// quotes and punctuation; at least two features), or when at least half of up to 200 rows of one have a
/// near-duplicate in the other: a row that shares at least 75 % of its normalized values (as a multiset).
public enum TabularDatasetIdentity {
    /// `candidates` without any that is the same dataset as `dataset`.
    public static func excludingSameDataset(as dataset: TabularDataset, from candidates: [TabularDataset]) -> [TabularDataset] {
        candidates.filter { !isSameDataset(dataset, $0) }
    }

    /// True when `a` and `b` hold the same dataset (see the type's documentation).
    public static func isSameDataset(_ a: TabularDataset, _ b: TabularDataset) -> Bool {
        let namesA = Set(a.featureNames.map(normalizedName)), namesB = Set(b.featureNames.map(normalizedName))
        if namesA.count >= 2 && namesA == namesB { return true }
        return rowOverlap(a, b) >= 0.5 || rowOverlap(b, a) >= 0.5
    }

    /// Fraction of (up to 200, evenly spread) rows of `a` that have a near-duplicate row in `b`.
    public static func rowOverlap(_ a: TabularDataset, _ b: TabularDataset) -> Double {
        guard a.rowCount > 0, b.rowCount > 0 else { return 0 }
        let sampleCount = min(200, a.rowCount)
        let step = Double(a.rowCount) / Double(sampleCount)
        let sample = (0..<sampleCount).map { 1 + Int(Double($0) * step) }
        // Index b's rows by each of their values, so only rows sharing a value are compared.
        var rowsByValue = [String: [Int]]()
        let bRows = (1..<b.fields.count).map { b.fields[$0].map(normalizedValue) }
        for (row, values) in bRows.enumerated() {
            for value in Set(values) { rowsByValue[value, default: []].append(row) }
        }
        var matched = 0
        for row in sample {
            let values = a.fields[row].map(normalizedValue)
            let needed = Int((0.75 * Double(values.count)).rounded(.up))
            guard needed > 0 else { continue }
            // Candidates: rows of b sharing the value of `a`'s rarest field value.
            let rarest = values.min { (rowsByValue[$0]?.count ?? 0) < (rowsByValue[$1]?.count ?? 0) } ?? ""
            var candidates = rowsByValue[rarest] ?? []
            if candidates.count > 2000 { candidates = Array(candidates.prefix(2000)) }
            let valueCounts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
            for candidate in candidates {
                var remaining = valueCounts
                var shared = 0
                for value in bRows[candidate] {
                    if let count = remaining[value], count > 0 {
                        remaining[value] = count - 1
                        shared += 1
                    }
                }
                if shared >= needed { matched += 1; break }
            }
        }
        return Double(matched) / Double(sampleCount)
    }

    /// A feature name reduced to lowercase letters and digits.
    static func normalizedName(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    }

    /// A value trimmed, unquoted, lowercased, with numbers in one canonical form ("5.10" = "5.1", "3" = "3.0").
    static func normalizedValue(_ value: String) -> String {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        if let number = Double(text), number.isFinite {
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
        return text.lowercased()
    }
}
