// swift-tools-version:6.0
// contam: a data-contamination and dataset-exposure checker. No Swift package dependencies by design:
// only the toolchain and C system libraries from Debian (zstd, zlib, bzip2, xz, lz4, brotli) through system-library targets.
//
// The library is a stack of targets, each importing only those below it, so the compiler refuses an
// upward import (see docs/architecture.md):
//
//   ContamStorage, ContamStatistics        mmap'd files, binary headers, packed arrays, codecs, hashing, threads
//   ContamText                             normalization, tokenizer, token hashes
//   ContamCorpus                           input readers: text, JSON, CSV, Parquet, directories, compression
//   ContamIndex                            suffix array, vocabulary, shards, manifest, build, query, sketch, merge
//   ContamDetect, ContamModel              contamination methods over one membership protocol; model client
//   ContamApps                             the use cases: check (and its reports), tabular
//   ContamCommandLine                      argument parsing, help, console, progress display
//   contam                                 the executable: commands, dispatch
import PackageDescription
import Foundation

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
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(name: "CLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(name: "CLz4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        // Header-only C that Swift cannot spell: `__builtin_prefetch` and glibc's `mallopt` (Sources/CShims).
        .systemLibrary(name: "CShims"),
        .target(name: "ContamStorage", dependencies: ["CZstd", "CZlib", "CBzip2", "CLzma", "CShims"], swiftSettings: crossModule),
        .target(name: "ContamStatistics", swiftSettings: crossModule),
        .target(name: "ContamText", swiftSettings: crossModule),
        .target(name: "ContamCorpus", dependencies: ["ContamStorage", "ContamText", "CZstd", "CZlib", "CLz4", "CBrotli"], swiftSettings: crossModule),
        .target(name: "ContamIndex", dependencies: ["ContamStorage", "ContamText", "ContamCorpus", "CShims"], swiftSettings: crossModule),
        .target(name: "ContamDetect", dependencies: ["ContamStorage", "ContamStatistics", "ContamText", "ContamCorpus", "ContamIndex"], swiftSettings: crossModule),
        .target(name: "ContamModel", dependencies: ["ContamStorage", "ContamStatistics"], swiftSettings: crossModule),
        .target(name: "ContamApps", dependencies: ["ContamStorage", "ContamStatistics", "ContamText", "ContamCorpus", "ContamIndex", "ContamDetect", "ContamModel"], swiftSettings: crossModule),
        .target(name: "ContamCommandLine", dependencies: ["ContamStorage"], swiftSettings: crossModule),
        .executableTarget(name: "contam", dependencies: ["ContamApps", "ContamCommandLine"], swiftSettings: crossModule),
        // In-process query latency for Benchmarks/index-bench.py; not part of the test suite.
        .executableTarget(name: "contam-bench", dependencies: ["ContamText", "ContamIndex", "ContamDetect"], path: "Benchmarks/QueryBench", swiftSettings: crossModule),
        // Keep-alive HTTP load for Benchmarks/serve-bench.py; not part of the test suite.
        .executableTarget(name: "contam-http-load", path: "Benchmarks/HTTPLoad"),
        // Oracles, fixtures and helpers shared by the test targets (the brute-force corpus, seeded random,
        // temporary directories, the CLI runner).
        .target(name: "ContamTestSupport", dependencies: ["ContamStorage", "ContamText", "ContamIndex", "ContamDetect"], path: "Tests/ContamTestSupport"),
        .testTarget(name: "ContamStorageTests", dependencies: ["ContamStorage", "ContamIndex", "ContamTestSupport"]),
        .testTarget(name: "ContamStatisticsTests", dependencies: ["ContamStatistics", "ContamTestSupport"]),
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

// The libFuzzer targets (Fuzz/README.md, scripts/fuzz.sh), only when CONTAM_FUZZ=1: the executable has no main
// (libFuzzer's runtime supplies it), so it links only with -sanitize=fuzzer and would break a plain build.
if ProcessInfo.processInfo.environment["CONTAM_FUZZ"] == "1" {
    package.products.append(.executable(name: "contam-fuzz", targets: ["contam-fuzz"]))
    package.targets.append(.executableTarget(name: "contam-fuzz", dependencies: ["ContamStorage", "ContamCorpus", "ContamIndex", "ContamModel", "ContamApps"],
                                             path: "Fuzz", exclude: ["corpus", "README.md"]))
}
