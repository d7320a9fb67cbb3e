import Foundation
import ContamTestSupport

/// Runs the built `contam` binary (it sits beside the test bundle in the build products directory). Kept in
/// this target rather than ContamTestSupport: only the end-to-end tests depend on the executable, the other
/// test targets test their library in process.
enum CLI {
    /// The built binary is not where the build puts it. The harness never falls back to a `contam` on PATH:
    /// that would test whatever happens to be installed instead of this checkout.
    struct BinaryNotFound: Error, CustomStringConvertible {
        /// Every path that was checked, nearest first.
        let searched: [String]

        var description: String {
            "the built contam binary was not found; looked at \(searched.joined(separator: ", ")). "
                + "Build it first (swift build --build-tests); the end-to-end tests do not run a contam from PATH."
        }
    }

    /// A command the test needs as a fixture (not the command under test) did not succeed.
    struct CommandFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let result: Result

        var description: String {
            "contam \(arguments.joined(separator: " ")) exited with status \(result.status): \(result.stderr)"
        }
    }

    /// The binary's path, or where it was looked for: the test bundle's directory and up to two levels above
    /// it (on Linux the bundle is an executable in the products directory; a nested layout is tolerated).
    private static let located: Swift.Result<String, BinaryNotFound> = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        var searched: [String] = []
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("contam").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return .success(candidate) }
            searched.append(candidate)
            directory.deleteLastPathComponent()
        }
        return .failure(BinaryNotFound(searched: searched))
    }()

    /// The built binary's path; throws `BinaryNotFound`, naming the paths checked, when it is missing.
    static var binary: String {
        get throws { try located.get() }
    }

    /// What one run of a process printed and how it ended.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs contam with `arguments` in the repository root; `stdin` is written to its standard input.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], directory: String = repositoryRoot) throws -> Result {
        try runProcess(try binary, arguments, stdin: stdin, environment: environment, directory: directory)
    }

    /// Runs `executable` with `arguments` in the repository root, with `environment` added to this process's.
    static func runProcess(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                           directory: String = repositoryRoot) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData.set(out.fileHandleForReading.readDataToEndOfFile()) }
        DispatchQueue.global().async(group: group) { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        // Closing our end is what signals end of input; a process that already exited may have closed its own.
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self), stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// Builds `contam index <inputs> -o <fresh directory>/<name> --quiet <options>` and returns the index's path;
    /// throws `CommandFailed` with contam's status and message when the build does not succeed.
    static func buildIndex(_ inputs: [String], named name: String, options: [String] = []) throws -> String {
        let path = try temporaryDirectory("cli-index") + "/" + name
        let arguments = ["index"] + inputs + ["-o", path, "--quiet"] + options
        let result = try run(arguments)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return path
    }
}

/// Indexes of the sample corpora in corpora/, built once per test run by the binary under test and shared,
/// read-only, by the suites. A failed build fails every test that asks for the index, with contam's message.
enum SampleIndexes {
    static let corpus = ["corpora/licenses", "corpora/python-tutorial.jsonl.zst", "corpora/python-faq.csv"]

    private static let fullBuild = Result { try CLI.buildIndex(corpus, named: "sample.idx") }
    private static let sketchOnlyBuild = Result { try CLI.buildIndex(corpus, named: "sketch.idx", options: ["--sketch-only", "--sketch-n", "8,13"]) }

    /// The full index (suffix arrays and the default 13-gram sketch) of the sample corpora.
    static func full() throws -> String { try fullBuild.get() }

    /// A sketch-only index of the sample corpora with 8- and 13-gram sketches.
    static func sketchOnly() throws -> String { try sketchOnlyBuild.get() }
}

/// Bytes handed from a reader thread to the waiting test.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
