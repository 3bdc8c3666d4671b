/// The compatibility vector behind `PlatformMatcher.only(_:)`, following containerd's
/// `platformVector` in `compare.go`: the platforms a host can run, best first.
extension PlatformMatcher {
    /// Numeric variants above this get no downward fallback entries, so a specifier such as
    /// `linux/amd64/v999999999` cannot make the vector huge. Real variants stop at amd64 v4 and
    /// arm v8.
    static let maximumVectorVariant = 64

    /// The ordered platforms `platform` can run (it should already be normalized):
    ///
    /// - `amd64/vN`: vN, vN-1, …, v1, then `386`.
    /// - `arm/vN` (N > 5): vN, vN-1, …, v5.
    /// - `arm64/v8.x`: v8.x, v8.(x-1), …, v8; `arm64/v9.x`: v9.x, …, v9, then v8.(x+5) (at most
    ///   v8.9), …, v8. Then the 32-bit vector of `arm/v8` (or of `arm/vN` for a plain `arm64/vN`).
    /// - Any other platform: itself only.
    ///
    /// OS, `os.version` and `os.features` are copied to every entry.
    static func compatibilityVector(for platform: Platform) -> [Platform] {
        var vector = [platform]
        switch platform.architecture {
        case "amd64":
            if let level = numericVariant(platform.variant), level > 1 {
                for lower in stride(from: level - 1, through: 1, by: -1) {
                    vector.append(platform.with(architecture: "amd64", variant: "v\(lower)"))
                }
            }
            vector.append(platform.with(architecture: "386", variant: ""))
        case "arm":
            if let version = numericVariant(platform.variant), version > 5 {
                for lower in stride(from: version - 1, through: 5, by: -1) {
                    vector.append(platform.with(architecture: "arm", variant: "v\(lower)"))
                }
            }
        case "arm64":
            vector += arm64Fallbacks(platform)
        default:
            break
        }
        return vector
    }

    /// The entries after an arm64 platform itself: older arm64 minor versions, then 32-bit arm.
    private static func arm64Fallbacks(_ platform: Platform) -> [Platform] {
        var result: [Platform] = []
        var variant = platform.variant.isEmpty ? "v8" : platform.variant
        let (majorText, minorText) = splitOnFirstDot(variant)
        if let major = numericVariant(String(majorText)), major >= 8 {
            var minor = 0
            if variant.utf8.count == 4, let minorText, let parsed = Int(minorText) {
                minor = parsed
            }
            var currentMajor = major
            if major == 9 {
                result += arm64Versions(major: 9, below: minor, of: platform)
                minor = min(minor + 5, 9)
                currentMajor = 8
                result.append(platform.with(architecture: "arm64", variant: "v8.\(minor)"))
            }
            result += arm64Versions(major: currentMajor, below: minor, of: platform)
        }
        if variant.hasPrefix("v8.") || variant.hasPrefix("v9.") {
            variant = "v8"
        }
        result += compatibilityVector(for: platform.with(architecture: "arm", variant: variant))
        return result
    }

    /// `v<major>.<minor-1>` down to `v<major>` (minor 0 is written without `.0`).
    private static func arm64Versions(major: Int, below minor: Int, of platform: Platform) -> [Platform] {
        guard minor > 0 else {
            return []
        }
        return stride(from: minor - 1, through: 0, by: -1).map { lower in
            platform.with(architecture: "arm64", variant: lower == 0 ? "v\(major)" : "v\(major).\(lower)")
        }
    }

    /// The number in `vN` (or `N`), as Go's `strconv.Atoi(strings.TrimPrefix(v, "v"))` reads it,
    /// when it is at most `maximumVectorVariant`.
    private static func numericVariant(_ variant: String) -> Int? {
        let digits = variant.hasPrefix("v") ? String(variant.dropFirst()) : variant
        guard let value = Int(digits), value <= maximumVectorVariant else {
            return nil
        }
        return value
    }

    private static func splitOnFirstDot(_ text: String) -> (Substring, Substring?) {
        guard let dot = text.firstIndex(of: ".") else {
            return (Substring(text), nil)
        }
        return (text[..<dot], text[text.index(after: dot)...])
    }
}

extension Platform {
    /// A copy with another architecture and variant, keeping OS, `os.version` and features.
    fileprivate func with(architecture: String, variant: String) -> Platform {
        Platform(os: os, architecture: architecture, variant: variant, osVersion: osVersion,
                 osFeatures: osFeatures)
    }
}
