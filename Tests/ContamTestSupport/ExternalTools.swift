import Foundation

/// The independent peers the tests compare against: system codec tools (`gzip`, `bzip2`, `xz`, `zstd`) and the
/// test venv's Python with pyarrow and lm-eval's janitor.py (`scripts/test-python.sh`, which `scripts/test.sh`
/// runs and exports as `CONTAM_TEST_PYTHON`). A missing peer is a failure with the fix in its message, never a
/// skipped test.
public enum ExternalTools {
    /// The result of running a tool: its exit status and what it wrote.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
    }

    /// The test venv's python: `CONTAM_TEST_PYTHON`, else the venv `scripts/test-python.sh` creates.
    public static func python() throws -> String {
        if let path = ProcessInfo.processInfo.environment["CONTAM_TEST_PYTHON"], !path.isEmpty { return path }
        let fallback = NSHomeDirectory() + "/.cache/contam-test-python/bin/python"
        guard FileManager.default.isExecutableFile(atPath: fallback) else {
            throw FixtureError.missing("the test Python (pyarrow, lm-eval's janitor.py): run scripts/test-python.sh, or the whole suite with scripts/test.sh")
        }
        return fallback
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`, feeding `stdin`.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> Output {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain both pipes while the process runs, so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        DispatchQueue.global().async(group: group) { out = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err = errors.fileHandleForReading.readDataToEndOfFile() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Output(status: process.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs a Python script in the test venv; throws with its stderr when it fails.
    @discardableResult
    public static func runPython(_ script: String, _ arguments: [String] = [], stdin: Data? = nil) throws -> Data {
        let result = try run(python(), ["-c", script] + arguments, stdin: stdin)
        guard result.status == 0 else {
            throw FixtureError.missing("python failed (exit \(result.status)): \(result.stderr)")
        }
        return result.stdout
    }
}
