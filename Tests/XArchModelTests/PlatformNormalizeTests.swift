import Testing
@testable import XArchModel

struct PlatformNormalizeCase: Sendable, CustomTestStringConvertible {
    let input: Platform
    let expected: Platform
    var testDescription: String { "\(input.os)/\(input.architecture)/\(input.variant)" }

    init(_ os: String, _ arch: String, _ variant: String = "", features: [String] = [],
         expect expectedOS: String, _ expectedArch: String, _ expectedVariant: String = "",
         expectFeatures: [String] = []) {
        input = Platform(os: os, architecture: arch, variant: variant, osFeatures: features)
        expected = Platform(os: expectedOS, architecture: expectedArch, variant: expectedVariant,
                            osFeatures: expectFeatures)
    }
}

// Every branch of containerd's normalizeOS and normalizeArch (database.go).
let platformNormalizeCases: [PlatformNormalizeCase] = [
    // amd64 and 386
    PlatformNormalizeCase("linux", "amd64", expect: "linux", "amd64"),
    PlatformNormalizeCase("linux", "x86_64", expect: "linux", "amd64"),
    PlatformNormalizeCase("linux", "x86-64", expect: "linux", "amd64"),
    PlatformNormalizeCase("linux", "X86_64", expect: "linux", "amd64"),
    PlatformNormalizeCase("linux", "amd64", "v1", expect: "linux", "amd64"),
    PlatformNormalizeCase("linux", "AMD64", "V1", expect: "linux", "amd64"),
    PlatformNormalizeCase("linux", "x86_64", "v1", expect: "linux", "amd64"),
    PlatformNormalizeCase("linux", "amd64", "v2", expect: "linux", "amd64", "v2"),
    PlatformNormalizeCase("linux", "amd64", "v3", expect: "linux", "amd64", "v3"),
    PlatformNormalizeCase("linux", "amd64", "V4", expect: "linux", "amd64", "v4"),
    PlatformNormalizeCase("linux", "amd64", "1", expect: "linux", "amd64", "1"),
    PlatformNormalizeCase("linux", "i386", expect: "linux", "386"),
    PlatformNormalizeCase("linux", "i386", "v1", expect: "linux", "386"),
    PlatformNormalizeCase("linux", "386", expect: "linux", "386"),
    PlatformNormalizeCase("linux", "386", "sse2", expect: "linux", "386", "sse2"),
    // arm64
    PlatformNormalizeCase("linux", "aarch64", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "AArch64", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "arm64", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "arm64", "v8", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "arm64", "V8", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "arm64", "8", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "arm64", "v8.0", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "aarch64", "v8", expect: "linux", "arm64"),
    PlatformNormalizeCase("linux", "arm64", "v8.1", expect: "linux", "arm64", "v8.1"),
    PlatformNormalizeCase("linux", "arm64", "v8.2", expect: "linux", "arm64", "v8.2"),
    PlatformNormalizeCase("linux", "arm64", "9", expect: "linux", "arm64", "v9"),
    PlatformNormalizeCase("linux", "arm64", "9.0", expect: "linux", "arm64", "v9"),
    PlatformNormalizeCase("linux", "arm64", "v9.0", expect: "linux", "arm64", "v9"),
    PlatformNormalizeCase("linux", "arm64", "v9", expect: "linux", "arm64", "v9"),
    PlatformNormalizeCase("linux", "arm64", "v9.2", expect: "linux", "arm64", "v9.2"),
    PlatformNormalizeCase("linux", "arm64", "8.0", expect: "linux", "arm64", "8.0"),
    // 32-bit arm
    PlatformNormalizeCase("linux", "armhf", expect: "linux", "arm", "v7"),
    PlatformNormalizeCase("linux", "armhf", "v6", expect: "linux", "arm", "v7"),
    PlatformNormalizeCase("linux", "armel", expect: "linux", "arm", "v6"),
    PlatformNormalizeCase("linux", "armel", "v7", expect: "linux", "arm", "v6"),
    PlatformNormalizeCase("linux", "arm", expect: "linux", "arm", "v7"),
    PlatformNormalizeCase("linux", "ARM", expect: "linux", "arm", "v7"),
    PlatformNormalizeCase("linux", "arm", "7", expect: "linux", "arm", "v7"),
    PlatformNormalizeCase("linux", "arm", "v7", expect: "linux", "arm", "v7"),
    PlatformNormalizeCase("linux", "arm", "5", expect: "linux", "arm", "v5"),
    PlatformNormalizeCase("linux", "arm", "6", expect: "linux", "arm", "v6"),
    PlatformNormalizeCase("linux", "arm", "8", expect: "linux", "arm", "v8"),
    PlatformNormalizeCase("linux", "arm", "v6", expect: "linux", "arm", "v6"),
    PlatformNormalizeCase("linux", "arm", "V5", expect: "linux", "arm", "v5"),
    PlatformNormalizeCase("linux", "arm", "4", expect: "linux", "arm", "4"),
    PlatformNormalizeCase("linux", "arm", "v4", expect: "linux", "arm", "v4"),
    // others are only lower-cased
    PlatformNormalizeCase("linux", "PPC64LE", expect: "linux", "ppc64le"),
    PlatformNormalizeCase("linux", "s390x", expect: "linux", "s390x"),
    PlatformNormalizeCase("linux", "riscv64", "RVA23U64", expect: "linux", "riscv64", "rva23u64"),
    PlatformNormalizeCase("linux", "ppc64le", "power9", expect: "linux", "ppc64le", "power9"),
    PlatformNormalizeCase("linux", "armv7l", expect: "linux", "armv7l"),
    PlatformNormalizeCase("unknown", "unknown", expect: "unknown", "unknown"),
    // operating systems
    PlatformNormalizeCase("Linux", "amd64", expect: "linux", "amd64"),
    PlatformNormalizeCase("macos", "arm64", expect: "darwin", "arm64"),
    PlatformNormalizeCase("MacOS", "arm64", expect: "darwin", "arm64"),
    PlatformNormalizeCase("darwin", "arm64", expect: "darwin", "arm64"),
    PlatformNormalizeCase("WINDOWS", "amd64", expect: "windows", "amd64"),
    PlatformNormalizeCase("", "amd64", expect: "", "amd64"),
    // os.features
    PlatformNormalizeCase("linux", "amd64", features: ["b", "a", "b"], expect: "linux", "amd64", expectFeatures: ["a", "b"]),
    PlatformNormalizeCase("windows", "amd64", features: ["win32k"], expect: "windows", "amd64", expectFeatures: ["win32k"]),
    PlatformNormalizeCase("linux", "amd64", features: ["Z", "a", "B"], expect: "linux", "amd64",
                  expectFeatures: ["B", "Z", "a"]),
]

@Test(arguments: platformNormalizeCases)
func normalizesPlatform(_ testCase: PlatformNormalizeCase) {
    #expect(testCase.input.normalized == testCase.expected)
}

@Test(arguments: platformNormalizeCases)
func normalizationIsIdempotent(_ testCase: PlatformNormalizeCase) {
    #expect(testCase.input.normalized.normalized == testCase.input.normalized)
}

@Test func normalizationKeepsVersionAndFeatures() {
    let platform = Platform(os: "Windows", architecture: "x86_64", osVersion: "10.0.20348.2227",
                            osFeatures: ["win32k", "win32k"], features: ["sse4"])
    let normalized = platform.normalized
    #expect(normalized.osVersion == "10.0.20348.2227")
    #expect(normalized.osFeatures == ["win32k"])
    #expect(normalized.features == ["sse4"])
    #expect(normalized.os == "windows")
    #expect(normalized.architecture == "amd64")
}

/// The design's `xarch platform normalize` examples.
@Test(arguments: [("aarch64", "linux/arm64"), ("armhf", "linux/arm/v7"), ("linux/armhf", "linux/arm/v7"),
                  ("linux/arm", "linux/arm/v7"),
                  ("linux/arm/v7", "linux/arm/v7"), ("x86_64", "linux/amd64"), ("linux/amd64/v1", "linux/amd64"),
                  ("linux/arm64/v8", "linux/arm64"), ("armel", "linux/arm/v6"), ("i386", "linux/386")])
func normalizesSpecifiers(_ specifier: String, _ expected: String) throws {
    #expect(try Platform(parsing: specifier).normalized.formatted == expected)
}

@Test func knownNamesMatchContainerd() {
    #expect(Platform.knownOperatingSystems.count == 17)
    #expect(Platform.knownArchitectures.count == 24)
    for name in ["linux", "windows", "darwin", "freebsd", "zos", "js"] {
        #expect(Platform.knownOperatingSystems.contains(name))
    }
    for name in ["macos", "wasip1", "unknown"] {
        #expect(!Platform.knownOperatingSystems.contains(name))
    }
    for name in ["386", "amd64", "arm", "arm64", "ppc64le", "s390x", "riscv64", "loong64", "wasm"] {
        #expect(Platform.knownArchitectures.contains(name))
    }
    for name in ["x86_64", "aarch64", "armhf", "i386", "unknown"] {
        #expect(!Platform.knownArchitectures.contains(name))
    }
}
