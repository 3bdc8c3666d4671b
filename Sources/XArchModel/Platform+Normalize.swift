/// Normalization of platforms to their canonical form, following containerd's `platforms` package
/// (`Normalize`, `normalizeOS` and `normalizeArch` in `database.go`).
extension Platform {
    /// Operating systems containerd knows by name (`isKnownOS`, generated from Go's `syslist.go`).
    ///
    /// A single-word specifier that names one of these is read as an operating system; any other
    /// single word must be a known architecture.
    public static let knownOperatingSystems: Set<String> = [
        "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
        "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos",
    ]

    /// Architectures containerd knows by name (`isKnownArch`, GOARCH values from Go's `syslist.go`).
    public static let knownArchitectures: Set<String> = [
        "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le", "loong64",
        "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "riscv", "riscv64",
        "s390", "s390x", "sparc", "sparc64", "wasm",
    ]

    /// The canonical form of this platform, as containerd's `platforms.Normalize` computes it.
    ///
    /// - `os` is lower-cased and `macos` becomes `darwin`.
    /// - `i386` becomes `386` (variant dropped); `x86_64`, `x86-64` become `amd64`, and amd64's
    ///   baseline variant `v1` is dropped.
    /// - `aarch64` becomes `arm64`; arm64 variants `8`, `v8`, `v8.0` are dropped (v8 is the
    ///   baseline) and `9`, `9.0`, `v9.0` become `v9`.
    /// - `armhf` becomes `arm/v7`, `armel` becomes `arm/v6` (containerd's reading; Debian's armel port
    ///   is ARMv5TE soft-float, see `ArchitectureNames`); `arm` without a variant is `arm/v7`,
    ///   and bare numbers `5`, `6`, `7`, `8` get a `v` prefix.
    /// - Architecture and variant are lower-cased; `os.features` are sorted and deduplicated.
    ///
    /// `os.version` and `features` are kept as they are. Unlike containerd, an empty `os` stays
    /// empty: this module never consults the host.
    public var normalized: Platform {
        var result = self
        result.os = Platform.normalizedOS(os)
        (result.architecture, result.variant) = Platform.normalizedArchitecture(
            architecture, variant: variant)
        if !osFeatures.isEmpty {
            result.osFeatures = Platform.sortedUniqueFeatures(osFeatures)
        }
        return result
    }

    /// containerd `normalizeOS`: lower-case, and `macos` is `darwin`.
    static func normalizedOS(_ os: String) -> String {
        let lowered = os.lowercased()
        return lowered == "macos" ? "darwin" : lowered
    }

    /// containerd `normalizeArch`: the canonical architecture and variant for a pair.
    static func normalizedArchitecture(_ architecture: String, variant: String)
        -> (architecture: String, variant: String)
    {
        let arch = architecture.lowercased()
        let variant = variant.lowercased()
        // i386, armhf and armel: whatever the variant. armel is arm/v6 here, as in containerd; Debian's
        // armel port is ARMv5TE (ArchitectureNames documents both).
        if let alias = ArchitectureNames.containerdAliases[arch] { return alias }
        switch arch {
        case "x86_64", "x86-64", "amd64":
            return ("amd64", variant == "v1" ? "" : variant)
        case "aarch64", "arm64":
            switch variant {
            case "8", "v8", "v8.0": return ("arm64", "")
            case "9", "9.0", "v9.0": return ("arm64", "v9")
            default: return ("arm64", variant)
            }
        case "arm":
            switch variant {
            case "", "7": return ("arm", "v7")
            case "5", "6", "8": return ("arm", "v" + variant)
            default: return ("arm", variant)
            }
        default:
            return (arch, variant)
        }
    }

    /// Sorts byte-wise (as Go sorts strings) and removes duplicates.
    static func sortedUniqueFeatures(_ features: [String]) -> [String] {
        let sorted = features.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var result: [String] = []
        result.reserveCapacity(sorted.count)
        for feature in sorted where result.last.map({ !$0.utf8.elementsEqual(feature.utf8) }) ?? true {
            result.append(feature)
        }
        return result
    }
}
