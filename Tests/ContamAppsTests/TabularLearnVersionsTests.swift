import Foundation
import Testing
import ContamTestSupport
@testable import ContamApps

/// The four versions of `contam tabular learn`, each checked against a plain reference computed here from the
/// original cells (string arithmetic for the perturbation, Double sums for the z-scores).
@Suite struct TabularLearnVersionsTests {
    static func iris() throws -> TabularDataset { try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv") }

    static let mixed = """
    PassengerId,Pclass,Sex,Age,Fare,Embarked,Survived
    1,3,male,22,7.25,S,0
    2,1,female,38,71.2833,C,1
    3,3,female,26,7.925,S,1
    4,1,female,35,53.1,S,1
    5,3,male,35,8.05,S,0
    6,3,male,,8.4583,Q,0
    7,1,male,54,51.8625,S,0
    8,3,male,2,21.075,S,0
    9,3,female,27,11.1333,S,1
    10,2,female,14,30.0708,C,1
    11,3,female,4,16.7,S,1
    12,1,female,58,26.55,S,1
    13,3,male,0.42,8.05,S,0
    """

    /// The number of digits after the point, and the value in those units: the reference for "one unit in the last digit".
    static func units(_ text: String) -> (decimals: Int, units: Int)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = parts.first, parts.count <= 2 else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard let value = Int(whole + fraction) else { return nil }
        return (fraction.count, text.hasPrefix("-") && value == 0 ? 0 : value)
    }

    @Test func decimalCellsParseAndWriteAsWritten() {
        for (text, mantissa, decimals, written) in [("5.1", 51, 1, "5.1"), ("0.25", 25, 2, "0.25"), ("-0.05", -5, 2, "-0.05"), ("7", 7, 0, "7"), ("+3.50", 350, 2, "3.50"), ("-0", 0, 0, "0")] {
            let cell = TabularVersions.DecimalCell(text)
            #expect(cell == .init(mantissa: mantissa, decimals: decimals), "\(text)")
            #expect(cell?.text == written, "\(text)")
        }
        for text in ["", "1e-05", ".5", "5.", "1.2.3", "abc", "--1", "1,5", "1234567890123456789"] {
            #expect(TabularVersions.DecimalCell(text) == nil, "\(text)")
        }
        #expect(TabularVersions.DecimalCell("5")?.padded(to: 2) == .init(mantissa: 500, decimals: 2))
        #expect(TabularVersions.DecimalCell("5.125")?.padded(to: 2) == .init(mantissa: 5125, decimals: 3))
        #expect(TabularVersions.DecimalCell("123456789012345678")?.padded(to: 2) == .init(mantissa: 123456789012345678, decimals: 0), "too long to pad")
        #expect(TabularVersions.DecimalCell(mantissa: -1, decimals: 2).text == "-0.01")
        #expect(TabularVersions.DecimalCell(mantissa: 4, decimals: 3).text == "0.004")
    }

    @Test func perturbedMovesEveryNumericCellByOneUnitKeepingDecimals() throws {
        // Titanic's Pclass (1, 2, 3) has most of its cells at a bound; the others few.
        for (dataset, target, fewAtBounds) in [(try Self.iris(), 4, true), (try TabularFixtures.dataset(Self.mixed, name: "titanic"), 6, false),
                                               (try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 300, seed: 5)), 4, true)] {
            let versions = try TabularVersions.make(dataset, targetColumn: target, seed: 1)
            let perturbed = versions[1].dataset
            #expect(perturbed.featureNames == dataset.featureNames)
            #expect(perturbed.rowCount == dataset.rowCount)
            let numeric = TabularVersions.numericColumns(dataset, excluding: target)
            var up = 0, down = 0, atBound = 0
            for column in 0..<dataset.featureNames.count {
                let cells = (1..<dataset.fields.count).map { dataset.fields[$0][column] }
                let values = cells.compactMap(Double.init)
                // The column's usual number of decimals: the most common (the larger on ties).
                var counts = [Int: Int]()
                for cell in cells { if let d = Self.units(cell)?.decimals { counts[d, default: 0] += 1 } }
                let usual = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key > $1.key) }.first?.key ?? 0
                for row in 1..<dataset.fields.count {
                    let before = dataset.fields[row][column], after = perturbed.fields[row][column]
                    guard numeric.contains(column), !before.isEmpty else {
                        #expect(after == before, "\(dataset.name) row \(row) column \(column): categorical, target and empty cells stay")
                        continue
                    }
                    let a = try #require(Self.units(before)), b = try #require(Self.units(after))
                    let decimals = max(a.decimals, usual)
                    let unit = pow(10, -Double(decimals))
                    if after == before {
                        let value = try #require(Double(before))
                        #expect(value - unit < values.min()! - 1e-9 || value + unit > values.max()! + 1e-9, "\(before) unchanged but not at a bound")
                        atBound += 1
                        continue
                    }
                    #expect(b.decimals == decimals, "\(before) → \(after): its own decimals, or the column's \(usual) when written shorter")
                    var scaled = a.units
                    for _ in a.decimals..<decimals { scaled *= 10 }
                    switch b.units - scaled {
                    case 1: up += 1
                    case -1: down += 1
                    default: Issue.record("\(before) → \(after) is not one unit")
                    }
                    let moved = try #require(Double(after))
                    #expect(moved >= values.min()! - 1e-9 && moved <= values.max()! + 1e-9, "\(after) inside [min, max]")
                }
            }
            #expect(up > 0 && down > 0, "both directions: \(up) up, \(down) down")
            #expect(!fewAtBounds || atBound * 10 < up + down, "few cells at a bound: \(atBound)")
            let stillThere = TabularVersions.rowsStillInOriginal(perturbed.fields, original: dataset)
            #expect(stillThere <= dataset.rowCount / 50, "\(stillThere) perturbed rows still in \(dataset.name)")
            #expect(versions[1].transform.contains("of \(dataset.rowCount) rows still occur in the original"))
        }
    }

    @Test func aCellWrittenShorterThanItsColumnMovesByTheColumnsUnit() throws {
        // 5 is 5.0 with its trailing zero dropped: it moves by 0.1, not by 1. Age-like columns of integers with a few
        // finer cells keep unit 1 for the integers and move the finer cells by their own last digit.
        let dataset = try TabularFixtures.dataset("x,age,y\n5,22,a\n5.1,0.42,b\n4.9,30,a\n6.2,28.5,b\n4,40,a\n5.5,35,b\n")
        for seed in UInt64(0)..<20 {
            let rows = try TabularVersions.make(dataset, targetColumn: 2, seed: seed)[1].dataset.fields
            #expect(["4.9", "5.1"].contains(rows[1][0]), "\(rows[1][0])")
            #expect(["4", "4.1"].contains(rows[5][0]), "4 is the minimum: it stays or moves up by 0.1, got \(rows[5][0])")
            #expect(["21", "23"].contains(rows[1][1]) && ["0.42", "0.43"].contains(rows[2][1]) && ["28.4", "28.6"].contains(rows[4][1]))
        }
        #expect(TabularVersions.usualDecimals([1, 1, 0, 2]) == 1 && TabularVersions.usualDecimals([0, 2]) == 2 && TabularVersions.usualDecimals([]) == 0)
    }

    @Test func numericColumnsAreThoseOfPlainDecimals() throws {
        let dataset = try TabularFixtures.dataset(Self.mixed)
        // PassengerId, Pclass, Age (one empty cell), Fare; not Sex, Embarked; the target is left out.
        #expect(TabularVersions.numericColumns(dataset, excluding: 6) == [0, 1, 3, 4])
        #expect(TabularVersions.numericColumns(dataset, excluding: 0) == [1, 3, 4, 6])
    }

    @Test func respellingKeepsTheWordsButNotTheVerbatimForm() {
        #expect(TabularVersions.words("PassengerId") == ["Passenger", "Id"])
        #expect(TabularVersions.words("HTTPCode_max-value x") == ["HTTP", "Code", "max", "value", "x"])
        #expect(TabularVersions.respelledName("sepal_length") == "Sepal length")
        #expect(TabularVersions.respelledName("PassengerId") == "Passenger id")
        #expect(TabularVersions.respelledName("BMI") == "BMI")
        #expect(TabularVersions.respelledValue("Iris-setosa") == "iris setosa")
        #expect(TabularVersions.respelledValue("FirstClass") == "first class")
        // A re-spelling that would not change gets a neutral prefix; clashes get a number.
        #expect(TabularVersions.respelled(["Age", "BMI", "sepal_length"], with: TabularVersions.respelledName, fallback: { "The " + TabularVersions.lowercasedWords($0) })
                == ["The age", "The BMI", "Sepal length"])
        #expect(TabularVersions.respelled(["male", "0", "a-b", "a_b"], with: TabularVersions.respelledValue, fallback: { "category " + $0 })
                == ["category male", "category 0", "a b", "a b 2"])
    }

    @Test func taskRespellsNamesCategoriesAndClassesAndMapsThemBack() throws {
        let dataset = try TabularFixtures.dataset(Self.mixed)
        let versions = try TabularVersions.make(dataset, targetColumn: 6, seed: 3)
        let (perturbed, task) = (versions[1], versions[2])
        #expect(task.dataset.featureNames == ["Passenger id", "The pclass", "The sex", "The age", "The fare", "The embarked", "The survived"])
        #expect(task.classSpelling == ["0": "class 0", "1": "class 1"])
        #expect(task.originalClass == ["class 0": "0", "class 1": "1"])
        for row in 1..<dataset.fields.count {
            for column in 0..<7 {
                let original = dataset.fields[row][column], spelled = task.dataset.fields[row][column]
                switch column {
                case 2: #expect(spelled == "category " + original)
                case 5: #expect(spelled == original.lowercased())
                case 6: #expect(task.originalClass[spelled] == original)
                default: #expect(spelled == perturbed.dataset.fields[row][column], "numbers stay as perturbed")
                }
            }
        }
        let iris = try Self.iris()
        let irisTask = try TabularVersions.make(iris, targetColumn: 4, seed: 0)[2]
        #expect(irisTask.dataset.featureNames == ["Sepal length", "Sepal width", "Petal length", "Petal width", "Species"])
        #expect(irisTask.classSpelling == ["Iris-setosa": "iris setosa", "Iris-versicolor": "iris versicolor", "Iris-virginica": "iris virginica"])
        #expect(irisTask.dataset.lines[1] == irisTask.dataset.fields[1].joined(separator: ","))
    }

    @Test func statisticalHasZScoresCodesAndShuffledColumns() throws {
        let dataset = try TabularFixtures.dataset(Self.mixed)
        let versions = try TabularVersions.make(dataset, targetColumn: 6, seed: 4)
        let (task, statistical) = (versions[2], versions[3])
        let order = statistical.sourceColumns
        #expect(order.sorted() == Array(0..<7), "the columns are a permutation")
        #expect(statistical.targetName == "Y" && order[statistical.targetColumn] == 6)
        let featureNames = statistical.dataset.featureNames.filter { $0 != "Y" }
        #expect(featureNames == (1...6).map { "X\($0)" }, "features named in their new order")
        for (column, source) in order.enumerated() {
            let before = (1..<dataset.fields.count).map { task.dataset.fields[$0][source] }
            let after = (1..<dataset.fields.count).map { statistical.dataset.fields[$0][column] }
            if [0, 1, 3, 4].contains(source) {
                // The reference z-score: population mean and standard deviation of the perturbed values.
                let values = before.compactMap(Double.init)
                let mean = values.reduce(0, +) / Double(values.count)
                let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
                for (b, a) in zip(before, after) {
                    guard let value = Double(b) else { #expect(a == "", "a missing cell stays missing"); continue }
                    #expect(a == String(format: "%.2f", (value - mean) / sd).replacingOccurrences(of: "-0.00", with: "0.00"))
                }
                let z = after.compactMap(Double.init)
                let zMean = z.reduce(0, +) / Double(z.count)
                let zSD = (z.map { ($0 - zMean) * ($0 - zMean) }.reduce(0, +) / Double(z.count)).squareRoot()
                #expect(abs(zMean) < 0.01 && abs(zSD - 1) < 0.01, "mean \(zMean), sd \(zSD)")
            } else {
                // Codes: a bijection from the task's values onto 0..<k.
                var code = [String: String]()
                for (b, a) in zip(before, after) {
                    #expect(code[b] == nil || code[b] == a)
                    code[b] = a
                }
                #expect(Set(code.values).count == code.count)
                #expect(Set(code.values) == Set((0..<code.count).map(String.init)))
                if source == 6 {
                    for (b, a) in code { #expect(statistical.originalClass[a] == task.originalClass[b]) }
                }
            }
        }
    }

    @Test func theSameSeedGivesTheSameVersionsAnotherSeedOthers() throws {
        let iris = try Self.iris()
        let a = try TabularVersions.make(iris, targetColumn: 4, seed: 7)
        let b = try TabularVersions.make(iris, targetColumn: 4, seed: 7)
        let c = try TabularVersions.make(iris, targetColumn: 4, seed: 8)
        #expect(a.map(\.dataset.lines) == b.map(\.dataset.lines))
        #expect(a.map(\.classSpelling) == b.map(\.classSpelling))
        #expect(a[1].dataset.lines != c[1].dataset.lines)
        #expect(a[3].dataset.lines != c[3].dataset.lines)
        #expect(a[0].dataset.lines == c[0].dataset.lines)
    }
}
