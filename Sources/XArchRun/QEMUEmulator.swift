import XArchModel

/// A QEMU user-mode emulator found on the host, ready for the sandbox's private binfmt_misc.
public struct QEMUEmulator: Sendable, Hashable {
    /// QEMU's name of the architecture, e.g. `aarch64`.
    public var architecture: String
    /// The static emulator's absolute path, e.g. `/usr/bin/qemu-aarch64-static`.
    public var path: String
    /// The first line of `--version`, e.g. `qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u16)`.
    public var version: String?
    /// The registration written to the private binfmt_misc (interpreter `path`, flags `FP`).
    public var registration: BinfmtRegistration
    /// The CPU model passed as `QEMU_CPU` (from the platform's variant, see `cpu(for:)`); nil: QEMU's
    /// default ("max", which runs code newer than the variant promises).
    public var cpu: String?

    public init(architecture: String, path: String, version: String?, registration: BinfmtRegistration, cpu: String?) {
        self.architecture = architecture
        self.path = path
        self.version = version
        self.registration = registration
        self.cpu = cpu
    }

    /// QEMU's architecture name for a platform, as BuildKit's `archutil` maps them: arm64 → aarch64,
    /// arm → arm, 386 → i386, amd64 → x86_64, ppc64le, s390x, riscv64, mips64le → mips64el,
    /// mips64 → mips64, loong64 → loongarch64. Nil for architectures QEMU user mode does not run.
    public static func architecture(for platform: Platform) -> String? {
        switch platform.normalized.architecture {
        case "arm64": return "aarch64"
        case "arm": return "arm"
        case "386": return "i386"
        case "amd64": return "x86_64"
        case "ppc64le": return "ppc64le"
        case "ppc64": return "ppc64"
        case "s390x": return "s390x"
        case "riscv64": return "riscv64"
        case "mips64le": return "mips64el"
        case "mips64": return "mips64"
        case "mipsle": return "mipsel"
        case "mips": return "mips"
        case "loong64": return "loongarch64"
        default: return nil
        }
    }

    /// The CPU model a variant promises, so that code newer than the label fails as it would on such a
    /// machine: arm/v5 → arm926, arm/v6 → arm1176 (Raspberry Pi 1 and Zero), arm/v7 → cortex-a15. Nil
    /// for the others (QEMU's default).
    public static func cpu(for platform: Platform) -> String? {
        let normalized = platform.normalized
        guard normalized.architecture == "arm" else { return nil }
        switch normalized.variant {
        case "v5": return "arm926"
        case "v6": return "arm1176"
        case "v7": return "cortex-a15"
        default: return nil
        }
    }
}
