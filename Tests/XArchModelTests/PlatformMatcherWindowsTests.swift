import Testing
@testable import XArchModel

// containerd's Test_PlatformCompat (platform_windows_compat_test.go), then more.
@Test(arguments: [
    (WindowsOSVersion.ltsc2019, WindowsOSVersion.ltsc2019, true),
    (WindowsOSVersion.ltsc2019, WindowsOSVersion.ltsc2022, false),
    (WindowsOSVersion.ltsc2022, WindowsOSVersion.ltsc2019, false),
    (WindowsOSVersion.ltsc2022, WindowsOSVersion.ltsc2022, true),
    (WindowsOSVersion.win11v22H2, WindowsOSVersion.ltsc2019, false),
    (WindowsOSVersion.win11v22H2, WindowsOSVersion.ltsc2022, true),
    (WindowsOSVersion.server23H2, WindowsOSVersion.ltsc2019, false),
    (WindowsOSVersion.server23H2, WindowsOSVersion.ltsc2022, true),
    (WindowsOSVersion.ltsc2025, WindowsOSVersion.ltsc2022, true),
    (WindowsOSVersion.ltsc2022, WindowsOSVersion.ltsc2025, false),
    (WindowsOSVersion.ltsc2022, WindowsOSVersion.win11v22H2, false),
    (WindowsOSVersion.ltsc2025, WindowsOSVersion.win11v22H2, true),
    (WindowsOSVersion.ltsc2025, WindowsOSVersion.ltsc2025, true),
    (WindowsOSVersion.ltsc2025, WindowsOSVersion.server23H2, true),
    (WindowsOSVersion.ltsc2025, WindowsOSVersion.ltsc2019, false),
    (26200, WindowsOSVersion.ltsc2022, true),
    (26200, WindowsOSVersion.ltsc2025, true),
    (26200, 26200, true),
    (WindowsOSVersion.ltsc2025, 26200, false),
    (20349, WindowsOSVersion.ltsc2022, true),
    (WindowsOSVersion.ltsc2022, 20347, false),
    (19041, 19041, true),
    (19041, 18363, false),
    (18363, 19041, false),
    (14393, 14393, true),
    (17134, WindowsOSVersion.ltsc2019, false),
] as [(UInt16, UInt16, Bool)])
func windowsBuildCompatibility(_ host: UInt16, _ container: UInt16, _ shouldRun: Bool) {
    let hostVersion = WindowsOSVersion(major: 10, minor: 0, build: host)
    let containerVersion = WindowsOSVersion(major: 10, minor: 0, build: container)
    #expect(WindowsOSVersion.isCompatible(host: hostVersion, container: containerVersion) == shouldRun)
}

@Test func windowsMajorAndMinorMustBeEqual() {
    let host = WindowsOSVersion(major: 10, minor: 0, build: 20348)
    #expect(!WindowsOSVersion.isCompatible(host: host, container: WindowsOSVersion(major: 6, minor: 3, build: 20348)))
    #expect(!WindowsOSVersion.isCompatible(host: host, container: WindowsOSVersion(major: 10, minor: 1, build: 20348)))
}

@Test(arguments: [
    ("10.0.20348.2227", WindowsOSVersion(major: 10, minor: 0, build: 20348)),
    ("10.0.20348", WindowsOSVersion(major: 10, minor: 0, build: 20348)),
    ("10.0.17763.5576.9", WindowsOSVersion(major: 10, minor: 0, build: 17763)),
    ("10.0.17763.", WindowsOSVersion(major: 10, minor: 0, build: 17763)),
    ("10.0.65535", WindowsOSVersion(major: 10, minor: 0, build: 65535)),
    ("10.0.65536", WindowsOSVersion(major: 0, minor: 0, build: 0)),
    ("256.0.1", WindowsOSVersion(major: 0, minor: 0, build: 0)),
    ("10.0", WindowsOSVersion(major: 0, minor: 0, build: 0)),
    ("10.0.x", WindowsOSVersion(major: 0, minor: 0, build: 0)),
    ("10.0.+5", WindowsOSVersion(major: 0, minor: 0, build: 0)),
    ("10.0.17763-foo", WindowsOSVersion(major: 0, minor: 0, build: 0)),
    ("", WindowsOSVersion(major: 0, minor: 0, build: 0)),
    ("garbage", WindowsOSVersion(major: 0, minor: 0, build: 0)),
])
func parsesWindowsVersion(_ text: String, _ expected: WindowsOSVersion) {
    #expect(WindowsOSVersion(parsing: text) == expected)
}

/// A Windows host version, a candidate `os.version`, and whether the host runs it; the
/// revision (fourth field) never matters.
@Test(arguments: [
    ("10.0.20348.2227", "10.0.20348.2227", true),
    ("10.0.20348.2227", "10.0.20348.1", true),
    ("10.0.20348.2227", "10.0.20348.9999", true),
    ("10.0.20348.2227", "10.0.20348", true),
    ("10.0.20348.2227", "", true),
    ("10.0.20348.2227", "10.0.17763.5576", false),
    ("10.0.20348.2227", "10.0.26100.1", false),
    ("10.0.20348.2227", "garbage", false),
    ("10.0.20348.2227", "10.0", false),
    ("10.0.17763.5576", "10.0.17763.1", true),
    ("10.0.17763.5576", "10.0.17763.6000", true),
    ("10.0.17763.5576", "10.0.20348.1", false),
    ("10.0.17763.5576", "10.0.14393.1", false),
    ("10.0.26100.2894", "10.0.20348.3091", true),
    ("10.0.26100.2894", "10.0.22621.1", true),
    ("10.0.26100.2894", "10.0.26100.3000", true),
    ("10.0.26100.2894", "10.0.26200.1", false),
    ("10.0.26100.2894", "10.0.17763.1", false),
    ("10.0.22621.1", "10.0.20348.1", true),
    ("", "10.0.17763.1", true),
    ("garbage", "10.0.17763.1", true),
    ("10.0.70000", "10.0.17763.1", true),
])
func windowsMatcherComparesBuilds(_ host: String, _ candidate: String, _ expected: Bool) {
    let hostPlatform = Platform(os: "windows", architecture: "amd64", osVersion: host)
    let candidatePlatform = Platform(os: "windows", architecture: "amd64", osVersion: candidate)
    #expect(PlatformMatcher.onlyStrict(hostPlatform).matches(candidatePlatform) == expected)
    #expect(PlatformMatcher.only(hostPlatform).matches(candidatePlatform) == expected)
    #expect(PlatformMatcher.windowsHost(hostPlatform).matches(candidatePlatform) == expected)
}

@Test func windowsVersionRulesFollowNormalizedOS() {
    let host = Platform(os: "Windows", architecture: "amd64", osVersion: "10.0.20348.1")
    let linux = Platform(os: "linux", architecture: "amd64", osVersion: "10.0.17763.1")
    #expect(!PlatformMatcher.onlyStrict(host).matches(Platform(os: "windows", architecture: "amd64",
                                                               osVersion: "10.0.17763.1")))
    #expect(PlatformMatcher.onlyStrict(Platform(os: "linux", architecture: "amd64", osVersion: "10.0.20348"))
        .matches(linux))
}

// containerd's Test_PlatformOrder: on a Windows host the newest compatible os.version wins.
@Test(arguments: [
    ("10.0.20348.3091", ["", "10.0.20348.3091", "10.0.26100.2894"], 1),
    ("10.0.26100.2894", ["", "10.0.20348.3091", "10.0.26100.2894"], 2),
    ("10.0.26100.2894", ["", "10.0.20348.3091", "10.0.26100.3000"], 2),
    ("10.0.26100.1", ["10.0.26100.999", "10.0.26100.1000"], 1),
    ("10.0.26100.1", ["10.0.26100.1000", "10.0.26100.999"], 0),
    ("10.0.17763.1", ["10.0.20348.5", "10.0.17763.2", "10.0.17763.10"], 2),
    ("10.0.17763.1", ["10.0.20348.5"], nil),
] as [(String, [String], Int?)])
func windowsHostPrefersNewestVersion(_ host: String, _ versions: [String], _ expected: Int?) {
    let matcher = PlatformMatcher.windowsHost(Platform(os: "windows", architecture: "amd64", osVersion: host))
    let candidates = versions.map { version in
        version.isEmpty ? Platform(os: "linux", architecture: "amd64")
            : Platform(os: "windows", architecture: "amd64", osVersion: version)
    }
    #expect(matcher.bestMatch(in: candidates) == expected)
}

@Test func windowsHostHasNoFallbackTo386() {
    let host = Platform(os: "windows", architecture: "amd64", osVersion: "10.0.20348.1")
    let x86 = Platform(os: "windows", architecture: "386", osVersion: "10.0.20348.1")
    #expect(!PlatformMatcher.windowsHost(host).matches(x86))
    #expect(PlatformMatcher.only(host).matches(x86))
    #expect(PlatformMatcher.only(host).rank(x86) == 1)
}

@Test(arguments: [
    ("10.0.26100.1000", "10.0.26100.999", true), ("10.0.26100.999", "10.0.26100.1000", false),
    ("10.0.26100.1", "10.0.20348.9999", true), ("10.0.20348.1", "10.0.20348.1", false),
    ("10.0.20348", "10.0.20348.0", false), ("10.0.20348.1", "", true), ("x", "10.0.1", false),
])
func ordersWindowsVersionsNumerically(_ lhs: String, _ rhs: String, _ newer: Bool) {
    #expect(WindowsOSVersion.isNewer(lhs, than: rhs) == newer)
}

@Test func windowsParsedSpecifiersWork() throws {
    let host = try Platform(parsing: "windows(10.0.20348.2227+win32k)/amd64")
    let nano = try Platform(parsing: "windows(10.0.20348.2113)/amd64")
    let core = try Platform(parsing: "windows(10.0.20348.2113+win32k)/amd64")
    let ltsc2019 = try Platform(parsing: "windows(10.0.17763.5576+win32k)/amd64")
    let matcher = PlatformMatcher.only(host)
    #expect(matcher.matches(nano) && matcher.matches(core) && !matcher.matches(ltsc2019))
    #expect(matcher.rankedMatches(in: [ltsc2019, nano, core]) == [2, 1])
}
