/// The result of one test of a spec (`xarch test --spec`) on one platform, in the JSON of
/// `--format json` under each platform's `tests`: `{name, kind, passed, skipped, reason?, exitCode?,
/// signal?, durationSeconds, stdout?, stderr?}`.
public struct SpecTestResult: Sendable, Hashable, Codable {
    /// What a test looks at.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A command run in the sandbox (`commandTests`, or the command line's, named `command`).
        case command
        /// A path in the root filesystem (`fileExistenceTests`).
        case fileExistence
        /// A file's content (`fileContentTests`).
        case fileContent
        /// The platform's image config (`metadataTest`).
        case metadata
    }

    /// The test's name in the spec (`metadata` for the metadata test).
    public var name: String
    public var kind: Kind
    public var passed: Bool
    /// The platform could not run here: the test was not run.
    public var skipped: Bool
    /// Everything that was wrong, or why it was skipped.
    public var reason: String?
    /// A command's exit code, when it exited.
    public var exitCode: Int32?
    /// The signal that killed a command (`SIGKILL`).
    public var signal: String?
    /// Wall time of the test.
    public var durationSeconds: Double
    /// The tail of a command's output (command tests only).
    public var stdout: String?
    public var stderr: String?

    /// A test that passed, or failed for `failures` (joined into `reason`).
    public init(name: String, kind: Kind, failures: [String], durationSeconds: Double = 0) {
        self.name = name
        self.kind = kind
        passed = failures.isEmpty
        skipped = false
        reason = failures.isEmpty ? nil : failures.joined(separator: "; ")
        self.durationSeconds = durationSeconds
    }

    /// A test not run because its platform was skipped.
    public init(name: String, kind: Kind, skipped reason: String) {
        self.init(name: name, kind: kind, failures: [])
        passed = false
        skipped = true
        self.reason = reason
    }

    /// `pass`, `fail` or `skipped`, as a platform's.
    public var status: ImageTestResult.Status { skipped ? .skipped : passed ? .pass : .fail }

    /// `exit N`, `signal NAME`, or `-` (not a command, or it did not run).
    public var outcome: String {
        if let signal { return "signal \(signal)" }
        if let exitCode { return "exit \(exitCode)" }
        return "-"
    }
}

extension SpecTestResult {
    /// A command test's result from how its command ended.
    init(name: String, outcome: CommandOutcome) {
        self.init(name: name, kind: .command, failures: outcome.failures, durationSeconds: outcome.durationSeconds)
        exitCode = outcome.exitCode
        signal = outcome.signal
        stdout = outcome.stdout
        stderr = outcome.stderr
    }
}
