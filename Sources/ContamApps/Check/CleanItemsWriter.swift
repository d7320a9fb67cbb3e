import Foundation
import ContamStorage
import ContamDetect

/// `--write-clean PATH`: the inputs without the flagged items, in their own format, every kept record
/// byte-identical (line endings included; blank lines and skipped records pass through). Line-based
/// inputs (JSONL, `--lines`) go to one file, concatenated in input order (a newline is added only where
/// one input's last record had none and another record follows); whole-file text items go to a new
/// directory holding the kept files under their names. A path ending in `.zst` is zstd-compressed.
/// Written to a temporary name and renamed, so a failed run never leaves partial output at PATH. PATH may
/// not be one of the inputs, hold one, or lie in an input directory or an index (`OutputPath`).
public enum CleanItemsWriter {
    /// Writes the clean copy; returns how many items were kept and dropped.
    @discardableResult
    public static func write(_ set: ItemSet, dropping isDropped: (Int) -> Bool, to path: String) throws -> (kept: Int, dropped: Int) {
        try OutputPath(path).refuseOverwriting(inputs: set.inputs.map(\.path))
        if let input = set.inputs.first(where: { $0.cleanCopyRefusal != nil }) {
            throw DetectError.cleanCopyUnsupported(path: input.path, reason: input.cleanCopyRefusal ?? "")
        }
        let wholeFiles = set.inputs.filter { !$0.recordsAreLines }
        if !wholeFiles.isEmpty && wholeFiles.count != set.inputs.count {
            throw DetectError.mixedCleanFormats(paths: wholeFiles.map(\.path))
        }
        if set.inputs.count > 1, let csv = set.inputs.first(where: { $0.format == .csv }) {
            // Concatenated, the second file's header row would become a data row.
            throw DetectError.cleanCSVNeedsOneInput(path: csv.path, inputs: set.inputs.count)
        }
        var kept = 0
        var dropped = 0
        if wholeFiles.isEmpty {
            var output: [UInt8] = []
            for input in set.inputs {
                for segment in input.segments {
                    if let item = segment.item, isDropped(item) { dropped += 1; continue }
                    if segment.item != nil { kept += 1 }
                    if let last = output.last, last != 0x0A, !segment.bytes.isEmpty { output.append(0x0A) }
                    output.append(contentsOf: segment.bytes)
                }
            }
            try writeFile(output, to: path)
        } else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw DetectError.outputExists(path: path)
            }
            // Never replaces anything: a file or an index at PATH is refused like a directory above.
            let directory = try AtomicDirectory(finalPath: path, replaceExisting: false, inputs: set.inputs.map(\.path))
            var names = Set<String>()
            do {
                for input in set.inputs {
                    for segment in input.segments {
                        if let item = segment.item, isDropped(item) { dropped += 1; continue }
                        kept += 1
                        var name = (input.path as NSString).lastPathComponent
                        if name.isEmpty || name == "<stdin>" { name = "stdin.txt" }
                        var candidate = name
                        var suffix = 2
                        while !names.insert(candidate).inserted {
                            candidate = "\((name as NSString).deletingPathExtension)-\(suffix).\((name as NSString).pathExtension)"
                            suffix += 1
                        }
                        try writeBytes(segment.bytes, to: directory.path(candidate))
                    }
                }
                try directory.commit()
            } catch {
                directory.discard()
                throw error
            }
        }
        return (kept, dropped)
    }

    /// Writes a file atomically (temporary file in the same directory, then rename), compressing for `.zst`.
    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        var content = bytes
        if path.lowercased().hasSuffix(".zst") {
            content = try bytes.withUnsafeBytes { try ZstdCompressor().compress($0) }
        }
        do {
            try Data(content).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DetectError.cannotWrite(path: path, message: error.localizedDescription)
        }
    }

    static func writeBytes(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw DetectError.cannotWrite(path: path, message: error.localizedDescription)
        }
    }
}
