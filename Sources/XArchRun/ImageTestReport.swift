/// What `xarch test` found for one image: one result per platform, in index order (issue 12,
/// "The command"). Encoded as the JSON of `--format json`:
/// `{reference, digest, results: [{platform, digest, mode, emulator?, exitCode?, signal?,
/// durationSeconds, passed, skipped, reason?, stdout, stderr, tests?}], passed, failed, skipped}`;
/// `tests` only with a spec (`SpecTestResult`).
public struct ImageTestReport: Sendable, Hashable, Codable {
    /// The reference as written.
    public var reference: String
    /// The digest of the root manifest or index.
    public var digest: String
    /// One result per platform tested, in index order.
    public var results: [ImageTestResult]
    /// How many platforms passed, failed and were skipped.
    public var passed: Int
    public var failed: Int
    public var skipped: Int

    /// A report of `results`, the counts computed from them.
    public init(reference: String, digest: String, results: [ImageTestResult]) {
        self.reference = reference
        self.digest = digest
        self.results = results
        passed = results.filter { $0.status == .pass }.count
        failed = results.filter { $0.status == .fail }.count
        skipped = results.filter { $0.status == .skipped }.count
    }
}

/// The result of one platform.
public struct ImageTestResult: Sendable, Hashable, Codable {
    /// `pass`, `fail` or `skipped`.
    public enum Status: String, Sendable, Hashable {
        case pass, fail, skipped
    }

    /// The emulator a platform ran under (mode `binfmt-userns`).
    public struct Emulator: Sendable, Hashable, Codable {
        /// The static QEMU's absolute path.
        public var path: String
        /// The first line of its `--version`.
        public var version: String?
        /// The `QEMU_CPU` model the variant asks for.
        public var cpu: String?

        /// An emulator at `path`.
        public init(path: String, version: String?, cpu: String?) {
            self.path = path
            self.version = version
            self.cpu = cpu
        }
    }

    /// The platform, `linux/arm/v7`.
    public var platform: String
    /// The digest of the platform's image manifest.
    public var digest: String
    /// `native`, `binfmt-userns`, `skipped`, or `-` when the platform failed before a mode was chosen.
    public var mode: String
    public var emulator: Emulator?
    /// The command's exit code, when it exited.
    public var exitCode: Int32?
    /// The signal that killed it (`SIGKILL`), when one did.
    public var signal: String?
    /// Wall time of the command (zero when it did not run).
    public var durationSeconds: Double
    public var passed: Bool
    public var skipped: Bool
    /// Why it failed or was skipped.
    public var reason: String?
    /// The tail of the command's output (capped by `ImageTestOptions.outputLimit`).
    public var stdout: String
    public var stderr: String
    /// With a spec: one result per test that applies to the platform, in the spec's order (command
    /// tests, file existence, file content, metadata); nil without one. The platform passes when
    /// every test passed.
    public var tests: [SpecTestResult]?

    /// A result for `platform` that has not run yet: failed, with nothing more known.
    public init(platform: String, digest: String) {
        self.platform = platform
        self.digest = digest
        mode = "-"
        durationSeconds = 0
        passed = false
        skipped = false
        stdout = ""
        stderr = ""
    }

    /// `pass`, `fail` or `skipped`.
    public var status: Status { skipped ? .skipped : passed ? .pass : .fail }

    /// `exit N`, `signal NAME`, or `-` when the command did not run.
    public var outcome: String {
        if let signal { return "signal \(signal)" }
        if let exitCode { return "exit \(exitCode)" }
        return "-"
    }
}
