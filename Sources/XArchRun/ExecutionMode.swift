import XArchModel

/// How the sandbox runs a platform's programs, chosen per platform by `ExecutionModes` and reported.
///
/// Later work, not modelled yet: `binfmt-host` (kernels before 6.7, through an existing global
/// handler with the `F` flag) and `proot` (proot ≥ 5.3 only, reported as degraded).
public enum ExecutionMode: Sendable, Hashable, CustomStringConvertible {
    /// The host runs the platform itself (containerd's `Only` vector). `personality32`: a 32-bit
    /// platform on a 64-bit host (linux/386 on amd64), run with `PER_LINUX32` so `uname -m` says `i686`.
    case native(personality32: Bool)
    /// QEMU through a binfmt_misc private to a new user namespace (Linux ≥ 6.7): nothing global changes.
    case binfmtUserNamespace(QEMUEmulator)
    /// Cannot run here: why, and what would enable it.
    case skipped(reason: String)

    /// The name reported: `native`, `binfmt-userns`, `skipped`.
    public var name: String {
        switch self {
        case .native: "native"
        case .binfmtUserNamespace: "binfmt-userns"
        case .skipped: "skipped"
        }
    }

    public var description: String {
        switch self {
        case .native(let personality32): personality32 ? "native (32-bit personality)" : "native"
        case .binfmtUserNamespace(let emulator): "binfmt-userns (\(emulator.path))"
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

    public init(host: Platform, kernelRelease: String, userNamespaces: Bool, locator: QEMULocator) {
        self.host = host
        self.kernelRelease = kernelRelease
        self.userNamespaces = userNamespaces
        self.locator = locator
    }

    /// The first kernel with a binfmt_misc per user namespace.
    public static let binfmtUserNamespaceKernel = (major: 6, minor: 7)

    /// `native` when the host runs the platform; else `binfmt-userns` when the kernel has a binfmt_misc
    /// per user namespace, user namespaces work and a static QEMU is found; else `skipped`, saying why.
    public func mode(for platform: Platform) -> ExecutionMode {
        let wanted = platform.normalized
        guard wanted.os == "linux", host.os == "linux" else {
            return .skipped(reason: "only linux platforms run on a linux host (\(wanted.os) asked)")
        }
        if PlatformMatcher.only(host).matches(wanted) {
            let narrow = ["386": "amd64", "arm": "arm64"][wanted.architecture]
            return .native(personality32: narrow == host.architecture)
        }
        guard Self.kernel(kernelRelease, atLeast: Self.binfmtUserNamespaceKernel) else {
            return .skipped(reason: "kernel \(kernelRelease) has no binfmt_misc per user namespace: Linux 6.7 or "
                + "later is needed (a global binfmt handler, mode binfmt-host, is not supported yet)")
        }
        guard userNamespaces else {
            return .skipped(reason: "user namespaces are disabled (sysctl user.max_user_namespaces)")
        }
        switch locator.locate(wanted) {
        case .found(let emulator): return .binfmtUserNamespace(emulator)
        case .missing(let reason): return .skipped(reason: reason)
        }
    }

    /// Whether a release such as `6.18.44-fc` is at least `version`.
    static func kernel(_ release: String, atLeast version: (major: Int, minor: Int)) -> Bool {
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2 else { return false }
        return (numbers[0], numbers[1]) >= (version.major, version.minor)
    }
}
