/// CPU facts of a Linux host, parsed from the text of `/proc/cpuinfo` and the machine name of
/// `uname -m`. Pure parsing: reading the file and calling `uname` belong to the caller.
///
/// Follows containerd's `cpuinfo_linux.go` (`getCPUInfo`, `getArmCPUVariant`,
/// `getCPUVariantFromArch`, `getAmd64MicroArchLevel`): like containerd, only the first
/// processor's entries are read.
public struct HostCPUInfo: Sendable, Hashable {
    /// The x86 `flags` line, e.g. `sse4_2`, `avx2`, `avx512f`.
    public var flags: Set<String>
    /// The arm `Features` line, e.g. `asimd`, `atomics`, `sve` (arm64) or `vfpv4`, `neon` (arm).
    public var armFeatures: Set<String>
    /// The arm `CPU architecture` field as written, e.g. `8`, `7`, `5TEJ`.
    public var cpuArchitecture: String?
    /// The `model name` field, e.g. `ARMv6-compatible processor rev 7 (v6l)`.
    public var modelName: String?

    public init(flags: Set<String> = [], armFeatures: Set<String> = [],
                cpuArchitecture: String? = nil, modelName: String? = nil) {
        self.flags = flags
        self.armFeatures = armFeatures
        self.cpuArchitecture = cpuArchitecture
        self.modelName = modelName
    }

    /// The flags of the x86-64 psABI micro-architecture levels, as Linux names them in
    /// `/proc/cpuinfo` (`pni` is SSE3, `abm` is LZCNT); the set containerd checks.
    public static let amd64LevelFlags: [Int: Set<String>] = [
        2: ["cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"],
        3: ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"],
        4: ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"],
    ]

    /// Parses `/proc/cpuinfo` text. For each field the first occurrence wins; keys compare
    /// case-insensitively after trimming, as in containerd's `getCPUInfo`.
    public static func parse(cpuinfo: String) -> HostCPUInfo {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else {
                continue
            }
            let key = line[..<colon].trimmingWhitespace().lowercased()
            if fields[key] == nil {
                fields[key] = String(line[line.index(after: colon)...].trimmingWhitespace())
            }
        }
        return HostCPUInfo(
            flags: words(fields["flags"]),
            armFeatures: words(fields["features"]),
            cpuArchitecture: fields["cpu architecture"],
            modelName: fields["model name"])
    }

    /// The x86-64 micro-architecture level (1–4) the flags support, as containerd's
    /// `getAmd64MicroArchLevel` computes it. Level 1 (the amd64 baseline) is assumed; each higher
    /// level needs all of its own flags and those of the levels below.
    public static func amd64Level(flags: Set<String>) -> Int {
        var level = 1
        for next in 2...4 {
            guard let required = amd64LevelFlags[next], required.isSubset(of: flags) else {
                break
            }
            level = next
        }
        return level
    }

    /// The arm variant (`v3` … `v8`) of an arm or arm64 host, or nil when it cannot be told.
    ///
    /// As containerd's `getArmCPUVariant`: the `CPU architecture` field decides (`8` → v8;
    /// `7`, `7M`, `?(12)` … `?(17)` → v7; `6`, `6TEJ` → v6; `5`, `5T`, `5TE`, `5TEJ` → v5;
    /// `4`, `4T` → v4; `3` → v3). Without the field (as under emulation) the machine name decides:
    /// `aarch64` → v8, `armvN…` → vN. A 32-bit arm host that reports `7` with a model name
    /// starting `ARMv6-compatible` (Raspberry Pi 1 and Zero) is v6. containerd writes `unknown`
    /// where this returns nil.
    public static func armVariant(cpuArchitecture: String?, modelName: String?, machine: String) -> String? {
        var raw: String
        if let field = cpuArchitecture, !field.isEmpty {
            raw = field.lowercased()
        } else if let fromMachine = armVariantNumber(machine: machine) {
            raw = fromMachine
        } else {
            return nil
        }
        if raw == "7", architecture(machine: machine) == "arm",
           modelName?.lowercased().hasPrefix("armv6-compatible") == true {
            raw = "6"
        }
        switch raw {
        case "8", "aarch64": return "v8"
        case "7", "7m", "?(12)", "?(13)", "?(14)", "?(15)", "?(16)", "?(17)": return "v7"
        case "6", "6tej": return "v6"
        case "5", "5t", "5te", "5tej": return "v5"
        case "4", "4t": return "v4"
        case "3": return "v3"
        default: return nil
        }
    }

    /// The GOARCH name for a `uname -m` machine name, e.g. `x86_64` → `amd64`, `i686` → `386`,
    /// `aarch64` → `arm64`, `armv7l` → `arm`, `loongarch64` → `loong64`; other names are
    /// normalized as platform architectures are.
    public static func architecture(machine: String) -> String {
        let name = machine.lowercased()
        switch name {
        case "x86_64", "x86-64", "amd64": return "amd64"
        case "i386", "i486", "i586", "i686", "x86", "i86pc": return "386"
        case "aarch64", "arm64": return "arm64"
        case "aarch64_be": return "arm64be"
        case "loongarch64": return "loong64"
        default:
            if name == "arm" || (name.hasPrefix("armv") && !name.hasSuffix("b")) {
                return "arm"
            }
            return Platform.normalizedArchitecture(name, variant: "").architecture
        }
    }

    /// The host platform for a Linux machine name and its `/proc/cpuinfo` text, in normalized
    /// form: e.g. `linux/amd64/v3`, `linux/arm64`, `linux/arm/v7`, `linux/arm/v6`.
    ///
    /// - amd64 carries its psABI level as the variant; level 1 is the baseline and normalizes to
    ///   no variant (`linux/amd64`), so call `amd64Level(flags:)` to report the level itself.
    /// - arm64 is `v8`, which normalizes to no variant. Minor versions (v8.2, v9.0 …) are not
    ///   inferred: the `Features` line does not tell them apart reliably (see `armFeatures`).
    /// - 32-bit arm carries `armVariant(...)`, or `unknown` as containerd does when it cannot be
    ///   told, so that such a host is never assumed to run v7 images.
    public static func hostPlatform(machine: String, cpuinfo: String) -> Platform {
        let info = parse(cpuinfo: cpuinfo)
        let arch = architecture(machine: machine)
        var variant = ""
        switch arch {
        case "amd64":
            let level = amd64Level(flags: info.flags)
            variant = level > 1 ? "v\(level)" : ""
        case "arm":
            variant = armVariant(cpuArchitecture: info.cpuArchitecture, modelName: info.modelName,
                                 machine: machine) ?? "unknown"
        default:
            break
        }
        return Platform(os: "linux", architecture: arch, variant: variant).normalized
    }

    /// containerd `getCPUVariantFromArch`: `aarch64` → `8`, `armvN…` → `N` for N in 3…8.
    private static func armVariantNumber(machine: String) -> String? {
        let name = Array(machine.lowercased().utf8)
        if name == Array("aarch64".utf8) {
            return "8"
        }
        guard name.count >= 5, name.starts(with: "armv".utf8),
              (UInt8(ascii: "3")...UInt8(ascii: "8")).contains(name[4]) else {
            return nil
        }
        return String(UnicodeScalar(name[4]))
    }

    private static func words(_ text: String?) -> Set<String> {
        guard let text else {
            return []
        }
        return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isBlank($0) }),
              let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
