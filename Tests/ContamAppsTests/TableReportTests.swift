import Testing
@testable import ContamApps

@Suite struct TableReportTests {
    @Test func longPathsKeepTheirFileNameAndLine() {
        let path = "/data/corpora/allenai/c4/en/validation/c4-validation.00017-of-00008.json:812"
        let shown = TableReport.elided(path, 44)
        #expect(shown.count == 44)
        #expect(shown.hasSuffix("/c4-validation.00017-of-00008.json:812") && shown.hasPrefix("/"))
        #expect(shown.contains("…"))
        // A file name longer than the cell: start and end kept.
        let long = TableReport.elided("/x/" + String(repeating: "n", count: 60) + ".txt:3", 20)
        #expect(long.count == 20 && long.hasPrefix("/x/") && long.hasSuffix(".txt:3"))
        // Short text and text without a path pass through or keep both ends.
        #expect(TableReport.elided("q17", 32) == "q17")
        let words = TableReport.elided("a question that goes on\nand on and on for a while", 20)
        #expect(words.count == 20 && words.hasPrefix("a que") && words.hasSuffix("a while") && !words.contains("\n"))
    }
}
