import XArchModel

/// One command a platform's test runs in a fresh sandbox run, and what passes: the command of
/// `xarch test`'s options (after `--`), or a command test of a spec. Both go through
/// `ImageTest.runCommand`: composed from the image config, the program checked against the platform,
/// run, judged.
struct CommandRun: Sendable {
    /// Replaces the image's Cmd; empty: the image's Cmd (unless `entrypoint` is set).
    var command: [String] = []
    /// Replaces the image's Entrypoint and drops its Cmd; nil: the image's Entrypoint.
    var entrypoint: [String]?
    /// `K=V` set last, in order.
    var environment: [String] = []
    /// Whether `$NAME` and `${NAME}` in the arguments and in `environment`'s values are replaced from
    /// the environment (a spec's, as CST does; never the command line's): see `ImageProcess`.
    var expandsVariables = false
    /// Name or uid, with `:group` or `:gid`; nil: the image's `USER`.
    var user: String?
    /// nil: the image's `WorkingDir`.
    var workingDirectory: String?
    /// nil: the mode's default.
    var timeout: Duration?
    var expectedExit: Int32 = 0
    /// Regular expressions stdout and stderr must (`expected…`) and must not (`excluded…`) match.
    var expectedOutput: [String] = []
    var excludedOutput: [String] = []
    var expectedError: [String] = []
    var excludedError: [String] = []

    /// The command of `xarch test`'s options: `--`, `--entrypoint` (empty clears it), `-e`, `--user`,
    /// `--timeout`, `--expect-exit`, `--expect-output`.
    init(_ options: ImageTestOptions) {
        command = options.command
        entrypoint = options.entrypoint.map { $0.isEmpty ? [] : [$0] }
        environment = options.environment
        user = options.user
        timeout = options.timeout
        expectedExit = options.expectedExit
        expectedOutput = options.expectedOutput.map { [$0] } ?? []
    }

    /// A spec's command test: argv = its `entrypoint` (none by default, as CST runs commands) +
    /// `command` + `args`; the spec's `globalEnvVars` then the test's `envVars`; `timeout` when the
    /// test gives none.
    init(_ test: TestSpec.CommandTest, globalEnvVars: [TestSpec.EnvVar], timeout: Duration?) {
        command = [test.command] + test.args
        entrypoint = test.entrypoint ?? []
        environment = (globalEnvVars + test.envVars).map { "\($0.key)=\($0.value)" }
        expandsVariables = true
        user = test.user
        workingDirectory = test.workdir
        self.timeout = test.timeout.map { .milliseconds(Int64(($0 * 1000).rounded())) } ?? timeout
        expectedExit = test.exitCode
        expectedOutput = test.expectedOutput
        excludedOutput = test.excludedOutput
        expectedError = test.expectedError
        excludedError = test.excludedError
    }
}

/// A platform ready to run: its unpacked tree, config, platform and mode, and the digest its
/// hostname is made from.
struct PlatformRun: Sendable {
    var tree: RootFilesystemCache.Entry
    var config: ContainerConfig?
    var platform: Platform
    var mode: ExecutionMode
    var digest: Digest
}

/// How a command ended, and everything that was wrong with it (nothing: it passed).
struct CommandOutcome: Sendable {
    var exitCode: Int32?
    var signal: String?
    /// Zero when it did not run.
    var durationSeconds: Double = 0
    var stdout = ""
    var stderr = ""
    var failures: [String] = []

    /// An outcome of a command that did not run, for `failure`.
    init(failure: String) {
        failures = [failure]
    }

    /// The outcome of a finished run: it passes when it exited with the expected code and its output
    /// matches what is expected and nothing excluded (`^` and `$` match at every line, as grep's do).
    init(_ run: SandboxResult, timeout: Duration, expecting command: CommandRun) {
        let (seconds, attoseconds) = run.duration.components
        durationSeconds = Double(seconds) + Double(attoseconds) / 1e18
        stdout = run.standardOutputText
        stderr = run.standardErrorText
        switch run.termination {
        case .exited(let code): exitCode = code
        case .signaled(let signal): self.signal = SandboxResult.signalName(signal)
        }
        if let failure = run.sandboxFailure {
            failures = ["the sandbox failed: \(failure)"]
        } else if run.timedOut {
            failures = ["timed out after \(timeout.components.seconds) s and was killed"]
        } else {
            if run.termination != .exited(command.expectedExit) {
                failures.append("\(run.termination), expected exit \(command.expectedExit)")
            }
            failures += SpecPattern.failures(expected: command.expectedOutput, excluded: command.excludedOutput, in: stdout, what: "stdout")
            failures += SpecPattern.failures(expected: command.expectedError, excluded: command.excludedError, in: stderr, what: "stderr")
        }
    }

    /// The failures as one sentence; nil when it passed.
    var reason: String? { failures.isEmpty ? nil : failures.joined(separator: "; ") }
}

extension ImageTestResult {
    /// Fills the command's part of a platform's result (`xarch test` without a spec).
    mutating func record(_ outcome: CommandOutcome) {
        durationSeconds = outcome.durationSeconds
        stdout = outcome.stdout
        stderr = outcome.stderr
        exitCode = outcome.exitCode
        signal = outcome.signal
        reason = outcome.reason
        passed = outcome.failures.isEmpty
    }
}

/// The regular expressions of tests: matched anywhere in the text, `^` and `$` at line ends (as grep;
/// CST's Go expressions anchor at the text's ends, so every match CST finds is found here too).
enum SpecPattern {
    /// Whether `pattern` (valid: checked when the spec was read) matches somewhere in `text`.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return text.contains(regex.anchorsMatchLineEndings())
    }

    /// One failure per expected pattern that does not match and per excluded pattern that does.
    static func failures(expected: [String], excluded: [String], in text: String, what: String) -> [String] {
        expected.filter { !matches($0, text) }.map { "\(what) does not match /\($0)/" }
            + excluded.filter { matches($0, text) }.map { "\(what) matches /\($0)/, which is excluded" }
    }
}

/// `$NAME` and `${NAME}` replaced from a `K=V` environment, as CST does in a spec's commands, variables
/// and paths; a name the environment does not hold is left as written (CST empties it), so that a
/// shell inside still sees `$1` or a variable the test sets.
enum SpecVariables {
    static func expand(_ text: String, in environment: [String]) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            let name: Substring
            let end: Substring.Index
            if after.first == "{", let close = after.firstIndex(of: "}") {
                name = after[after.index(after: after.startIndex)..<close]
                end = after.index(after: close)
            } else {
                name = after.prefix { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }
                end = name.endIndex
            }
            if let first = name.first, first == "_" || first.isLetter,
               let value = ImageProcess.value(String(name), in: environment) {
                out += value
            } else {
                out += rest[dollar..<end]
            }
            rest = rest[end...]
        }
        return out + rest
    }
}
