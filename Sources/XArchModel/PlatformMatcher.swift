/// Decides which platforms a host accepts and which it prefers, following containerd's
/// `platforms` package (`Only`, `OnlyStrict`, `Ordered`, `Any`, `All`, `NewMatcher` and the
/// Windows `Default`).
///
/// A matcher holds an ordered list of rules. Each rule compares a candidate, after
/// normalization, for equal OS, architecture and variant; for Windows rules the candidate's
/// `os.version` must be compatible (see `WindowsOSVersion`) and its `win32k` feature is ignored;
/// and the candidate's `os.features` must be a subset of the rule's. All functions are pure and
/// deterministic.
public struct PlatformMatcher: Sendable, Hashable, CustomStringConvertible {
    enum Strategy: Sendable, Hashable {
        case ordered, any, all, windowsHost
    }

    let strategy: Strategy
    let rules: [PlatformMatchRule]

    init(strategy: Strategy, platforms: [Platform]) {
        self.strategy = strategy
        self.rules = platforms.map(PlatformMatchRule.init)
    }

    /// containerd `platforms.Only`: the host platform and everything it can also run, in order
    /// of preference: amd64/vN falls back to vN-1 … v1 and then 386; arm/vN to vN-1 … v5;
    /// arm64/v8.x to older v8 minors and arm64/v9.x to older v9 minors and v8.(x+5) … v8, both
    /// then to arm/v8 … v5. The platform is normalized first.
    public static func only(_ platform: Platform) -> PlatformMatcher {
        PlatformMatcher(strategy: .ordered, platforms: compatibilityVector(for: platform.normalized))
    }

    /// containerd `platforms.OnlyStrict`: the normalized platform alone, no fallbacks, so
    /// `arm/v7` does not match `arm/v6` and `amd64` does not match `386`.
    public static func onlyStrict(_ platform: Platform) -> PlatformMatcher {
        PlatformMatcher(strategy: .ordered, platforms: [platform.normalized])
    }

    /// containerd `platforms.Ordered`: matches any of the platforms, preferring earlier ones.
    public static func ordered(_ platforms: Platform...) -> PlatformMatcher {
        ordered(platforms)
    }

    /// containerd `platforms.Ordered`: matches any of the platforms, preferring earlier ones.
    public static func ordered(_ platforms: [Platform]) -> PlatformMatcher {
        PlatformMatcher(strategy: .ordered, platforms: platforms)
    }

    /// containerd `platforms.Any`: matches any of the platforms with no preference among them.
    public static func any(_ platforms: Platform...) -> PlatformMatcher {
        any(platforms)
    }

    /// containerd `platforms.Any`: matches any of the platforms with no preference among them.
    public static func any(_ platforms: [Platform]) -> PlatformMatcher {
        PlatformMatcher(strategy: .any, platforms: platforms)
    }

    /// containerd `platforms.All`: matches every platform, with no preference.
    public static let all = PlatformMatcher(strategy: .all, platforms: [])

    /// containerd's `Default()` on a Windows host: the host platform alone (no 386 fallback),
    /// and among compatible images the newest `os.version` first, so the latest patch revision
    /// of the host's own release wins over an older long-term release.
    public static func windowsHost(_ platform: Platform) -> PlatformMatcher {
        PlatformMatcher(strategy: .windowsHost, platforms: [platform])
    }

    /// The platforms this matcher accepts, in order of preference (normalized). Empty for `all`.
    public var platforms: [Platform] { rules.map(\.platform) }

    /// Whether a host described by this matcher can run `platform`.
    public func matches(_ platform: Platform) -> Bool {
        strategy == .all || rules.contains { $0.matches(platform) }
    }

    /// The preference rank of `platform`, lower is better, or nil when it does not match.
    ///
    /// For `only`, `onlyStrict` and `ordered` this is the index of the first accepted platform it
    /// matches; for `any`, `all` and `windowsHost` every match has rank 0.
    public func rank(_ platform: Platform) -> Int? {
        switch strategy {
        case .all:
            return 0
        case .ordered:
            return rules.firstIndex { $0.matches(platform) }
        case .any, .windowsHost:
            return matches(platform) ? 0 : nil
        }
    }

    /// containerd's `MatchComparer.Less`: whether `lhs` sorts before `rhs`.
    ///
    /// A match sorts before a non-match; two matches sort by rank, and at equal rank the one
    /// declaring more `os.features` first (for `windowsHost`, the newer `os.version` first). Two
    /// non-matches are compared again with their `os.features` removed, as containerd does.
    public func isPreferred(_ lhs: Platform, over rhs: Platform) -> Bool {
        switch strategy {
        case .all:
            return false
        case .ordered:
            return orderedLess(lhs, rhs)
        case .any:
            return anyLess(lhs, rhs)
        case .windowsHost:
            let (left, right) = (matches(lhs), matches(rhs))
            if left && right {
                return WindowsOSVersion.isNewer(lhs.osVersion, than: rhs.osVersion)
            }
            return left && !right
        }
    }

    /// The indices of the matching `candidates`, best first; equally good candidates keep their
    /// order. This is the order containerd's stable sort with `Less` gives the matches.
    public func rankedMatches(in candidates: [Platform]) -> [Int] {
        let matching = candidates.indices.filter { matches(candidates[$0]) }
        return matching.sorted { left, right in
            if isPreferred(candidates[left], over: candidates[right]) {
                return true
            }
            if isPreferred(candidates[right], over: candidates[left]) {
                return false
            }
            return left < right
        }
    }

    /// The index of the candidate this matcher picks, or nil when none matches.
    public func bestMatch(in candidates: [Platform]) -> Int? {
        rankedMatches(in: candidates).first
    }

    /// The strategy and accepted platforms, e.g. `ordered(linux/amd64, linux/386)`.
    public var description: String {
        let name = switch strategy {
        case .ordered: "ordered"
        case .any: "any"
        case .all: "all"
        case .windowsHost: "windowsHost"
        }
        return name + "(" + platforms.map(\.formattedAll).joined(separator: ", ") + ")"
    }

    /// containerd `orderedPlatformComparer.Less`.
    private func orderedLess(_ lhs: Platform, _ rhs: Platform) -> Bool {
        for rule in rules {
            let (left, right) = (rule.matches(lhs), rule.matches(rhs))
            if left && !right {
                return true
            }
            if left || right {
                return left && right && lhs.osFeatures.count > rhs.osFeatures.count
            }
        }
        if !lhs.osFeatures.isEmpty || !rhs.osFeatures.isEmpty {
            return orderedLess(lhs.withoutOSFeatures, rhs.withoutOSFeatures)
        }
        return false
    }

    /// containerd `anyPlatformComparer.Less`.
    private func anyLess(_ lhs: Platform, _ rhs: Platform) -> Bool {
        var (left, right) = (false, false)
        for rule in rules {
            left = left || rule.matches(lhs)
            right = right || rule.matches(rhs)
            if left && right {
                return lhs.osFeatures.count > rhs.osFeatures.count
            }
        }
        if !left && !right && (!lhs.osFeatures.isEmpty || !rhs.osFeatures.isEmpty) {
            return anyLess(lhs.withoutOSFeatures, rhs.withoutOSFeatures)
        }
        return left && !right
    }
}

extension Platform {
    fileprivate var withoutOSFeatures: Platform {
        var copy = self
        copy.osFeatures = []
        return copy
    }
}

/// One accepted platform: containerd's `NewMatcher`.
struct PlatformMatchRule: Sendable, Hashable {
    /// The accepted platform, normalized.
    let platform: Platform
    /// For a Windows rule, the host version candidates must be compatible with.
    let windowsVersion: WindowsOSVersion?

    init(_ platform: Platform) {
        self.platform = platform.normalized
        self.windowsVersion = self.platform.os == "windows"
            ? WindowsOSVersion(parsing: platform.osVersion) : nil
    }

    /// Equal OS, architecture and variant after normalization, a compatible Windows version,
    /// and candidate `os.features` (without `win32k` on Windows) a subset of the rule's.
    func matches(_ candidate: Platform) -> Bool {
        let normalized = candidate.normalized
        guard normalized.os == platform.os, normalized.architecture == platform.architecture,
              normalized.variant == platform.variant else {
            return false
        }
        var features = normalized.osFeatures
        if let windowsVersion {
            guard WindowsOSVersion.matches(hostVersion: windowsVersion,
                                           candidateVersion: candidate.osVersion) else {
                return false
            }
            features.removeAll { $0 == "win32k" }
        }
        return features.allSatisfy(platform.osFeatures.contains)
    }
}
