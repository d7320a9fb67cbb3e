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
        // Header-only: `__builtin_prefetch`, which Swift cannot spell (see Sources/CPrefetch/prefetch.h).
        .systemLibrary(name: "CPrefetch"),
        .target(name: "ContamKit", dependencies: ["CZstd", "CPrefetch"]),
        .executableTarget(name: "contam", dependencies: ["ContamKit"]),
        // In-process query latency for Benchmarks/index-bench.py; not part of the test suite.
        .executableTarget(name: "contam-bench", dependencies: ["ContamKit"], path: "Benchmarks/QueryBench"),
        .testTarget(name: "ContamKitTests", dependencies: ["ContamKit"]),
        .testTarget(name: "contamCLITests", dependencies: ["contam"]),
    ]
)
