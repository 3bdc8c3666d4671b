import Foundation
import XArchModel

/// What `xarch test` runs on each platform, and what counts as passing (issue 12, "The command").
public struct ImageTestOptions: Sendable {
    /// The platforms tested (containerd's `Any` matching, so `linux/arm64` selects `linux/arm64/v8`);
    /// empty: every platform of the index.
    public var platforms: [Platform] = []
    /// The arguments after `--`: they replace the image's Cmd.
    public var command: [String] = []
    /// `--entrypoint`: replaces the image's Entrypoint and drops its Cmd; empty clears the Entrypoint.
    public var entrypoint: String?
    /// `-e K=V` additions, applied last.
    public var environment: [String] = []
    /// `--user`: name or uid, with `:group` or `:gid`, resolved in the image; nil: the image's `USER`.
    public var user: String?
    /// Per platform; nil: 60 s native, 600 s emulated.
    public var timeout: Duration?
    /// The exit code that passes.
    public var expectedExit: Int32 = 0
    /// A regular expression stdout must contain a match of (`^` and `$` match at line ends, as in grep).
    public var expectedOutput: String?
    /// `--spec`: the tests run on every platform instead of the command (`ImageTest+Spec.swift`).
    public var spec: TestSpec?
    /// With `spec`: also run the command (`command`, `entrypoint`, `expectedExit`, `expectedOutput`) as a
    /// test named `command`; the command line sets it when one of those is given.
    public var commandWithSpec = false
    /// Unpack into a temporary tree, removed afterwards; the cache is neither read nor written.
    public var noCache = false
    /// `--network host`: share the host's network; otherwise only a loopback of the run's own.
    public var network: SandboxSpec.Network = .none
    /// `-i`: the command reads this process's stdin (then run one platform at a time); otherwise /dev/null.
    public var keepStandardInput = false
    /// Platforms run at once (at least 1).
    public var concurrency = ProcessInfo.processInfo.activeProcessorCount
    /// Bytes of stdout and of stderr kept (the tail).
    public var outputLimit = 64 * 1024

    /// The default timeout of a native run.
    public static let nativeTimeout = Duration.seconds(60)
    /// The default timeout of an emulated run (ten times the native one).
    public static let emulatedTimeout = Duration.seconds(600)

    /// Options that test every platform with the image's own command.
    public init() {}
}
