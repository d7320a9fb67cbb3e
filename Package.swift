// swift-tools-version:6.0
// contam: a data-contamination and dataset-exposure checker. No Swift package dependencies by design:
// only the toolchain and C system libraries from Debian (libzstd-dev) through system-library targets.
//
// The library is a stack of targets, each importing only those below it, so the compiler refuses an
// upward import (see docs/architecture.md):
//
//   ContamStorage, ContamStatistics        mmap'd files, binary headers, packed arrays, zstd, hashing, threads
//   ContamText                             normalization, tokenizer, token hashes
//   ContamCorpus                           corpus readers: text, JSONL, CSV, directories, compression
//   ContamIndex                            suffix array, vocabulary, shards, manifest, build, query, sketch, merge
//   ContamDetect, ContamModel              contamination methods over one membership protocol; model client
//   ContamApps                             the use cases: check (and its reports), tabular
//   ContamCommandLine                      argument parsing, help, console, progress display
//   contam                                 the executable: commands, dispatch
import PackageDescription

// The layers are separate modules, so release builds let the optimizer inline across them (the hot
// loops call the tokenizer, the hashes and the packed arrays of lower targets); debug builds do not.
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "contam",
    products: [
        .executable(name: "contam", targets: ["contam"]),
        .library(name: "ContamApps", targets: ["ContamApps"]),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Header-only C that Swift cannot spell: `__builtin_prefetch` and glibc's `mallopt` (Sources/CShims).
        .systemLibrary(name: "CShims"),
        .target(name: "ContamStorage", dependencies: ["CZstd", "CShims"], swiftSettings: crossModule),
        .target(name: "ContamStatistics", swiftSettings: crossModule),
        .target(name: "ContamText", swiftSettings: crossModule),
        .target(name: "ContamCorpus", dependencies: ["ContamStorage", "ContamText"], swiftSettings: crossModule),
        .target(name: "ContamIndex", dependencies: ["ContamStorage", "ContamText", "ContamCorpus", "CShims"], swiftSettings: crossModule),
        .target(name: "ContamDetect", dependencies: ["ContamStorage", "ContamStatistics", "ContamText", "ContamCorpus", "ContamIndex"], swiftSettings: crossModule),
        .target(name: "ContamModel", dependencies: ["ContamStorage", "ContamStatistics"], swiftSettings: crossModule),
        .target(name: "ContamApps", dependencies: ["ContamStorage", "ContamStatistics", "ContamText", "ContamCorpus", "ContamIndex", "ContamDetect", "ContamModel"], swiftSettings: crossModule),
        .target(name: "ContamCommandLine", dependencies: ["ContamStorage"], swiftSettings: crossModule),
        .executableTarget(name: "contam", dependencies: ["ContamApps", "ContamCommandLine"], swiftSettings: crossModule),
        // In-process query latency for Benchmarks/index-bench.py; not part of the test suite.
        .executableTarget(name: "contam-bench", dependencies: ["ContamIndex", "ContamDetect"], path: "Benchmarks/QueryBench", swiftSettings: crossModule),
        // Oracles, fixtures and helpers shared by the test targets (the brute-force corpus, seeded random,
        // temporary directories, the CLI runner).
        .target(name: "ContamTestSupport", dependencies: ["ContamStorage", "ContamText", "ContamIndex", "ContamDetect"], path: "Tests/ContamTestSupport"),
        .testTarget(name: "ContamStorageTests", dependencies: ["ContamStorage", "ContamIndex", "ContamTestSupport"]),
        .testTarget(name: "ContamTextTests", dependencies: ["ContamStorage", "ContamText", "ContamTestSupport"]),
        .testTarget(name: "ContamCorpusTests", dependencies: ["ContamStorage", "ContamCorpus", "ContamTestSupport"]),
        .testTarget(name: "ContamIndexTests", dependencies: ["ContamStorage", "ContamText", "ContamIndex", "ContamTestSupport"]),
        .testTarget(name: "ContamDetectTests", dependencies: ["ContamStorage", "ContamText", "ContamCorpus", "ContamIndex", "ContamDetect", "ContamApps", "ContamTestSupport"]),
        .testTarget(name: "ContamModelTests", dependencies: ["ContamModel", "ContamTestSupport"]),
        .testTarget(name: "ContamAppsTests", dependencies: ["ContamStorage", "ContamStatistics", "ContamText", "ContamCorpus", "ContamIndex", "ContamDetect", "ContamModel", "ContamApps", "ContamTestSupport"]),
        .testTarget(name: "ContamCommandLineTests", dependencies: ["ContamCommandLine", "ContamTestSupport"]),
        .testTarget(name: "contamCLITests", dependencies: ["contam", "ContamTestSupport"]),
    ]
)
