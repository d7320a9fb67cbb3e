// swift-tools-version:6.0
// contam: a data-contamination and dataset-exposure checker. No Swift package dependencies by design:
// only the toolchain and libzstd (Debian's libzstd-dev) through the CZstd system-library target.
import PackageDescription

let package = Package(
    name: "contam",
    products: [
        .executable(name: "contam", targets: ["contam"]),
        .library(name: "ContamKit", targets: ["ContamKit"]),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Header-only C that Swift cannot spell: `__builtin_prefetch` and glibc's `mallopt` (Sources/CShims).
        .systemLibrary(name: "CShims"),
        .target(name: "ContamKit", dependencies: ["CZstd", "CShims"]),
        .executableTarget(name: "contam", dependencies: ["ContamKit"]),
        // In-process query latency for Benchmarks/index-bench.py; not part of the test suite.
        .executableTarget(name: "contam-bench", dependencies: ["ContamKit"], path: "Benchmarks/QueryBench"),
        .testTarget(name: "ContamKitTests", dependencies: ["ContamKit"]),
        .testTarget(name: "contamCLITests", dependencies: ["contam"]),
    ]
)
