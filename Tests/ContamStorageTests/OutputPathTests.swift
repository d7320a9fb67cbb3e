import Foundation
import Testing
import ContamStorage
import ContamIndex
import ContamTestSupport

/// `OutputPath`: what is at an output path, and the refusal of outputs that overlap an input or lie in an index.
@Suite struct OutputPathTests {
    /// Writes a minimal contam manifest, enough for `OutputPath` to take the directory for an index.
    static func makeIndex(_ dir: TestDirectory, _ name: String) -> String {
        _ = dir.write("\(name)/\(OutputPath.indexManifestFileName)", "{\"format\": \"\(OutputPath.indexFormatName)\", \"formatVersion\": 999}")
        return dir.file(name)
    }

    @Test func manifestNamesMatchTheIndexLayer() {
        #expect(OutputPath.indexManifestFileName == IndexManifest.fileName)
        #expect(OutputPath.indexFormatName == IndexManifest.formatName)
    }

    @Test func occupantSaysWhatIsThere() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        #expect(OutputPath(dir.file("none")).occupant == .nothing)
        #expect(OutputPath(dir.write("file.txt", "x")).occupant == .file)
        try createTestDirectory(atPath: dir.file("empty"))
        #expect(OutputPath(dir.file("empty")).occupant == .emptyDirectory)
        _ = dir.write("data/notes.txt", "keep me")
        #expect(OutputPath(dir.file("data")).occupant == .otherDirectory)
        // Another program's manifest.json does not make an index.
        _ = dir.write("other/manifest.json", "{\"format\": \"something-else\"}")
        #expect(OutputPath(dir.file("other")).occupant == .otherDirectory)
        // Any format version counts, so an old index can be rebuilt with --force.
        #expect(OutputPath(Self.makeIndex(dir, "old.idx")).occupant == .index)
        try FileManager.default.createSymbolicLink(atPath: dir.file("dangling"), withDestinationPath: dir.file("nowhere"))
        #expect(OutputPath(dir.file("dangling")).occupant == .file)
        #expect(OutputPath.Occupant.index.isReplaceable && OutputPath.Occupant.emptyDirectory.isReplaceable)
        #expect(!OutputPath.Occupant.file.isReplaceable && !OutputPath.Occupant.otherDirectory.isReplaceable)
    }

    @Test func refusesAnInputHoweverSpelled() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let items = dir.write("items.jsonl", "{}\n")
        try createTestDirectory(atPath: dir.file("sub"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.jsonl"), withDestinationPath: items)
        try FileManager.default.linkItem(atPath: items, toPath: dir.file("hard.jsonl"))
        for spelling in [items, dir.file("sub/../items.jsonl"), dir.file("link.jsonl"), dir.file("hard.jsonl"), dir.file("./items.jsonl")] {
            #expect(throws: StorageError.outputOverlapsInput(path: spelling, other: items, relation: .isInput)) {
                try OutputPath(spelling).refuseOverwriting(inputs: [items])
            }
        }
        // Another file, standard input and inputs that do not exist are fine.
        try OutputPath(dir.file("clean.jsonl")).refuseOverwriting(inputs: [items, "-", dir.file("missing.jsonl")])
    }

    @Test func refusesOutputsInsideOrAroundAnInputDirectory() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        _ = dir.write("corpus/a.txt", "text")
        let corpus = dir.file("corpus")
        #expect(throws: StorageError.outputOverlapsInput(path: dir.file("corpus/new/x.idx"), other: corpus, relation: .insideInput)) {
            try OutputPath(dir.file("corpus/new/x.idx")).refuseOverwriting(inputs: [corpus])
        }
        #expect(throws: StorageError.outputOverlapsInput(path: dir.path, other: dir.file("corpus/a.txt"), relation: .containsInput)) {
            try OutputPath(dir.path).refuseOverwriting(inputs: [dir.file("corpus/a.txt")])
        }
        // A sibling whose name starts like the input is not inside it.
        try OutputPath(dir.file("corpus2")).refuseOverwriting(inputs: [corpus])
    }

    @Test func refusesWritingIntoAnIndex() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = Self.makeIndex(dir, "l.idx")
        for output in ["\(index)/report.html", "\(index)/shard-0000/new.idx"] {
            do {
                try OutputPath(output).refuseOverwriting(inputs: [])
                Issue.record("\(output) is inside an index and should be refused")
            } catch let StorageError.outputOverlapsInput(path, other, relation) {
                #expect(path == output && relation == .insideIndex)
                #expect(other.hasSuffix("/l.idx"), "names the index: \(other)")
            }
        }
    }
}

@Suite struct AtomicDirectoryPublishingTests {
    @Test func forceRefusesAFileAndAnotherDirectory() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let file = dir.write("out", "precious")
        #expect(throws: StorageError.outputNotReplaceable(path: file, occupant: .file)) { try AtomicDirectory(finalPath: file, replaceExisting: true) }
        _ = dir.write("data/notes.txt", "precious")
        #expect(throws: StorageError.outputNotReplaceable(path: dir.file("data"), occupant: .otherDirectory)) {
            try AtomicDirectory(finalPath: dir.file("data"), replaceExisting: true)
        }
        #expect(throws: StorageError.outputExists(path: dir.file("data"), occupant: .otherDirectory)) {
            try AtomicDirectory(finalPath: dir.file("data"), replaceExisting: false)
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["data", "out"])
    }

    @Test func anOutputThatAppearedMeanwhileIsLeftAloneAndTheResultKept() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let target = dir.file("idx")
        let atomic = try AtomicDirectory(finalPath: target, replaceExisting: false)
        _ = dir.write((atomic.temporaryPath as NSString).lastPathComponent + "/mine", "mine")
        _ = dir.write("idx/theirs", "theirs")  // another build published first
        var kept: String?
        do {
            try atomic.commit()
            Issue.record("commit should refuse to replace what appeared at \(target)")
        } catch let StorageError.outputTaken(path, occupant, keptAt) {
            #expect(path == target)
            #expect(occupant == .otherDirectory)
            kept = keptAt
        }
        atomic.discard()  // as a builder's defer does: must not remove the kept result
        #expect(FileManager.default.fileExists(atPath: "\(target)/theirs"))
        let keptPath = try #require(kept)
        #expect(keptPath == "\(target).unpublished-\(getpid())")
        #expect(FileManager.default.fileExists(atPath: "\(keptPath)/mine"))
    }

    @Test func staleTemporaryOfADeadProcessIsRemovedAndALiveOneKept() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let target = dir.file("idx")
        // Above any pid_max, so no process has it: kill(pid, 0) fails with ESRCH.
        let dead = dir.write("idx.tmp-999999999-42/shard-0000/sa.bin", "half")
        let live = dir.write("idx.tmp-\(getpid())-7/sa.bin", "in progress")
        let unrelated = dir.write("idx.tmp-notes/keep.txt", "not a temporary directory")
        let atomic = try AtomicDirectory(finalPath: target, replaceExisting: false)
        #expect(atomic.removedStaleTemporaries == [dir.file("idx.tmp-999999999-42")])
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: unrelated))
        atomic.discard()
    }

    @Test func missingParentIsNamedByTheGivenPath() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let target = dir.file("no/such/x.idx")
        #expect(throws: StorageError.outputParentMissing(path: target, parent: dir.file("no/such"))) {
            try AtomicDirectory(finalPath: target, replaceExisting: false)
        }
    }
}
