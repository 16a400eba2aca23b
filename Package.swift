// swift-tools-version: 6.0
import PackageDescription
import Foundation

// The GEMM library behind the CBLAS module. OpenBLAS (Debian libopenblas-dev) is the
// default; MTSTC_BLAS=blis builds against Debian's BLIS (libblis-dev, OpenMP build), which
// ships no pkg-config file: Sources/CBLAS-blis names its header and library directly.
let blas = ProcessInfo.processInfo.environment["MTSTC_BLAS"] ?? "openblas"
let blasTarget: Target = blas == "blis"
    ? .systemLibrary(name: "CBLAS", path: "Sources/CBLAS-blis", providers: [.apt(["libblis-dev"])])
    : .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])])

let optimize: [SwiftSetting] = [.unsafeFlags(["-O", "-wmo"], .when(configuration: .release))]

// The kernels' SIMD loops are only fast with AVX2 code generation: for baseline x86-64 (SSE2)
// Swift emulates 32-bit vector multiplies and blends, and scalarises vector sqrt while libm may
// set errno — GELU, dropout and AdamW ran 2–4× slower. Every machine this project targets
// (AMD EPYC) has AVX2 and FMA. Applied in debug too, so tests exercise the shipped code paths.
#if arch(x86_64)
let kernelCodegen: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-fno-math-errno"])]
#else
let kernelCodegen: [SwiftSetting] = []
#endif

let package = Package(
    name: "mtstc",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mtstc", targets: ["mtstc"]),
        .library(name: "MTSTCompiler", targets: ["MTSTCompiler"]),
        .library(name: "MTSTRuntime", targets: ["MTSTRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        blasTarget,
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // Open MPI (Debian libopenmpi-dev) for data-parallel training; initialised only under mpirun.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "MTSTKernels", dependencies: ["CBLAS"], swiftSettings: optimize + kernelCodegen),
        .target(name: "MTSTDistributed", dependencies: ["CMPI", "MTSTKernels"], swiftSettings: optimize),
        .target(name: "MTSTCompiler", dependencies: ["CYAML", "MTSTKernels"], swiftSettings: optimize),
        .target(name: "MTSTRuntime", dependencies: ["MTSTCompiler", "MTSTKernels"], swiftSettings: optimize),
        .executableTarget(
            name: "mtstc",
            dependencies: ["MTSTCompiler", "MTSTRuntime", "MTSTKernels", "MTSTDistributed", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: optimize),
        .testTarget(name: "MTSTKernelsTests", dependencies: ["MTSTKernels"]),
        .target(name: "MTSTTestSupport", path: "Tests/Support"),
        .testTarget(name: "MTSTCompilerTests", dependencies: ["MTSTCompiler", "MTSTRuntime", "MTSTTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MTSTRuntimeTests", dependencies: ["MTSTRuntime", "MTSTTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "mtstcTests", dependencies: ["mtstc", "MTSTCompiler", "MTSTRuntime", "MTSTDistributed"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harness (Scripts/fuzz.sh): only with MTSTC_FUZZ=1, because it calls libFuzzer's
// driver, which links only under -sanitize=fuzzer, and the normal build and tests do not use that.
if ProcessInfo.processInfo.environment["MTSTC_FUZZ"] == "1" {
    package.targets += [
        .target(name: "CFuzzerDriver", path: "Sources/CFuzzerDriver"),
        .executableTarget(name: "mtstc-fuzz", dependencies: ["CFuzzerDriver", "MTSTCompiler", "MTSTRuntime"], swiftSettings: optimize),
    ]
}
