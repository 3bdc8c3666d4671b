// swift-tools-version: 6.0
import PackageDescription

/// xarch: build once, deploy anywhere — multi-platform OCI images without a daemon.
///
/// Modules, from the bottom up:
/// - `XArchModel`: the pure OCI model (digests, media types, descriptors, platforms and
///   their matchers, references, manifests, indexes, configs). Value types, no I/O.
/// - `XArchContent`: the small source/sink protocols every store implements, the capability protocols,
///   the store resolver protocol (`StoreResolving`), byte streams, the one bounded concurrent map.
/// - `XArchArchive`: tar read/write, gzip/zstd, decompression limits, the POSIX file wrapper, and
///   layers applied to a file tree (whiteouts, opaque directories, hard links).
/// - `XArchLayout`: the OCI image layout store on disk.
/// - `XArchRegistry`: the registry client, the only code that speaks HTTP (async-http-client).
/// - `XArchDockerfile`: the Dockerfile parser (BuildKit-exact), word expansion, stages, and the
///   multi-architecture lint rules. Pure: no I/O.
/// - `XArchAudit`: the pure core of `xarch audit`: Kubernetes manifests and compose files read into
///   workloads with the line of every `image:` (Yams nodes), nodes and their labels and taints, the
///   scheduling rules, the findings, SARIF and the `nodeAffinity` patch. No I/O.
/// - `XArchVerify`: the pure, streaming core of `xarch verify`: ELF and PE headers, the per-platform
///   content checks, and the image walk against the protocols (`ImageVerification`).
/// - `XArchCopy`: the copy engine (graph walk, plan, scheduler, transfer, reports), against the
///   protocols only.
/// - `XArchIndex`: index assembly and editing, on top of the copy engine; protocols only.
/// - `XArchRun`: the runner (the base of `xarch test` and RUN): an image's layers unpacked into a root
///   filesystem directory with every path contained in it, cached by layer chain; and a program run in
///   it natively or under QEMU through a private binfmt_misc in a user namespace (`Sandbox`, with the C
///   constructor in `CXArchSandbox`); and `ImageTest`, every platform of an image run that way, its
///   program first checked against the platform with `XArchVerify`'s ELF check; `TestSpec`, the YAML
///   tests of `xarch test --spec` (container-structure-test's schema, read with Yams).
/// - `XArch`: the one store resolver (location → registry repository or layout) and the thin
///   operations (inspect, resolve, verify, lint and audit glue, host detection).
/// - `XArchBuild`: `xarch build`, a daemonless multi-platform build from a Dockerfile: reproducible
///   layers, stage evaluation, base resolution per platform, RUN in `XArchRun`'s sandbox (each RUN's
///   overlay upper directory becomes a layer), assembly of images and the index; it is handed a
///   `StoreResolving` and imports neither store module nor `XArch`.
/// - `XArchCLI`: the thin command-line layer, one file per command.
let package = Package(
    name: "xarch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "xarch", targets: ["xarch"]),
        .library(name: "XArchModel", targets: ["XArchModel"]),
        .library(name: "XArchContent", targets: ["XArchContent"]),
        .library(name: "XArchArchive", targets: ["XArchArchive"]),
        .library(name: "XArchLayout", targets: ["XArchLayout"]),
        .library(name: "XArchRegistry", targets: ["XArchRegistry"]),
        .library(name: "XArchDockerfile", targets: ["XArchDockerfile"]),
        .library(name: "XArchAudit", targets: ["XArchAudit"]),
        .library(name: "XArchVerify", targets: ["XArchVerify"]),
        .library(name: "XArchCopy", targets: ["XArchCopy"]),
        .library(name: "XArchIndex", targets: ["XArchIndex"]),
        .library(name: "XArchRun", targets: ["XArchRun"]),
        .library(name: "XArch", targets: ["XArch"]),
        .library(name: "XArchBuild", targets: ["XArchBuild"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "XArchModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "XArchContent", dependencies: ["XArchModel"]),
        .target(name: "XArchArchive", dependencies: ["XArchModel", "XArchContent", "CZlib", "CZstd"]),
        .target(name: "XArchLayout", dependencies: ["XArchModel", "XArchContent", "XArchArchive"]),
        .target(name: "XArchRegistry", dependencies: [
            "XArchModel", "XArchContent",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        .target(name: "XArchVerify", dependencies: ["XArchModel", "XArchContent", "XArchArchive"]),
        .target(name: "XArchDockerfile", dependencies: ["XArchModel"]),
        .target(name: "XArchAudit", dependencies: ["XArchModel", .product(name: "Yams", package: "Yams")]),
        .target(name: "XArchCopy", dependencies: ["XArchModel", "XArchContent", "XArchArchive"]),
        .target(name: "XArchIndex", dependencies: ["XArchModel", "XArchContent", "XArchCopy"]),
        .target(name: "CXArchSandbox"),
        .target(name: "XArchRun", dependencies: [
            "XArchModel", "XArchContent", "XArchArchive", "XArchVerify", "CXArchSandbox",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "XArch", dependencies: ["XArchModel", "XArchContent", "XArchArchive", "XArchLayout", "XArchRegistry", "XArchVerify", "XArchDockerfile", "XArchAudit"]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "XArchBuild", dependencies: [
            "XArchModel", "XArchContent", "XArchArchive", "XArchCopy", "XArchDockerfile", "XArchVerify", "XArchRun",
        ]),
        .target(name: "XArchCLI", dependencies: [
            "XArch", "XArchModel", "XArchArchive", "XArchDockerfile", "XArchAudit", "XArchBuild", "XArchVerify", "XArchCopy", "XArchIndex",
            "XArchRegistry", "XArchRun",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "xarch", dependencies: ["XArchCLI"]),
        .executableTarget(name: "xarch-layout-stress", dependencies: ["XArchLayout", "XArchModel", "XArchContent"]),
        .testTarget(name: "XArchModelTests", dependencies: ["XArchModel", "XArchTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "XArchLayoutTests", dependencies: [
            "XArchLayout", "XArchModel", "XArchContent", "XArchTestSupport", "xarch-layout-stress",
        ]),
        .target(name: "XArchTestSupport", dependencies: ["XArchModel", "XArchContent", "XArchArchive", "XArchLayout"],
                path: "Tests/XArchTestSupport"),
        .testTarget(name: "XArchTests", dependencies: [
            "XArch", "XArchModel", "XArchArchive", "XArchLayout", "XArchContent", "XArchRegistry", "XArchTestSupport", "XArchVerify",
            "XArchCopy", "XArchIndex",
        ]),
        .testTarget(name: "XArchArchiveTests", dependencies: ["XArchArchive", "XArchModel", "XArchContent", "XArchTestSupport"]),
        .testTarget(name: "XArchRunTests", dependencies: ["XArchRun", "XArchArchive", "XArchModel", "XArchContent", "XArchTestSupport", "XArchLayout"]),
        .testTarget(name: "XArchVerifyTests", dependencies: ["XArchVerify", "XArchArchive", "XArchModel", "XArchContent", "XArchTestSupport"]),
        .testTarget(name: "XArchRegistryTests", dependencies: [
            "XArchRegistry", "XArchModel", "XArchArchive", "XArchContent", "XArchTestSupport", "XArch", "XArchLayout",
            "XArchCopy", "XArchIndex", "XArchAudit",
        ]),
        .testTarget(name: "XArchBuildTests", dependencies: [
            "XArchBuild", "XArch", "XArchArchive", "XArchModel", "XArchContent", "XArchLayout", "XArchRegistry", "XArchTestSupport",
            "XArchCopy",
        ]),
        .testTarget(name: "XArchAuditTests", dependencies: ["XArchAudit", "XArchModel"], resources: [.copy("Fixtures")]),
        .testTarget(name: "XArchDockerfileTests", dependencies: ["XArchDockerfile", "XArchModel", "XArchTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "XArchCLITests", dependencies: [
            "XArchCLI", "XArch", "XArchModel", "XArchRegistry", "XArchTestSupport", "xarch", "XArchRun",
            .product(name: "Yams", package: "Yams"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

/// Who may import whom, enforced here: the library modules in layers from the bottom up; a module may
/// depend only on modules of lower layers, never on one of its own layer or above. With
/// `--explicit-target-dependency-import-check error` (as `scripts/test` builds), every `import` must be
/// a declared dependency, so this table governs the imports too. C modules and packages are not listed.
let layers: [[String]] = [
    ["XArchModel"],
    ["XArchContent"],
    ["XArchArchive"],
    ["XArchLayout", "XArchRegistry"],
    ["XArchDockerfile", "XArchAudit"],
    ["XArchVerify"],
    ["XArchCopy"],
    ["XArchIndex"],
    ["XArchRun"],
    ["XArchBuild", "XArch"],
    ["XArchCLI"],
]

let layerOf: [String: Int] = Dictionary(uniqueKeysWithValues: layers.enumerated().flatMap { i, names in names.map { ($0, i) } })
for target in package.targets {
    guard let own = layerOf[target.name] else { continue }
    for dependency in target.dependencies {
        let name: String
        switch dependency {
        case .targetItem(let n, _), .byNameItem(let n, _): name = n
        default: continue
        }
        if let layer = layerOf[name], layer >= own {
            fatalError("\(target.name) may not depend on \(name): see the layers at the end of Package.swift")
        }
    }
}
