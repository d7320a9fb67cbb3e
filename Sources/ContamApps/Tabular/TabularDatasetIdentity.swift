import Foundation

/// Decides whether two CSVs hold the same dataset whatever their formatting (quoting, spacing, letter case,
/// number formatting, column order, line endings, a different label encoding), so a dataset is never used as
/// its own few-shot example. tabmemcheck compares file names and leaks Iris into Iris tests this way.
///
/// Two datasets are the same when they have the same feature names (as a set, ignoring case, spaces,
/// quotes and punctuation; at least two features), or when at least half of up to 200 rows of one have a
/// near-duplicate in the other: a row that shares at least 75 % of its normalized values (as a multiset).
public enum TabularDatasetIdentity {
    /// Rows of a dataset indexed for lookups at most (a contiguous head); enough to find a known dataset inside
    /// a larger one without indexing a hundred thousand rows per comparison.
    public static let indexedRows = 20_000

    /// A dataset reduced to what the comparison needs: normalized feature names, normalized rows (up to
    /// `indexedRows`), an index from each value to the rows holding it, and up to 200 evenly spread sample rows.
    public struct Fingerprint {
        var names: Set<String>
        var rows: [[String]]
        var rowsByValue: [String: [Int]]
        var sample: [Int]

        public init(_ dataset: TabularDataset) {
            names = Set(dataset.featureNames.map(TabularDatasetIdentity.normalizedName))
            let count = min(dataset.rowCount, TabularDatasetIdentity.indexedRows)
            rows = (0..<count).map { dataset.fields[$0 + 1].map(TabularDatasetIdentity.normalizedValue) }
            rowsByValue = [:]
            for (row, values) in rows.enumerated() {
                for value in Set(values) { rowsByValue[value, default: []].append(row) }
            }
            let sampleCount = min(200, count)
            let step = Double(count) / Double(max(1, sampleCount))
            sample = (0..<sampleCount).map { Int(Double($0) * step) }
        }
    }

    /// `candidates` without any that is the same dataset as `dataset`.
    public static func excludingSameDataset(as dataset: TabularDataset, from candidates: [TabularDataset]) -> [TabularDataset] {
        guard !candidates.isEmpty else { return [] }
        let tested = Fingerprint(dataset)
        return candidates.filter { !isSameDataset(tested, Fingerprint($0)) }
    }

    /// True when `a` and `b` hold the same dataset (see the type's documentation).
    public static func isSameDataset(_ a: TabularDataset, _ b: TabularDataset) -> Bool {
        isSameDataset(Fingerprint(a), Fingerprint(b))
    }

    static func isSameDataset(_ a: Fingerprint, _ b: Fingerprint) -> Bool {
        if a.names.count >= 2 && a.names == b.names { return true }
        return rowOverlap(a, b) >= 0.5 || rowOverlap(b, a) >= 0.5
    }

    /// Fraction of (up to 200, evenly spread) rows of `a` that have a near-duplicate row in `b`.
    public static func rowOverlap(_ a: TabularDataset, _ b: TabularDataset) -> Double {
        rowOverlap(Fingerprint(a), Fingerprint(b))
    }

    static func rowOverlap(_ a: Fingerprint, _ b: Fingerprint) -> Double {
        guard !a.sample.isEmpty, !b.rows.isEmpty else { return 0 }
        var matched = 0
        for row in a.sample {
            let values = a.rows[row]
            let needed = Int((0.75 * Double(values.count)).rounded(.up))
            guard needed > 0 else { continue }
            // Candidates: rows of b sharing the value of `a`'s rarest field value.
            let rarest = values.min { (b.rowsByValue[$0]?.count ?? 0) < (b.rowsByValue[$1]?.count ?? 0) } ?? ""
            var candidates = b.rowsByValue[rarest] ?? []
            if candidates.count > 2000 { candidates = Array(candidates.prefix(2000)) }
            let valueCounts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
            for candidate in candidates {
                var remaining = valueCounts
                var shared = 0
                for value in b.rows[candidate] {
                    if let count = remaining[value], count > 0 {
                        remaining[value] = count - 1
                        shared += 1
                    }
                }
                if shared >= needed { matched += 1; break }
            }
        }
        return Double(matched) / Double(a.sample.count)
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
