import Testing
@testable import XArchModel

/// A specifier, the platform it parses to (with default architecture amd64), and its formatted
/// form (`formattedAll` when `all`, else `formatted`).
struct PlatformParseCase: Sendable, CustomTestStringConvertible {
    let input: String
    let expected: Platform
    let formatted: String
    let all: Bool
    var testDescription: String { input }

    init(_ input: String, _ os: String, _ arch: String, _ variant: String = "", version: String = "",
         features: [String] = [], formatted: String, all: Bool = false) {
        self.input = input
        self.expected = Platform(os: os, architecture: arch, variant: variant, osVersion: version,
                                 osFeatures: features)
        self.formatted = formatted
        self.all = all
    }
}

// containerd's TestParseSelector cases (host default linux/amd64), then more.
let platformParseCases: [PlatformParseCase] = [
    PlatformParseCase("linux/arm64", "linux", "arm64", formatted: "linux/arm64"),
    PlatformParseCase("linux/arm64/v8", "linux", "arm64", "v8", formatted: "linux/arm64/v8"),
    PlatformParseCase("linux/arm", "linux", "arm", formatted: "linux/arm"),
    PlatformParseCase("linux/arm/v6", "linux", "arm", "v6", formatted: "linux/arm/v6"),
    PlatformParseCase("linux/arm/v7", "linux", "arm", "v7", formatted: "linux/arm/v7"),
    PlatformParseCase("arm", "linux", "arm", formatted: "linux/arm"),
    PlatformParseCase("armel", "linux", "arm", "v6", formatted: "linux/arm/v6"),
    PlatformParseCase("armhf", "linux", "arm", formatted: "linux/arm"),
    PlatformParseCase("Aarch64", "linux", "arm64", formatted: "linux/arm64"),
    PlatformParseCase("x86_64", "linux", "amd64", formatted: "linux/amd64"),
    PlatformParseCase("Linux/x86_64", "linux", "amd64", formatted: "linux/amd64"),
    PlatformParseCase("i386", "linux", "386", formatted: "linux/386"),
    PlatformParseCase("linux", "linux", "amd64", formatted: "linux/amd64"),
    PlatformParseCase("s390x", "linux", "s390x", formatted: "linux/s390x"),
    PlatformParseCase("linux/s390x", "linux", "s390x", formatted: "linux/s390x"),
    PlatformParseCase("macOS", "darwin", "amd64", formatted: "darwin/amd64"),
    PlatformParseCase("windows", "windows", "amd64", formatted: "windows/amd64"),
    PlatformParseCase("windows()", "windows", "amd64", formatted: "windows/amd64", all: true),
    PlatformParseCase("windows(10.0.17763)", "windows", "amd64", version: "10.0.17763",
              formatted: "windows(10.0.17763)/amd64", all: true),
    PlatformParseCase("windows(10.0.17763+win32k)", "windows", "amd64", version: "10.0.17763",
              features: ["win32k"], formatted: "windows(10.0.17763+win32k)/amd64", all: true),
    PlatformParseCase("linux(+gpu)", "linux", "amd64", features: ["gpu"], formatted: "linux(+gpu)/amd64", all: true),
    PlatformParseCase("linux(+gpu+simd)", "linux", "amd64", features: ["gpu", "simd"],
              formatted: "linux(+gpu+simd)/amd64", all: true),
    PlatformParseCase("linux(+unsorted+erofs)", "linux", "amd64", features: ["unsorted", "erofs"],
              formatted: "linux(+erofs+unsorted)/amd64", all: true),
    PlatformParseCase("windows(10.0.17763%2Bbuild.42)", "windows", "amd64", version: "10.0.17763+build.42",
              formatted: "windows(10.0.17763%2Bbuild.42)/amd64", all: true),
    PlatformParseCase("windows(10.0.17763%2Bbuild.42+win32k)", "windows", "amd64", version: "10.0.17763+build.42",
              features: ["win32k"], formatted: "windows(10.0.17763%2Bbuild.42+win32k)/amd64", all: true),
    PlatformParseCase("windows(50%25done)", "windows", "amd64", version: "50%done",
              formatted: "windows(50%25done)/amd64", all: true),
    // Beyond containerd's table.
    PlatformParseCase("windows(10.0.20348.2227+win32k)/amd64", "windows", "amd64", version: "10.0.20348.2227",
              features: ["win32k"], formatted: "windows(10.0.20348.2227+win32k)/amd64", all: true),
    PlatformParseCase("windows(10.0.17763)/arm64/v8", "windows", "arm64", "v8", version: "10.0.17763",
              formatted: "windows(10.0.17763)/arm64/v8", all: true),
    PlatformParseCase("windows(10.0.17763)/amd64", "windows", "amd64", version: "10.0.17763",
              formatted: "windows/amd64"),
    PlatformParseCase("linux(%2b)/amd64", "linux", "amd64", version: "+", formatted: "linux(%2B)/amd64", all: true),
    PlatformParseCase("linux/amd64/v1", "linux", "amd64", formatted: "linux/amd64"),
    PlatformParseCase("linux/amd64/v2", "linux", "amd64", "v2", formatted: "linux/amd64/v2"),
    PlatformParseCase("linux/amd64/v3", "linux", "amd64", "v3", formatted: "linux/amd64/v3"),
    PlatformParseCase("LINUX/AMD64/V4", "linux", "amd64", "v4", formatted: "linux/amd64/v4"),
    PlatformParseCase("linux/x86-64", "linux", "amd64", formatted: "linux/amd64"),
    PlatformParseCase("x86-64", "linux", "amd64", formatted: "linux/amd64"),
    PlatformParseCase("amd64", "linux", "amd64", formatted: "linux/amd64"),
    PlatformParseCase("linux/i386", "linux", "386", formatted: "linux/386"),
    PlatformParseCase("linux/aarch64", "linux", "arm64", formatted: "linux/arm64"),
    PlatformParseCase("linux/arm64/8", "linux", "arm64", "v8", formatted: "linux/arm64/v8"),
    PlatformParseCase("linux/arm64/v8.0", "linux", "arm64", "v8", formatted: "linux/arm64/v8"),
    PlatformParseCase("linux/aarch64/v8.2", "linux", "arm64", "v8.2", formatted: "linux/arm64/v8.2"),
    PlatformParseCase("linux/arm64/v9", "linux", "arm64", "v9", formatted: "linux/arm64/v9"),
    PlatformParseCase("linux/arm64/v9.0", "linux", "arm64", "v9", formatted: "linux/arm64/v9"),
    PlatformParseCase("linux/arm64/9", "linux", "arm64", "v9", formatted: "linux/arm64/v9"),
    PlatformParseCase("linux/arm/7", "linux", "arm", "v7", formatted: "linux/arm/v7"),
    PlatformParseCase("linux/arm/5", "linux", "arm", "v5", formatted: "linux/arm/v5"),
    PlatformParseCase("linux/arm/v8", "linux", "arm", "v8", formatted: "linux/arm/v8"),
    PlatformParseCase("linux/armhf", "linux", "arm", formatted: "linux/arm"),
    PlatformParseCase("linux/armel", "linux", "arm", "v6", formatted: "linux/arm/v6"),
    PlatformParseCase("linux/armhf/v6", "linux", "arm", "v7", formatted: "linux/arm/v7"),
    PlatformParseCase("darwin/arm64", "darwin", "arm64", formatted: "darwin/arm64"),
    PlatformParseCase("MacOS/arm64", "darwin", "arm64", formatted: "darwin/arm64"),
    PlatformParseCase("freebsd/amd64", "freebsd", "amd64", formatted: "freebsd/amd64"),
    PlatformParseCase("wasm", "linux", "wasm", formatted: "linux/wasm"),
    PlatformParseCase("js", "js", "amd64", formatted: "js/amd64"),
    PlatformParseCase("riscv64", "linux", "riscv64", formatted: "linux/riscv64"),
    PlatformParseCase("ppc64le", "linux", "ppc64le", formatted: "linux/ppc64le"),
    PlatformParseCase("loong64", "linux", "loong64", formatted: "linux/loong64"),
    PlatformParseCase("mips64le", "linux", "mips64le", formatted: "linux/mips64le"),
    PlatformParseCase("linux/foo", "linux", "foo", formatted: "linux/foo"),
    PlatformParseCase("foo/bar/baz", "foo", "bar", "baz", formatted: "foo/bar/baz"),
    PlatformParseCase("linux/riscv64/rva23u64", "linux", "riscv64", "rva23u64", formatted: "linux/riscv64/rva23u64"),
    PlatformParseCase("linux/ppc64le/power10", "linux", "ppc64le", "power10", formatted: "linux/ppc64le/power10"),
]

@Test(arguments: platformParseCases)
func parsesSpecifier(_ testCase: PlatformParseCase) throws {
    let platform = try Platform(parsing: testCase.input)
    #expect(platform == testCase.expected)
    #expect(PlatformMatcher.onlyStrict(platform).matches(testCase.expected))
    let formatted = testCase.all ? platform.formattedAll : platform.formatted
    #expect(formatted == testCase.formatted)
    let reparsed = try Platform(parsing: formatted)
    #expect((testCase.all ? reparsed.formattedAll : reparsed.formatted) == formatted)
}

/// containerd's TestParseSelector: each specifier also matches these spellings.
@Test(arguments: [
    ("linux/arm64", [Platform(os: "linux", architecture: "aarch64"),
                     Platform(os: "linux", architecture: "aarch64", variant: "v8"),
                     Platform(os: "linux", architecture: "arm64", variant: "v8")]),
    ("linux/arm64/v8", [Platform(os: "linux", architecture: "aarch64"),
                        Platform(os: "linux", architecture: "aarch64", variant: "v8"),
                        Platform(os: "linux", architecture: "arm64")]),
    ("linux/arm", [Platform(os: "linux", architecture: "arm", variant: "v7"),
                   Platform(os: "linux", architecture: "armhf"),
                   Platform(os: "linux", architecture: "arm", variant: "7")]),
    ("linux/arm/v6", [Platform(os: "linux", architecture: "armel")]),
    ("linux/arm/v7", [Platform(os: "linux", architecture: "arm"), Platform(os: "linux", architecture: "armhf")]),
    ("linux/amd64", [Platform(os: "Linux", architecture: "x86_64"),
                     Platform(os: "linux", architecture: "amd64", variant: "v1")]),
])
func parsedSpecifierMatchesSpellings(_ specifier: String, _ spellings: [Platform]) throws {
    let matcher = PlatformMatcher.onlyStrict(try Platform(parsing: specifier))
    for spelling in spellings {
        #expect(matcher.matches(spelling), "\(specifier) should match \(spelling)")
    }
}

@Test(arguments: [
    ("linux", "arm", "v7", Platform(os: "linux", architecture: "arm")),
    ("linux", "arm", "v6", Platform(os: "linux", architecture: "arm", variant: "v6")),
    ("linux", "arm", "", Platform(os: "linux", architecture: "arm")),
    ("linux", "aarch64", "", Platform(os: "linux", architecture: "arm64")),
    ("linux", "arm64", "v8", Platform(os: "linux", architecture: "arm64")),
    ("linux", "amd64", "v1", Platform(os: "linux", architecture: "amd64")),
    ("linux", "amd64", "v3", Platform(os: "linux", architecture: "amd64", variant: "v3")),
    ("windows(10.0.20348)", "arm64", "", Platform(os: "windows", architecture: "arm64", osVersion: "10.0.20348")),
    ("darwin", "arm64", "", Platform(os: "darwin", architecture: "arm64")),
    ("s390x", "arm64", "v8", Platform(os: "linux", architecture: "s390x")),
])
func singleWordUsesDefaults(_ specifier: String, _ arch: String, _ variant: String, _ expected: Platform) throws {
    let platform = try Platform(parsing: specifier, defaultArchitecture: arch, defaultVariant: variant)
    #expect(platform == expected)
}

let invalidPlatformSpecifiers: [String] = [
    "", "/linux/arm", "linux/arm/", "linux /arm", "linux/&arm", "linux/arm/foo/bar",
    "linux/arm/foo/bar/baz", "*", "linux/*", "*/arm64", "foo", "amd64()", "linux//arm", "linux/arm//",
    "linux(", "linux)", "linux(10.0", "linux()x", "(10.0)/amd64", "windows(10.0++a)", "windows(+)",
    "windows(10.0+)", "windows(10.0)x/amd64", "windows(10%)", "windows(10%2)", "windows(10%zz)",
    "windows(a b)", "windows(a/b)", "windows(%ff)", "linux.1/amd64", "linux/amd64/v3 ", " linux/amd64",
    "linux\n/amd64", "linux/ar:m", "linux/amd64/v3/", "linüx/amd64", "linux/ärm", "unknown",
]

@Test(arguments: invalidPlatformSpecifiers)
func rejectsInvalidSpecifier(_ specifier: String) {
    #expect(throws: XArchError.self) { try Platform(parsing: specifier) }
}

@Test(arguments: invalidPlatformSpecifiers)
func errorNamesSpecifierInOneSentence(_ specifier: String) {
    do {
        _ = try Platform(parsing: specifier)
        Issue.record("expected \(specifier.debugDescription) to be rejected")
    } catch let error as XArchError {
        #expect(error.code == .invalidInput)
        #expect(error.message.contains(specifier.debugDescription))
        #expect(error.message.hasSuffix("."))
        #expect(!error.message.contains("\n"))
    } catch {
        Issue.record("unexpected error type \(error)")
    }
}

@Test func errorMessagesSayWhatIsWrong() {
    let reasons: [(String, String)] = [
        ("linux/*", "wildcards"), ("foo", "neither a known operating system"),
        ("linux/arm/foo/bar", "at most three"), ("linux/&arm", "\"&arm\""),
        ("windows(10%zz)", "two hex digits"), ("", "empty"),
    ]
    for (specifier, reason) in reasons {
        #expect(throws: XArchError.self) { try Platform(parsing: specifier) }
        do { _ = try Platform(parsing: specifier) } catch let error as XArchError {
            #expect(error.message.contains(reason), "\(error.message)")
        } catch {}
    }
}

struct PlatformFormatCase: Sendable, CustomTestStringConvertible {
    let platform: Platform
    let formatted: String
    let formattedAll: String
    var testDescription: String { formattedAll }
}

// containerd's TestFormatAllEncoding and TestFormatAllSkipsEmptyOSFeatures, then more.
let platformFormatCases: [PlatformFormatCase] = [
    PlatformFormatCase(platform: Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763+build.42"),
               formatted: "windows/amd64", formattedAll: "windows(10.0.17763%2Bbuild.42)/amd64"),
    PlatformFormatCase(platform: Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763+build.42",
                                  osFeatures: ["win32k"]),
               formatted: "windows/amd64", formattedAll: "windows(10.0.17763%2Bbuild.42+win32k)/amd64"),
    PlatformFormatCase(platform: Platform(os: "windows", architecture: "amd64", osVersion: "50%done"),
               formatted: "windows/amd64", formattedAll: "windows(50%25done)/amd64"),
    PlatformFormatCase(platform: Platform(os: "windows", architecture: "amd64", osVersion: "1.0(beta)"),
               formatted: "windows/amd64", formattedAll: "windows(1.0%28beta%29)/amd64"),
    PlatformFormatCase(platform: Platform(os: "windows", architecture: "amd64", osVersion: "a/b"),
               formatted: "windows/amd64", formattedAll: "windows(a%2Fb)/amd64"),
    PlatformFormatCase(platform: Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763"),
               formatted: "windows/amd64", formattedAll: "windows(10.0.17763)/amd64"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "amd64", osFeatures: ["feat+v2"]),
               formatted: "linux/amd64", formattedAll: "linux(+feat%2Bv2)/amd64"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "amd64", osFeatures: ["100%gpu"]),
               formatted: "linux/amd64", formattedAll: "linux(+100%25gpu)/amd64"),
    PlatformFormatCase(platform: Platform(os: "windows", architecture: "amd64", osVersion: "10.0+build",
                                  osFeatures: ["feat+1"]),
               formatted: "windows/amd64", formattedAll: "windows(10.0%2Bbuild+feat%2B1)/amd64"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "amd64", osFeatures: ["", "gpu", "", "simd"]),
               formatted: "linux/amd64", formattedAll: "linux(+gpu+simd)/amd64"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "amd64", osFeatures: ["b", "a", "b"]),
               formatted: "linux/amd64", formattedAll: "linux(+a+b)/amd64"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "amd64", osFeatures: [""]),
               formatted: "linux/amd64", formattedAll: "linux/amd64"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "arm", variant: "v7"),
               formatted: "linux/arm/v7", formattedAll: "linux/arm/v7"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "arm64", variant: "v8", osFeatures: ["sve"]),
               formatted: "linux/arm64/v8", formattedAll: "linux(+sve)/arm64/v8"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: ""),
               formatted: "linux", formattedAll: "linux"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "", variant: "v7"),
               formatted: "linux/v7", formattedAll: "linux/v7"),
    PlatformFormatCase(platform: Platform(os: "linux", architecture: "amd64", variant: "./v2"),
               formatted: "linux/amd64/v2", formattedAll: "linux/amd64/v2"),
    PlatformFormatCase(platform: Platform(os: "", architecture: "amd64"),
               formatted: "unknown", formattedAll: "unknown"),
    PlatformFormatCase(platform: Platform(os: "", architecture: "", osVersion: "10.0"),
               formatted: "unknown", formattedAll: "unknown"),
]

@Test(arguments: platformFormatCases)
func formatsPlatform(_ testCase: PlatformFormatCase) throws {
    #expect(testCase.platform.formatted == testCase.formatted)
    #expect(testCase.platform.formattedAll == testCase.formattedAll)
}

@Test(arguments: platformFormatCases.filter { !$0.platform.os.isEmpty && !$0.platform.architecture.isEmpty
    && !$0.platform.variant.hasPrefix(".") })
func formattedAllRoundTrips(_ testCase: PlatformFormatCase) throws {
    let reparsed = try Platform(parsing: testCase.platform.formattedAll)
    #expect(reparsed.osVersion == testCase.platform.osVersion)
    let expectedFeatures = Platform.sortedUniqueFeatures(testCase.platform.osFeatures.filter { !$0.isEmpty })
    #expect(Platform.sortedUniqueFeatures(reparsed.osFeatures) == expectedFeatures)
    #expect(reparsed.formattedAll == testCase.platform.formattedAll)
}

/// Every normalized platform formats to a specifier that parses back to an equivalent platform.
@Test(arguments: [
    "linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/386", "linux/arm/v5",
    "linux/arm/v6", "linux/arm/v7", "linux/arm/v8", "linux/arm64", "linux/arm64/v8.2", "linux/arm64/v9",
    "linux/arm64/v9.3", "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows(10.0.20348.2227)/amd64",
    "windows(10.0.17763+win32k)/amd64", "linux(+gpu+simd)/arm64", "darwin/arm64", "freebsd/amd64",
])
func formattedAllParsesBackToSamePlatform(_ specifier: String) throws {
    let platform = try Platform(parsing: specifier)
    let reparsed = try Platform(parsing: platform.formattedAll)
    #expect(reparsed.normalized == platform.normalized)
    #expect(PlatformMatcher.onlyStrict(platform).matches(reparsed))
    #expect(PlatformMatcher.onlyStrict(reparsed).matches(platform))
}

@Test(arguments: [("%", "%25"), ("+", "%2B"), ("(", "%28"), (")", "%29"), ("/", "%2F"),
                  ("a%2B", "a%252B"), ("plain-1.0_x", "plain-1.0_x"), ("é", "é")])
func encodesOSOption(_ raw: String, _ encoded: String) {
    #expect(Platform.encodeOSOption(raw) == encoded)
}

@Test(arguments: [("a/b", "a/b"), ("a//b", "a/b"), ("a/./b", "a/b"), ("a/../b", "b"), ("../a", "../a"),
                  ("/../a", "/a"), ("a/b/..", "a"), ("a/..", "."), ("/", "/")])
func cleansPathLikeGo(_ raw: String, _ cleaned: String) {
    #expect(Platform.cleanedPath(raw) == cleaned)
}
