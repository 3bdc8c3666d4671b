import XArchModel

/// What to run in the sandbox: a command in a root filesystem directory, with its exact environment
/// and identity, in the given execution mode.
public struct SandboxSpec: Sendable {
    /// Whether the command shares the host's network or gets a new network namespace with only `lo`.
    public enum Network: String, Sendable, Hashable {
        case none
        case host
    }

    /// Where the command's writes to its root filesystem go.
    public enum RootWrites: Sendable, Hashable {
        /// Into `rootfs` itself (a private, temporary tree).
        case direct
        /// Into an overlay on `rootfs` whose upper layer is a tmpfs of the run: `rootfs` (a cached tree
        /// other runs share) is never written, and the writes vanish with the run.
        case discarded
        /// Into an overlay on `rootfs` whose upper layer stays in `directory`/upper after the run (the
        /// changes a RUN makes); `directory` must exist and be empty; it also receives `work/` and `root/`.
        case captured(directory: String)
    }

    /// The root filesystem directory (absolute). `proc`, `tmp` and `dev` are created in it as mount points
    /// when missing; everything mounted on them is private to the run.
    public var rootfs: String
    /// argv; a first word without `/` is searched in the `PATH` of `environment`.
    public var arguments: [String]
    /// The whole environment, `K=V` each; nothing else is added except `QEMU_CPU` under emulation
    /// (when the emulator has a CPU and the environment sets none).
    public var environment: [String]
    /// The working directory inside (created when missing).
    public var workingDirectory: String
    public var uid: UInt32
    public var gid: UInt32
    /// Extra groups (only with the identity or subordinate id mapping, see `IDMapping`).
    public var groups: [UInt32]
    public var hostname: String?
    public var network: Network
    public var rootWrites: RootWrites
    /// Directories stacked over `rootfs` in the overlay, bottom first: the upper layers of earlier runs
    /// (overlay format: whiteouts as 0/0 character devices, `user.overlay.opaque`) or trees of plain
    /// files. Needs `rootWrites` other than `.direct`.
    public var lowerLayers: [String] = []
    /// A mount made inside the root after entering it (RUN --mount): its target is created when missing
    /// (a directory, or an empty file for a file source), and resolved inside the root.
    public enum Mount: Sendable, Hashable {
        /// The host file or directory `source` (opened before entering the root) on `target`.
        case bind(source: String, target: String, readOnly: Bool)
        /// A tmpfs on `target`; `size` as mount(8) takes it (`64m`), nil: the kernel's default.
        case tmpfs(target: String, size: String?)
        /// `source` (relative, without symlinks: resolved in the tree beforehand) of a read-only overlay of
        /// `layers` (bottom first: a stage's or an image's directories) on `target`. Needs an overlay run.
        case layers([String], source: String, target: String)
    }

    /// Made in order, after entering the root.
    public var mounts: [Mount] = []
    /// Hears the command's output while it runs (`isError`: from stderr), in chunks as written, from a
    /// thread of the sandbox's own; nil: the output is only returned at the end (its tail).
    public var outputHandler: (@Sendable (_ isError: Bool, _ bytes: [UInt8]) -> Void)?
    /// A private tmpfs on `/tmp` (`xarch test`); false: `/tmp` is the image's own directory, whose
    /// writes belong to the run's changes (RUN in a build, as BuildKit does it).
    public var privateTemporaryDirectory = true
    public var mode: ExecutionMode
    /// After this, the whole run is killed (`SandboxResult.timedOut`).
    public var timeout: Duration?
    /// Whether the command reads this process's stdin; otherwise its stdin is `/dev/null`.
    public var keepStandardInput: Bool
    /// The bytes kept of stdout and of stderr each (the tail).
    public var outputLimit: Int

    public init(rootfs: String, arguments: [String], environment: [String] = [], workingDirectory: String = "/",
                uid: UInt32 = 0, gid: UInt32 = 0, groups: [UInt32] = [], hostname: String? = nil,
                network: Network = .none, rootWrites: RootWrites = .direct, mode: ExecutionMode = .native(personality32: false),
                timeout: Duration? = nil, keepStandardInput: Bool = false, outputLimit: Int = 1 << 20) {
        self.rootfs = rootfs
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.hostname = hostname
        self.network = network
        self.rootWrites = rootWrites
        self.mode = mode
        self.timeout = timeout
        self.keepStandardInput = keepStandardInput
        self.outputLimit = outputLimit
    }

    /// The spec file the C constructor reads: NUL-terminated `key=value` records (see
    /// `Sources/CXArchSandbox/spec.c`). `mapping`: how ids map (`IDMapping`). `scratch`: an empty directory
    /// for the overlay of `.discarded` writes.
    func encoded(mapping: IDMapping, scratch: String? = nil) throws -> [UInt8] {
        var records = ["version=1", "rootfs=\(rootfs)"]
        guard rootfs.hasPrefix("/"), workingDirectory.hasPrefix("/") else {
            throw XArchError(.invalidInput, "the sandbox needs an absolute root filesystem path and working directory")
        }
        guard !arguments.isEmpty else { throw XArchError(.invalidInput, "the sandbox was given no command") }
        records += arguments.map { "arg=\($0)" }
        var environment = environment
        switch mode {
        case .native(let personality32):
            if personality32 { records.append("personality=linux32") }
        case .binfmtUserNamespace(let emulator):
            records.append("binfmt=\(emulator.registration.line)")
            if let cpu = emulator.cpu, !environment.contains(where: { $0.hasPrefix("QEMU_CPU=") }) {
                environment.append("QEMU_CPU=\(cpu)")
            }
        case .binfmtHost(_, let cpu):
            if let cpu, !environment.contains(where: { $0.hasPrefix("QEMU_CPU=") }) {
                environment.append("QEMU_CPU=\(cpu)")
            }
        case .skipped(let reason):
            throw XArchError(.unsupported, "this platform cannot run here: \(reason)")
        }
        records += environment.map { "env=\($0)" }
        records += ["workdir=\(workingDirectory)", "uid=\(uid)", "gid=\(gid)"] + groups.map { "group=\($0)" }
        if let hostname { records.append("hostname=\(hostname)") }
        records.append("network=\(network.rawValue)")
        switch mapping {
        case .identity: records.append("map=identity")
        case .caller: records.append("map=self")
        case .subordinate(let ids):
            records += ["map=subid", "newuidmap=\(ids.newuidmap)", "newgidmap=\(ids.newgidmap)",
                        "uidmap=\(ids.uidMapArguments)", "gidmap=\(ids.gidMapArguments)"]
        }
        switch rootWrites {
        case .direct: break
        case .discarded:
            guard let scratch else { throw XArchError(.invalidInput, "the sandbox needs a scratch directory for the overlay") }
            records += try ["overlay=\(Self.overlayPath(scratch))", "overlay_upper=tmpfs"]
        case .captured(let directory):
            records += try ["overlay=\(Self.overlayPath(directory))", "overlay_upper=disk"]
        }
        if rootWrites != .direct { _ = try Self.overlayPath(rootfs) }
        guard lowerLayers.isEmpty || rootWrites != .direct else {
            throw XArchError(.invalidInput, "layers over the root filesystem need an overlay (rootWrites other than direct)")
        }
        records += try lowerLayers.map { "lower=\(try Self.overlayPath($0))" }
        if !privateTemporaryDirectory { records.append("tmp=image") }
        for mount in mounts {
            let fields: [String]
            switch mount {
            case .bind(let source, let target, let readOnly): fields = ["bind", source, target, readOnly ? "ro" : "rw"]
            case .tmpfs(let target, let size): fields = ["tmpfs", size ?? "", target, "rw"]
            case .layers(let layers, let source, let target):
                guard rootWrites != .direct, !layers.isEmpty else {
                    throw XArchError(.invalidInput, "a mount of layers needs an overlay run and at least one layer")
                }
                fields = ["layers", source.isEmpty ? "." : source, target, "ro",
                          try layers.reversed().map { try Self.overlayPath($0) }.joined(separator: ":")]
            }
            guard fields[2].hasPrefix("/"), !fields.contains(where: { $0.contains("\t") || $0.contains("\n") }) else {
                throw XArchError(.invalidInput, "a mount needs an absolute target and paths without tabs: \(fields[1]) on \(fields[2])")
            }
            records.append("mount=" + fields.joined(separator: "\t"))
        }
        var bytes: [UInt8] = []
        for record in records {
            guard !record.utf8.contains(0) else {
                throw XArchError(.invalidInput, "a sandbox argument, variable or path holds a NUL byte")
            }
            bytes += record.utf8
            bytes.append(0)
        }
        return bytes
    }

    /// `path` when overlayfs mount options can carry it (absolute, without `,`, `:` or `\`).
    static func overlayPath(_ path: String) throws -> String {
        guard path.hasPrefix("/"), !path.contains(where: { $0 == "," || $0 == ":" || $0 == "\\" }) else {
            throw XArchError(.unsupported, "\(path): an overlay cannot be mounted on a path holding ',', ':' or '\\' "
                + "(set XDG_CACHE_HOME and TMPDIR to plain paths, or use --no-cache)")
        }
        return path
    }
}
