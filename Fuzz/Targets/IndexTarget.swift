import Foundation
import ContamIndex

/// The index open path: one file of a small valid index, mutated by the input, then `OpenedIndex.open` and the
/// queries a command runs (count, matching lengths, occurrences, document count, document info and text, sketch
/// membership). Opening may fail with an error; nothing may trap. Two pristine indexes are built once per process
/// in a temporary directory (removed at exit): a full one of several shards and a sketch-only one.
///
/// Input: byte 0 picks the file (modulo the number of files, in sorted path order), byte 1 the mutation
/// (modulo 4: 0 overwrite at the offset, 1 truncate at the offset and append, 2 XOR into the bytes at the
/// offset, 3 replace the whole file), bytes 2..<6 the offset (little endian, modulo the file size + 1), and
/// the rest is the payload. The file is restored after each input.
enum IndexTarget {
    static let fixture = IndexFixture.build()

    static let phrases = [
        "the software", "Redistribution and use in source and binary forms",
        "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS", "without specific prior written permission",
        "copyright notice", "zebra",
    ]

    static func run(_ input: UnsafeRawBufferPointer) {
        let fixture = fixture
        guard input.count >= 6, !fixture.files.isEmpty else { return }
        let file = fixture.files[Int(input[0]) % fixture.files.count]
        let offset = Int(UInt32(input[2]) | UInt32(input[3]) << 8 | UInt32(input[4]) << 16 | UInt32(input[5]) << 24) % (file.original.count + 1)
        let payload = [UInt8](input[6...])
        var bytes = file.original
        switch input[1] % 4 {
        case 0:
            if offset + payload.count > bytes.count { bytes += repeatElement(0, count: offset + payload.count - bytes.count) }
            bytes.replaceSubrange(offset..<(offset + payload.count), with: payload)
        case 1:
            bytes.removeSubrange(offset...)
            bytes += payload
        case 2:
            for (i, byte) in payload.enumerated() where offset + i < bytes.count { bytes[offset + i] ^= byte }
        default:
            bytes = payload
        }
        IndexFixture.write(bytes, to: file.path)
        defer { IndexFixture.write(file.original, to: file.path) }
        exercise(file.index)
    }

    static func exercise(_ path: String) {
        guard let opened = try? OpenedIndex.open(path: path) else { return }
        let sketched = opened.sketched
        for phrase in phrases {
            _ = sketched.sketchContains(tokens: sketched.tokens(of: phrase).map(\.text))
            _ = try? sketched.sketchAnswers(for: phrase)
        }
        guard case .full(let index) = opened else { return }
        for phrase in phrases {
            let tokens = index.tokens(of: phrase).map(\.text)
            _ = index.count(of: tokens[...])
            _ = index.matchingLengths(of: tokens)
            _ = index.documentCount(of: tokens[...], cap: 4)
            for occurrence in index.occurrences(of: tokens[...], limit: 4) {
                _ = try? index.documentInfo(occurrence.document)
                _ = try? index.documentText(occurrence.document)
            }
        }
        for shard in index.shards.indices {
            for document in [0, 1, index.shards[shard].documents.count - 1] {
                let ref = CorpusDocumentRef(shard: shard, document: document)
                _ = try? index.documentInfo(ref)
                _ = try? index.documentTokens(ref)
            }
        }
    }
}

/// The pristine indexes and a copy of each of their files' bytes.
struct IndexFixture: Sendable {
    struct File: Sendable {
        var index: String
        var path: String
        var original: [UInt8]
    }

    var root: String
    var files: [File]

    static let documents = [
        "Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met.",
        "Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.",
        "Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.",
        "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED.",
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this software, to deal in the software without restriction.",
        "The above copyright notice and this permission notice shall be included in all copies or substantial portions of the software.",
        "café naïve résumé — the software, the Software, THE SOFTWARE.",
        "x",
    ]

    /// Builds both indexes; a failure here is a broken harness, reported and fatal.
    static func build() -> IndexFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("contam-fuzz-index-\(getpid())").path
        do {
            try? FileManager.default.removeItem(atPath: root)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            atexit { try? FileManager.default.removeItem(atPath: IndexTarget.fixture.root) }
            let corpus = root + "/corpus.jsonl"
            let lines = try documents.enumerated().map { i, text in
                "{\"id\": \"doc-\(i)\", \"text\": \(String(decoding: try JSONEncoder().encode(text), as: UTF8.self))}"
            }
            write(Array((lines.joined(separator: "\n") + "\n").utf8), to: corpus)
            var files: [File] = []
            for (name, sketchOnly) in [("full.idx", false), ("sketch.idx", true)] {
                var options = IndexBuildOptions()
                options.corpus.idField = "id"
                options.shardTokens = sketchOnly ? nil : 60
                options.sketchOnly = sketchOnly
                let index = root + "/" + name
                _ = try IndexBuilder(inputs: [corpus], outputPath: index, options: options).build()
                let paths = (FileManager.default.subpaths(atPath: index) ?? []).sorted()
                for relative in paths {
                    let path = index + "/" + relative
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                    files.append(File(index: index, path: path, original: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))))
                }
            }
            FuzzTargets.writeError("contam-fuzz: index fixture in \(root): \(files.count) files\n")
            return IndexFixture(root: root, files: files)
        } catch {
            FuzzTargets.writeError("contam-fuzz: cannot build the index fixture: \(error)\n")
            exit(2)
        }
    }

    static func write(_ bytes: [UInt8], to path: String) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            FuzzTargets.writeError("contam-fuzz: cannot write \(path): \(error)\n")
            exit(2)
        }
    }
}
