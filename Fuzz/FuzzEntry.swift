import Foundation

/// libFuzzer's entry points (Fuzz/README.md). The process runs one target, named by the environment variable
/// CONTAM_FUZZ_TARGET (`FuzzTargets.all`); an unknown or missing name lists the targets and exits with 2, and
/// `CONTAM_FUZZ_TARGET=list` prints them one per line and exits with 0 (scripts/fuzz.sh reads that list).

/// Called once before any input: checks the target name, so a typo fails at once rather than fuzzing nothing.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> Int32 {
    _ = selectedTarget
    return 0
}

/// One input for the selected target. The target returns normally for every input (errors are thrown and
/// caught inside it); a trap or a sanitizer report is the finding. Returns 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selectedTarget(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// The target CONTAM_FUZZ_TARGET names (resolved once).
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["CONTAM_FUZZ_TARGET"] ?? ""
    let names = FuzzTargets.all.keys.sorted()
    if name == "list" {
        print(names.joined(separator: "\n"))
        exit(0)
    }
    guard let target = FuzzTargets.all[name] else {
        FuzzTargets.writeError("contam-fuzz: CONTAM_FUZZ_TARGET=\(name.isEmpty ? "(unset)" : name) is not a target; set it to one of: \(names.joined(separator: ", "))\n")
        exit(2)
    }
    return target
}()
