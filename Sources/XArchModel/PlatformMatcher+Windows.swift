/// Windows `os.version` compatibility, following containerd's `platform_windows_compat.go`
/// (platform-independent code) and Microsoft's "Windows container version compatibility" rules.
///
/// A version is `<major>.<minor>.<build>[.<revision>]`, e.g. `10.0.20348.2227`; the revision is
/// never considered for matching.
struct WindowsOSVersion: Hashable, Sendable {
    var major: UInt8
    var minor: UInt8
    var build: UInt16

    /// Windows Server 2019 (ltsc2019, rs5, version 1809).
    static let ltsc2019: UInt16 = 17763
    /// Windows Server 2022 (ltsc2022, 21H2); the first release with the stable container ABI.
    static let ltsc2022: UInt16 = 20348
    /// Windows 11 2022 Update (22H2).
    static let win11v22H2: UInt16 = 22621
    /// Windows Server annual channel 23H2.
    static let server23H2: UInt16 = 25398
    /// Windows Server 2025 (ltsc2025).
    static let ltsc2025: UInt16 = 26100
    /// The long-term releases with a stable ABI, ascending (containerd `compatLTSCReleases`).
    static let stableABIReleases: [UInt16] = [ltsc2022, ltsc2025]

    /// containerd `getWindowsOSVersion`: needs at least two dots; major, minor (0–255) and build
    /// (0–65535) must be decimal numbers; anything after the build's dot is ignored. Anything
    /// else yields the zero version, which matches no host.
    init(parsing text: String) {
        self.init(major: 0, minor: 0, build: 0)
        let fields = text.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count >= 3,
              let major = WindowsOSVersion.decimal(fields[0], max: UInt64(UInt8.max)),
              let minor = WindowsOSVersion.decimal(fields[1], max: UInt64(UInt8.max)),
              let build = WindowsOSVersion.decimal(fields[2], max: UInt64(UInt16.max)) else {
            return
        }
        self.init(major: UInt8(major), minor: UInt8(minor), build: UInt16(build))
    }

    init(major: UInt8, minor: UInt8, build: UInt16) {
        self.major = major
        self.minor = minor
        self.build = build
    }

    /// True for the zero version (empty or unparsable text), which containerd treats as "any".
    var isZero: Bool { major == 0 && minor == 0 && build == 0 }

    /// containerd `checkWindowsHostAndContainerCompat`: major and minor must be equal; a host
    /// older than Windows Server 2022 needs the exact build; a newer host runs containers from
    /// the stable-ABI floor up to its own build. The floor is the long-term release before the
    /// newest one the host has reached (ltsc2022 for a 2022 host, and still ltsc2022 for a 2025
    /// or later host), so a 2025 host runs 20348…host builds and a 2022 host never runs 2025.
    static func isCompatible(host: WindowsOSVersion, container: WindowsOSVersion) -> Bool {
        guard host.major == container.major, host.minor == container.minor else {
            return false
        }
        if host.build < ltsc2022 {
            return host.build == container.build
        }
        var floor = ltsc2022
        if let reached = stableABIReleases.lastIndex(where: { host.build >= $0 }), reached > 0 {
            floor = stableABIReleases[reached - 1]
        }
        return floor <= container.build && container.build <= host.build
    }

    /// containerd `windowsVersionMatcher.Match`: a host without a usable version, or a candidate
    /// without a version, always matches; otherwise `isCompatible`.
    static func matches(hostVersion: WindowsOSVersion, candidateVersion: String) -> Bool {
        if hostVersion.isZero || candidateVersion.isEmpty {
            return true
        }
        return isCompatible(host: hostVersion, container: WindowsOSVersion(parsing: candidateVersion))
    }

    /// Orders `os.version` strings newest first by their numeric fields
    /// (major, minor, build, revision); unparsable fields count as 0. Used to prefer the latest
    /// patch revision among compatible Windows images.
    static func isNewer(_ lhs: String, than rhs: String) -> Bool {
        let left = numericFields(lhs)
        let right = numericFields(rhs)
        return left.lexicographicallyPrecedes(right, by: >)
    }

    private static func numericFields(_ text: String) -> [UInt64] {
        let fields = text.split(separator: ".", omittingEmptySubsequences: false)
        var numbers = fields.prefix(4).map { decimal($0, max: UInt64.max) ?? 0 }
        while numbers.count < 4 {
            numbers.append(0)
        }
        return numbers
    }

    /// An unsigned decimal of ASCII digits only (no sign), at most `max`.
    private static func decimal(_ text: Substring, max: UInt64) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = UInt64(text), value <= max else {
            return nil
        }
        return value
    }
}
