import Foundation
import Testing
@testable import ContamApps

@Suite struct TabularReportRendererTests {
    func reports() throws -> [TabularDatasetReport] {
        let dataset = try TabularFixtures.dataset(TabularFixtures.randomCSV(rows: 80, seed: 60), name: "secret<&>")
        var options = TabularOptions()
        options.queries = 5
        let plan = try TabularPlanner.plan(dataset, options: options, fewShot: [])
        let memorized = TabularRunner.report(plan: plan, answers: TabularFixtures.answers(plan) { TabularFixtures.memorizingAnswer($0.request, dataset: dataset) }, model: "m", endpoint: "http://x/v1")
        var rng = TabularRandom(seed: 1)
        var clean = TabularRunner.report(plan: plan, answers: TabularFixtures.answers(plan) { TabularFixtures.randomAnswer($0, rng: &rng) }, model: "m", endpoint: "http://x/v1")
        clean.dataset = "clean"
        let failed = TabularRunner.failedReport(path: "bad.csv", error: TabularError.raggedRow(path: "bad.csv", line: 3, fields: 1, expected: 2), options: options, model: "m", endpoint: "http://x/v1")
        return [memorized, clean, failed]
    }

    @Test func humanReport() throws {
        let report = try reports()[0]
        let plain = TabularReportRenderer.human(report, colour: false)
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("Overall: memorized (header test, row completion, feature completion"))
        #expect(plain.split(separator: "\n").contains { $0.hasPrefix("row completion") && $0.contains(" memorized ") && $0.contains("5/5 rows exact") })
        #expect(plain.contains("  #1 ✓ truth  "))
        let coloured = TabularReportRenderer.human(report, colour: true)
        #expect(coloured.contains("\u{1B}[32m"))
        let brief = TabularReportRenderer.human(report, colour: false, details: false)
        #expect(!brief.contains("truth"))
    }

    @Test func diffMarksTheFirstDifference() {
        let outcome = TabularQueryOutcome(index: 0, prompt: "p", truth: "5.1,3.5,Iris", answer: "5.1,3.9,Iris\n", compared: "5.1,3.9,Iris", correct: false, score: 0.1, cached: false)
        let block = TabularReportRenderer.diffBlock(outcome, test: .row, colour: false)
        #expect(block == "  #1 ✗ truth  5.1,3.5,Iris\n      answer 5.1,3.9,Iris\n                   ^ differs from here\n")
        let coloured = TabularReportRenderer.colouredDiff(answer: "ab", truth: "ac")
        #expect(coloured == "\u{1B}[32ma\u{1B}[0m\u{1B}[31mb\u{1B}[0m")
    }

    @Test func summaryMarkdownHTMLAndJSON() throws {
        let all = try reports()
        let tests = TabularTestKind.allCases
        let summary = TabularReportRenderer.summaryTable(all, tests: tests, colour: false)
        #expect(summary.contains("DATASET    ROWS  HEADER"))
        #expect(summary.contains("5/5 (2%) MEMORIZED") || summary.contains("5/5 (0%) MEMORIZED"))
        #expect(summary.contains("failed: bad.csv:3: this row has 1 field but the header has 2"))
        #expect(summary.contains("3 datasets: 1 memorized, 1 failed."))
        let markdown = TabularReportRenderer.markdown(all, tests: tests)
        #expect(markdown.hasPrefix("| dataset | rows | header test | row completion | feature completion | first-token test | feature-names test | sample test | feature-values test | dataset-name test | verdict |\n|---|---:|"))
        #expect(markdown.contains("| **memorized** |"))
        #expect(markdown.contains("**failed**: bad.csv:3:"))
        let html = TabularReportRenderer.html(all, tests: tests, title: "t<1>")
        #expect(html.contains("<title>t&lt;1&gt;</title>"))
        #expect(html.contains("secret&lt;&amp;&gt;"))
        #expect(!html.contains("secret<&>"))
        #expect(html.contains("class=\"same\""))
        let json = TabularReportRenderer.json(all[0])
        #expect(!json.contains("\n"))
        let decoded = try JSONDecoder().decode(TabularDatasetReport.self, from: Data(json.utf8))
        #expect(decoded.tests == all[0].tests)
        #expect(decoded.dataset == "secret<&>")
    }
}
