import Testing
@testable import XArchModel

/// A host specifier with the specifiers it must and must not match.
struct PlatformMatchCase: Sendable, CustomTestStringConvertible {
    let host: String
    let matches: [String]
    let rejects: [String]
    var testDescription: String { host }
}

private func parsed(_ specifier: String) throws -> Platform {
    try Platform(parsing: specifier)
}

private func check(_ matcher: PlatformMatcher, _ testCase: PlatformMatchCase, _ name: String) throws {
    for specifier in testCase.matches {
        #expect(matcher.matches(try parsed(specifier)), "\(name)(\(testCase.host)) should match \(specifier)")
    }
    for specifier in testCase.rejects {
        #expect(!matcher.matches(try parsed(specifier)), "\(name)(\(testCase.host)) should reject \(specifier)")
    }
}

// containerd's TestOnly, then amd64 levels and arm64 minor versions.
let platformOnlyCases: [PlatformMatchCase] = [
    PlatformMatchCase(host: "linux/amd64", matches: ["linux/amd64", "linux/386", "linux/amd64/v1"],
              rejects: ["linux/amd64/v2", "linux/arm/v7", "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/amd64/v2", matches: ["linux/amd64", "linux/amd64/v1", "linux/amd64/v2", "linux/386"],
              rejects: ["linux/amd64/v3", "linux/amd64/v4", "linux/arm/v7", "linux/arm64", "windows/amd64",
                        "windows/arm"]),
    PlatformMatchCase(host: "linux/amd64/v3", matches: ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/386"],
              rejects: ["linux/amd64/v4", "linux/arm64", "darwin/amd64"]),
    PlatformMatchCase(host: "linux/amd64/v4",
              matches: ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/386"],
              rejects: ["linux/amd64/v5", "linux/arm64"]),
    PlatformMatchCase(host: "linux/386", matches: ["linux/386"],
              rejects: ["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "windows/amd64", matches: ["windows/amd64", "windows(10.0.17763)/amd64", "windows/386"],
              rejects: ["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v8",
              matches: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8"],
              rejects: ["linux/amd64", "linux/arm/v4", "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v7", matches: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7"],
              rejects: ["linux/amd64", "linux/arm/v4", "linux/arm/v8", "linux/arm64", "windows/amd64",
                        "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v6", matches: ["linux/arm/v5", "linux/arm/v6", "linux/armel"],
              rejects: ["linux/amd64", "linux/arm", "linux/arm/v4", "linux/arm/v7", "linux/arm/v8",
                        "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v5", matches: ["linux/arm/v5"],
              rejects: ["linux/amd64", "linux/arm", "linux/arm/v4", "linux/arm/v6", "linux/arm/v7",
                        "linux/arm/v8", "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v4", matches: ["linux/arm/v4"],
              rejects: ["linux/amd64", "linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7",
                        "linux/arm/v8", "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm64/v9",
              matches: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
                        "linux/arm/v9", "linux/arm64", "linux/arm64/v8", "linux/arm64/v8.1", "linux/arm64/v8.2",
                        "linux/arm64/v8.3", "linux/arm64/v8.4", "linux/arm64/v8.5", "linux/arm64/v9",
                        "linux/arm64/v9.0"],
              rejects: ["linux/amd64", "linux/arm/v4", "windows/amd64", "windows/arm", "linux/arm64/v8.6",
                        "linux/arm64/v9.1"]),
    PlatformMatchCase(host: "linux/arm64/v8.1",
              matches: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
                        "linux/arm64", "linux/arm64/v8", "linux/arm64/v8.1"],
              rejects: ["linux/amd64", "linux/arm/v4", "linux/arm/v9", "linux/arm64/v9", "linux/arm64/v8.2",
                        "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm64",
              matches: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
                        "linux/arm64", "linux/arm64/v8", "linux/aarch64", "linux/arm64/v8.0"],
              rejects: ["linux/amd64", "linux/arm/v4", "linux/arm/v9", "linux/arm64/v9", "linux/arm64/v8.1",
                        "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm64/v8.2",
              matches: ["linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v8", "linux/arm/v5"],
              rejects: ["linux/arm64/v8.3", "linux/arm64/v9", "linux/arm/v9"]),
    PlatformMatchCase(host: "linux/arm64/v9.4",
              matches: ["linux/arm64/v9.4", "linux/arm64/v9.3", "linux/arm64/v9.1", "linux/arm64/v9",
                        "linux/arm64/v8.9", "linux/arm64/v8.5", "linux/arm64", "linux/arm/v8", "linux/arm"],
              rejects: ["linux/arm64/v9.5", "linux/arm/v9"]),
    PlatformMatchCase(host: "linux/arm64/v9.5",
              matches: ["linux/arm64/v9.4", "linux/arm64/v8.9", "linux/arm64/v8.1"],
              rejects: ["linux/arm64/v9.6", "linux/arm64/v8.10"]),
    PlatformMatchCase(host: "linux/s390x", matches: ["linux/s390x"], rejects: ["linux/amd64", "linux/386"]),
    PlatformMatchCase(host: "linux/ppc64le/power9", matches: ["linux/ppc64le/power9"],
              rejects: ["linux/ppc64le", "linux/ppc64le/power8"]),
]

@Test(arguments: platformOnlyCases)
func onlyMatchesCompatiblePlatforms(_ testCase: PlatformMatchCase) throws {
    try check(.only(try parsed(testCase.host)), testCase, "only")
}

// containerd's TestOnlyStrict.
let platformOnlyStrictCases: [PlatformMatchCase] = [
    PlatformMatchCase(host: "linux/amd64", matches: ["linux/amd64", "linux/amd64/v1", "linux/x86_64"],
              rejects: ["linux/386", "linux/arm/v7", "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/amd64/v3", matches: ["linux/amd64/v3"], rejects: ["linux/amd64/v2", "linux/amd64"]),
    PlatformMatchCase(host: "linux/386", matches: ["linux/386"],
              rejects: ["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "windows/amd64", matches: ["windows/amd64", "windows(10.0.17763)/amd64"],
              rejects: ["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/arm", "windows/386"]),
    PlatformMatchCase(host: "windows(10.0.17763)/amd64", matches: ["windows/amd64", "windows(10.0.17763)/amd64"],
              rejects: ["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v8", matches: ["linux/arm/v8"],
              rejects: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/amd64", "linux/arm/v4",
                        "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v7", matches: ["linux/arm", "linux/arm/v7"],
              rejects: ["linux/arm/v5", "linux/arm/v6", "linux/amd64", "linux/arm/v4", "linux/arm/v8",
                        "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v6", matches: ["linux/arm/v6"],
              rejects: ["linux/arm/v5", "linux/amd64", "linux/arm", "linux/arm/v4", "linux/arm/v7", "linux/arm/v8",
                        "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v5", matches: ["linux/arm/v5"],
              rejects: ["linux/amd64", "linux/arm", "linux/arm/v4", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
                        "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm/v4", matches: ["linux/arm/v4"],
              rejects: ["linux/amd64", "linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
                        "linux/arm64", "windows/amd64", "windows/arm"]),
    PlatformMatchCase(host: "linux/arm64/v9", matches: ["linux/arm64/v9", "linux/arm64/v9.0"],
              rejects: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8", "linux/amd64",
                        "linux/arm/v4", "linux/arm/v9", "linux/arm64/v8", "linux/arm64/v8.1", "windows/amd64",
                        "windows/arm"]),
    PlatformMatchCase(host: "linux/arm64/v8.1", matches: ["linux/arm64/v8.1"],
              rejects: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8", "linux/amd64",
                        "linux/arm/v4", "linux/arm/v9", "linux/arm64/v8", "linux/arm64/v9", "windows/amd64",
                        "windows/arm"]),
    PlatformMatchCase(host: "linux/arm64", matches: ["linux/arm64", "linux/arm64/v8"],
              rejects: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8", "linux/amd64",
                        "linux/arm/v4", "linux/arm/v9", "linux/arm64/v9", "windows/amd64", "windows/arm"]),
]

@Test(arguments: platformOnlyStrictCases)
func onlyStrictMatchesOnlyItself(_ testCase: PlatformMatchCase) throws {
    try check(.onlyStrict(try parsed(testCase.host)), testCase, "onlyStrict")
}

/// `only` orders the compatibility vector exactly as containerd's `platformVector`.
@Test(arguments: [
    ("linux/amd64", ["linux/amd64", "linux/386"]),
    ("linux/amd64/v2", ["linux/amd64/v2", "linux/amd64", "linux/386"]),
    ("linux/amd64/v3", ["linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"]),
    ("linux/amd64/v4", ["linux/amd64/v4", "linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"]),
    ("linux/amd64/v99", ["linux/amd64/v99", "linux/386"]),
    ("linux/386", ["linux/386"]),
    ("linux/arm/v5", ["linux/arm/v5"]),
    ("linux/arm", ["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]),
    ("linux/arm/v8", ["linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]),
    ("linux/arm64", ["linux/arm64", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]),
    ("linux/arm64/v8.2", ["linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v8", "linux/arm/v7",
                          "linux/arm/v6", "linux/arm/v5"]),
    ("linux/arm64/v9", ["linux/arm64/v9", "linux/arm64/v8.5", "linux/arm64/v8.4", "linux/arm64/v8.3",
                        "linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v9", "linux/arm/v8",
                        "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]),
    ("linux/arm64/v9.2", ["linux/arm64/v9.2", "linux/arm64/v9.1", "linux/arm64/v9", "linux/arm64/v8.7",
                          "linux/arm64/v8.6", "linux/arm64/v8.5", "linux/arm64/v8.4", "linux/arm64/v8.3",
                          "linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v8", "linux/arm/v7",
                          "linux/arm/v6", "linux/arm/v5"]),
    ("linux/arm64/v9.5", ["linux/arm64/v9.5", "linux/arm64/v9.4", "linux/arm64/v9.3", "linux/arm64/v9.2",
                          "linux/arm64/v9.1", "linux/arm64/v9", "linux/arm64/v8.9", "linux/arm64/v8.8",
                          "linux/arm64/v8.7", "linux/arm64/v8.6", "linux/arm64/v8.5", "linux/arm64/v8.4",
                          "linux/arm64/v8.3", "linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v8",
                          "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]),
    ("linux/s390x", ["linux/s390x"]),
    ("windows(10.0.20348)/amd64", ["windows(10.0.20348)/amd64", "windows(10.0.20348)/386"]),
    ("linux(+gpu)/amd64/v2", ["linux(+gpu)/amd64/v2", "linux(+gpu)/amd64", "linux(+gpu)/386"]),
])
func onlyOrdersCompatibilityVector(_ host: String, _ expected: [String]) throws {
    #expect(PlatformMatcher.only(try parsed(host)).platforms.map(\.formattedAll) == expected)
}

@Test(arguments: [
    ("linux/amd64/v3", 0), ("linux/amd64/v2", 1), ("linux/amd64", 2), ("linux/amd64/v1", 2),
    ("linux/x86_64", 2), ("linux/386", 3), ("linux/i386", 3),
])
func onlyRanksByVectorPosition(_ candidate: String, _ rank: Int) throws {
    #expect(PlatformMatcher.only(try parsed("linux/amd64/v3")).rank(try parsed(candidate)) == rank)
}

@Test(arguments: ["linux/amd64/v4", "linux/arm64", "windows/amd64", "darwin/amd64", "unknown/unknown"])
func onlyRanksNonMatchesAsNil(_ candidate: String) throws {
    let candidatePlatform = candidate == "unknown/unknown"
        ? Platform(os: "unknown", architecture: "unknown") : try parsed(candidate)
    #expect(PlatformMatcher.only(try parsed("linux/amd64/v3")).rank(candidatePlatform) == nil)
}

/// A host, the index entries, and the index containerd would pick.
@Test(arguments: [
    ("linux/amd64/v2", ["linux/386", "linux/amd64", "linux/amd64/v3", "linux/amd64/v2", "linux/arm64"], 3),
    ("linux/amd64/v3", ["linux/386", "linux/amd64", "linux/amd64/v4", "linux/arm64"], 1),
    ("linux/amd64", ["linux/arm64", "linux/386"], 1),
    ("linux/amd64", ["linux/arm64", "linux/amd64/v2"], nil),
    ("linux/arm64", ["linux/amd64", "linux/arm/v7", "linux/arm/v6", "linux/arm64/v8"], 3),
    ("linux/arm64", ["linux/amd64", "linux/arm/v6", "linux/arm/v7"], 2),
    ("linux/arm64/v8.2", ["linux/arm64/v8.1", "linux/arm64/v8.2", "linux/arm64"], 1),
    ("linux/arm64/v9", ["linux/arm64", "linux/arm64/v8.5", "linux/arm64/v9.2"], 1),
    ("linux/arm/v6", ["linux/arm/v7", "linux/arm/v5", "linux/amd64"], 1),
    ("linux/arm/v7", ["linux/arm/v5", "linux/arm/v6", "linux/arm"], 2),
    ("linux/s390x", ["linux/amd64", "linux/arm64"], nil),
] as [(String, [String], Int?)])
func onlyPicksBestIndexEntry(_ host: String, _ entries: [String], _ expected: Int?) throws {
    let candidates = try entries.map(parsed)
    #expect(PlatformMatcher.only(try parsed(host)).bestMatch(in: candidates) == expected)
}

@Test func attestationEntriesNeverMatchAPlatform() throws {
    let attestation = Platform(os: "unknown", architecture: "unknown")
    for host in ["linux/amd64", "linux/arm64", "linux/arm/v7", "windows/amd64"] {
        #expect(!PlatformMatcher.only(try parsed(host)).matches(attestation))
    }
    let candidates = [attestation, try parsed("linux/amd64")]
    #expect(PlatformMatcher.only(try parsed("linux/amd64")).rankedMatches(in: candidates) == [1])
}

@Test func orderedPrefersEarlierPlatforms() throws {
    let matcher = PlatformMatcher.ordered(try parsed("linux/arm64"), try parsed("linux/amd64"))
    let arm64 = try parsed("linux/arm64")
    let amd64 = try parsed("linux/amd64")
    #expect(matcher.isPreferred(arm64, over: amd64))
    #expect(!matcher.isPreferred(amd64, over: arm64))
    #expect(!matcher.isPreferred(arm64, over: arm64))
    #expect(matcher.rank(arm64) == 0 && matcher.rank(amd64) == 1)
    let candidates = [amd64, try parsed("linux/s390x"), arm64]
    #expect(matcher.rankedMatches(in: candidates) == [2, 0])
    #expect(!matcher.matches(try parsed("linux/386")))
}

@Test func anyHasNoPreference() throws {
    let matcher = PlatformMatcher.any(try parsed("linux/arm64"), try parsed("linux/amd64"))
    let arm64 = try parsed("linux/arm64")
    let amd64 = try parsed("linux/amd64")
    let s390x = try parsed("linux/s390x")
    #expect(!matcher.isPreferred(arm64, over: amd64))
    #expect(!matcher.isPreferred(amd64, over: arm64))
    #expect(matcher.isPreferred(amd64, over: s390x))
    #expect(!matcher.isPreferred(s390x, over: amd64))
    #expect(matcher.rank(amd64) == 0 && matcher.rank(arm64) == 0 && matcher.rank(s390x) == nil)
    #expect(matcher.rankedMatches(in: [amd64, s390x, arm64]) == [0, 2])
}

@Test func allMatchesEverythingWithoutPreference() throws {
    let matcher = PlatformMatcher.all
    let candidates = [try parsed("linux/s390x"), Platform(os: "unknown", architecture: "unknown"),
                      try parsed("windows/amd64")]
    #expect(candidates.allSatisfy(matcher.matches))
    #expect(candidates.allSatisfy { matcher.rank($0) == 0 })
    #expect(!matcher.isPreferred(candidates[0], over: candidates[1]))
    #expect(matcher.rankedMatches(in: candidates) == [0, 1, 2])
    #expect(matcher.platforms.isEmpty)
}

/// containerd's os.features rule: the candidate's features must be a subset of the host's.
@Test(arguments: [
    ("linux", [], [], true), ("linux", ["gpu"], [], true), ("linux", [], ["gpu"], false),
    ("linux", ["gpu", "simd"], ["simd"], true), ("linux", ["gpu", "simd"], ["simd", "gpu"], true),
    ("linux", ["gpu"], ["gpu", "simd"], false), ("linux", ["b", "a"], ["a", "b"], true),
    ("linux", ["a"], ["a", "a"], true), ("linux", ["a", "c"], ["b"], false),
    ("linux", [], ["win32k"], false), ("windows", [], ["win32k"], true),
    ("windows", ["win32k"], ["win32k"], true), ("windows", [], ["win32k", "foo"], false),
    ("windows", ["foo"], ["win32k", "foo"], true),
] as [(String, [String], [String], Bool)])
func osFeaturesMustBeSubset(_ os: String, _ hostFeatures: [String], _ candidateFeatures: [String], _ expected: Bool) {
    let host = Platform(os: os, architecture: "amd64", osFeatures: hostFeatures)
    let candidate = Platform(os: os, architecture: "amd64", osFeatures: candidateFeatures)
    #expect(PlatformMatcher.onlyStrict(host).matches(candidate) == expected)
    #expect(PlatformMatcher.only(host).matches(candidate) == expected)
}

@Test func orderedPrefersMoreOSFeaturesAmongEqualMatches() throws {
    let matcher = PlatformMatcher.only(try parsed("linux(+gpu+simd)/amd64"))
    let candidates = try ["linux/amd64", "linux(+gpu)/amd64", "linux(+gpu+simd)/amd64", "linux(+gpu)/386"]
        .map(parsed)
    #expect(matcher.rankedMatches(in: candidates) == [2, 1, 0, 3])
    #expect(matcher.bestMatch(in: candidates) == 2)
}

@Test func nonMatchesAreComparedWithoutOSFeatures() throws {
    let ordered = PlatformMatcher.only(try parsed("linux/amd64"))
    let withFeature = try parsed("linux(+x)/amd64")
    let other = try parsed("linux(+y)/386")
    #expect(!ordered.matches(withFeature) && !ordered.matches(other))
    #expect(ordered.isPreferred(withFeature, over: other))
    #expect(!ordered.isPreferred(other, over: withFeature))
    let any = PlatformMatcher.any(try parsed("linux/amd64"))
    #expect(any.isPreferred(withFeature, over: try parsed("linux(+y)/arm64")))
}

@Test func linuxIgnoresOSVersion() {
    let host = Platform(os: "linux", architecture: "amd64", osVersion: "5.15")
    let candidate = Platform(os: "linux", architecture: "amd64", osVersion: "6.1")
    #expect(PlatformMatcher.onlyStrict(host).matches(candidate))
}

@Test func describesItself() throws {
    #expect(PlatformMatcher.only(try parsed("linux/amd64")).description == "ordered(linux/amd64, linux/386)")
    #expect(PlatformMatcher.all.description == "all()")
}
