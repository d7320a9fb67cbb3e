import Foundation
import Testing
@testable import ContamCorpus
import ContamTestSupport

@Suite struct InputFilesTests {
    /// A code checkout: sources, a README, build droppings, a hidden directory and a file of no known format.
    func checkout() -> TestDirectory {
        let dir = TestDirectory()
        dir.write("src/pkg/core.py", "def f(x):\n    return x\n")
        dir.write("src/pkg/util.rs", "fn main() {}\n")
        dir.write("README.md", "# readme\n")
        dir.write("__pycache__/core.cpython-311.pyc", "\u{0}\u{1}binary")
        dir.write(".git/config", "[core]\n")
        dir.write("Makefile", "all:\n")
        dir.write("data.bin", "blob")
        return dir
    }

    @Test func walkReadsCodeAndAccountsForEverythingElse() throws {
        let dir = checkout(); defer { dir.cleanup() }
        let resolved = try InputFiles.resolve([dir.path], format: nil)
        #expect(resolved.files == [dir.file("README.md"), dir.file("src/pkg/core.py"), dir.file("src/pkg/util.rs")])
        #expect(resolved.skipped.map(\.reason) == [.hidden, .unknownFormat, .unknownFormat, .unknownFormat])
        #expect(resolved.skipped.map(\.path) == [dir.file(".git/"), dir.file("Makefile"), dir.file("__pycache__/core.cpython-311.pyc"), dir.file("data.bin")])
        let summary = try #require(SkippedInput.summary(resolved.skipped, listed: false))
        #expect(summary.contains("4 entries") && summary.contains("3 of unknown format") && summary.contains(".pyc 1") && summary.contains("--verbose"))
    }

    @Test func includeExcludeAndFormat() throws {
        let dir = checkout(); defer { dir.cleanup() }
        let onlyPython = try InputFiles.resolve([dir.path], format: nil, selection: InputSelection(include: [PathGlob("src/**/*.py")]))
        #expect(onlyPython.files == [dir.file("src/pkg/core.py")])
        #expect(onlyPython.skipped.filter { $0.reason == .notIncluded }.count == 5)
        let excluded = try InputFiles.resolve([dir.path], format: .text, selection: InputSelection(exclude: [PathGlob("__pycache__"), PathGlob("*.bin")]))
        // --format text reads every walked file, names without an extension included.
        #expect(excluded.files == [dir.file("Makefile"), dir.file("README.md"), dir.file("src/pkg/core.py"), dir.file("src/pkg/util.rs")])
        #expect(excluded.skipped.map(\.path) == [dir.file(".git/"), dir.file("__pycache__/"), dir.file("data.bin")])
        // A file the user selected by --include but whose format cannot be told is refused, not skipped.
        #expect(throws: CorpusError.unknownFormat(path: dir.file("data.bin"))) {
            try InputFiles.resolve([dir.path], format: nil, selection: InputSelection(include: [PathGlob("*.bin")]))
        }
    }

    @Test func aDirectoryWithNothingReadableIsAnError() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        dir.write("a.bin", "x")
        dir.write(".hidden.txt", "x")
        #expect {
            try InputFiles.resolve([dir.path], format: nil)
        } throws: { error in
            guard case let .noSupportedFiles(_, found, total) = error as? CorpusError else { return false }
            return total == 2 && found.count == 2 && "\(error)".contains("--format text")
        }
    }

    @Test func binaryTextIsAnErrorOrASkippedRecord() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.write("blob.txt", "line one\nline two\u{0}\n")
        #expect(throws: CorpusError.binaryContent(path: path, line: 2)) {
            try CorpusReader(inputs: [path]).forEachDocument { _ in }
        }
        var options = CorpusOptions(skipBadRecords: true, requireDocuments: false)
        options.linesAreDocuments = true
        let reader = try CorpusReader(inputs: [path], options: options)
        var texts: [String] = []
        try reader.forEachDocument { texts.append(String(decoding: $0.text, as: UTF8.self)) }
        #expect(texts == ["line one"] && reader.statistics.recordsSkipped == 1)
    }

    @Test func readerKeepsTheWalksSkippedEntries() throws {
        let dir = checkout(); defer { dir.cleanup() }
        let reader = try CorpusReader(inputs: [dir.path])
        #expect(reader.skippedInputs.count == 4 && reader.sources.count == 3)
    }
}
