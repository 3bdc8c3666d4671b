import XArchModel

/// How the sandbox runs a platform's programs, chosen per platform by `ExecutionModes` and reported.
///
/// Not modelled: `proot` (the issue allows proot ≥ 5.3 only, reported as degraded; Debian ships 5.1,
/// which mistranslates `statx`).
public enum ExecutionMode: Sendable, Hashable, CustomStringConvertible {
    /// The host runs the platform itself (containerd's `Only` vector). `personality32`: a 32-bit
    /// platform on a 64-bit host (linux/386 on amd64), run with `PER_LINUX32` so `uname -m` says `i686`.
    case native(personality32: Bool)
    /// QEMU through a binfmt_misc private to a new user namespace (Linux ≥ 6.7): nothing global changes.
    case binfmtUserNamespace(QEMUEmulator)
    /// QEMU through a handler already registered in the host's global binfmt_misc with the `F` flag
    /// (kernels before 6.7, or no static QEMU here): xarch registers nothing. `cpu`: `QEMU_CPU`.
    case binfmtHost(BinfmtHandler, cpu: String?)
    /// Cannot run here: why, and what would enable it.
    case skipped(reason: String)

    /// The name reported: `native`, `binfmt-userns`, `skipped`.
    public var name: String {
        switch self {
        case .native: "native"
        case .binfmtUserNamespace: "binfmt-userns"
        case .binfmtHost: "binfmt-host"
        case .skipped: "skipped"
        }
    }

    /// Whether the platform's programs run under an emulator (the longer default timeout).
    public var isEmulated: Bool {
        switch self {
        case .binfmtUserNamespace, .binfmtHost: true
        case .native, .skipped: false
        }
    }

    public var description: String {
        switch self {
        case .native(let personality32): personality32 ? "native (32-bit personality)" : "native"
        case .binfmtUserNamespace(let emulator): "binfmt-userns (\(emulator.path))"
        case .binfmtHost(let handler, _): "binfmt-host (\(handler.name): \(handler.interpreter))"
        case .skipped(let reason): "skipped: \(reason)"
        }
    }
}

/// Chooses the execution mode of each platform on one host. Pure: the host facts are given (see
/// `ExecutionModes.detect`).
public struct ExecutionModes: Sendable {
    /// The host platform, as `HostCPUInfo.hostPlatform` computes it.
    public var host: Platform
    /// The kernel release, `uname -r`, e.g. `6.18.44`.
    public var kernelRelease: String
    /// Whether this process may create user namespaces.
    public var userNamespaces: Bool
    public var locator: QEMULocator
    /// The handlers of the host's global binfmt_misc (for `binfmt-host`).
    public var globalHandlers: [BinfmtHandler]
    /// Whether the probe ran the host's 32-bit companion (386 on amd64, arm on arm64); see `NativeProbe`.
    public var companionRuns: Bool
    /// `--qemu-cpu`: the CPU model per platform (nil: every emulated platform), replacing the variant's.
    public var cpuOverrides: [(platform: Platform?, cpu: String)]

    public init(host: Platform, kernelRelease: String, userNamespaces: Bool, locator: QEMULocator,
                globalHandlers: [BinfmtHandler] = [], companionRuns: Bool = true,
                cpuOverrides: [(platform: Platform?, cpu: String)] = []) {
        self.host = host
        self.kernelRelease = kernelRelease
        self.userNamespaces = userNamespaces
        self.locator = locator
        self.globalHandlers = globalHandlers
        self.companionRuns = companionRuns
        self.cpuOverrides = cpuOverrides
    }

    /// Parses one `--qemu-cpu` value: `CPU` for every emulated platform, or `PLATFORM=CPU`
    /// (`linux/arm/v6=arm1176`). The CPU may hold QEMU properties (`max,sve=off`).
    public static func cpuOverride(parsing text: String) throws -> (platform: Platform?, cpu: String) {
        if let equals = text.firstIndex(of: "="), text[..<equals].contains("/") {
            let cpu = String(text[text.index(after: equals)...])
            guard !cpu.isEmpty else { throw XArchError(.invalidInput, "--qemu-cpu \(text): no CPU after '='") }
            return (try Platform(parsing: String(text[..<equals])), cpu)
        }
        guard !text.isEmpty else { throw XArchError(.invalidInput, "--qemu-cpu needs a CPU model (see qemu-<arch>-static -cpu help)") }
        return (nil, text)
    }

    /// The CPU model for `platform`: the last matching `--qemu-cpu`, else the variant's.
    func cpu(for platform: Platform, default variantCPU: String?) -> String? {
        cpuOverrides.last { $0.platform.map { PlatformMatcher.any([$0]).matches(platform) } ?? true }?.cpu ?? variantCPU
    }

    /// The first kernel with a binfmt_misc per user namespace.
    public static let binfmtUserNamespaceKernel = (major: 6, minor: 7)

    /// `native` when the host runs the platform (containerd's `Only` vector, and for the 32-bit
    /// companion the probe); else `binfmt-userns` when the kernel has a binfmt_misc per user namespace,
    /// user namespaces work and a static QEMU is found; else `binfmt-host` when the host's global
    /// binfmt_misc has an enabled handler with the `F` flag for the platform; else `skipped`, saying why
    /// and what would enable it.
    public func mode(for platform: Platform) -> ExecutionMode {
        let wanted = platform.normalized
        guard wanted.os == "linux", host.os == "linux" else {
            return .skipped(reason: "only linux platforms run on a linux host (\(wanted.os) asked)")
        }
        guard userNamespaces else {
            return .skipped(reason: "user namespaces are disabled: the sandbox needs them "
                + "(sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, or an AppArmor userns restriction)")
        }
        let narrow = ["386": "amd64", "arm": "arm64"][wanted.architecture]
        let companion = narrow == host.architecture
        if PlatformMatcher.only(host).matches(wanted), !companion || companionRuns {
            return .native(personality32: companion)
        }
        var reasons: [String] = []
        if companion {
            reasons.append("this \(host.architecture) host does not execute \(wanted.architecture) programs itself (the probe failed)")
        }
        let located = locator.locate(wanted)
        if Self.kernel(kernelRelease, atLeast: Self.binfmtUserNamespaceKernel) {
            switch located {
            case .found(var emulator):
                emulator.cpu = cpu(for: wanted, default: emulator.cpu)
                return .binfmtUserNamespace(emulator)
            case .missing(let reason): reasons.append(reason)
            }
        } else {
            reasons.append("kernel \(kernelRelease) has no binfmt_misc per user namespace (Linux 6.7 or later), "
                + "and no global binfmt_misc handler with the F flag takes \(wanted.architecture) programs "
                + "(apt-get install qemu-user-static registers them)")
        }
        if let handler = globalHandler(for: wanted) {
            return .binfmtHost(handler, cpu: cpu(for: wanted, default: QEMUEmulator.cpu(for: wanted)))
        }
        if let architecture = QEMUEmulator.architecture(for: wanted),
           let broken = globalHandlers.first(where: { $0.enabled && !$0.fixesBinary && $0.name.contains(architecture) }) {
            reasons.append("the global binfmt handler \(broken.name) lacks the F flag, so its interpreter is not found inside the image")
        }
        return .skipped(reason: reasons.joined(separator: "; "))
    }

    /// An enabled global handler with the `F` flag that would take the platform's ELF programs.
    func globalHandler(for platform: Platform) -> BinfmtHandler? {
        guard let architecture = QEMUEmulator.architecture(for: platform),
              let header = locator.registration(architecture: architecture)?.magicBytes, !header.isEmpty else { return nil }
        return globalHandlers.first { $0.fixesBinary && $0.matches(header) }
    }

    /// Whether a release such as `6.18.44-fc` is at least `version`.
    static func kernel(_ release: String, atLeast version: (major: Int, minor: Int)) -> Bool {
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2 else { return false }
        return (numbers[0], numbers[1]) >= (version.major, version.minor)
    }
}
