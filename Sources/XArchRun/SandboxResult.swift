/// How a sandboxed run ended.
public struct SandboxResult: Sendable {
    /// The command's end: `exited(N)`, or `signaled(N)` when the status was 128+N (the sandbox's init
    /// reports a signal death that way, as shells do).
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signaled(let signal): "signal \(SandboxResult.signalName(signal))"
            }
        }
    }

    public var termination: Termination
    /// The raw exit status of the sandbox process (the command's code, 128+N, or 125).
    public var status: Int32
    public var duration: Duration
    /// The timeout expired and the run was killed.
    public var timedOut: Bool
    /// Set when the sandbox itself failed (status 125 with its own message): the step and errno.
    public var sandboxFailure: String?
    /// The tail of stdout and stderr, at most `SandboxSpec.outputLimit` bytes each.
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]
    /// Whether output was cut to its tail.
    public var standardOutputTruncated: Bool
    public var standardErrorTruncated: Bool

    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }

    /// Linux signal names without `SIG`, by number; `SIG<N>` for the others.
    public static func signalName(_ signal: Int32) -> String {
        let names = ["HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
                     "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
                     "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"]
        return (1...names.count).contains(Int(signal)) ? "SIG" + names[Int(signal) - 1] : "SIG\(signal)"
    }

    /// The termination a status stands for: 128+N (N = 1…64) is signal N.
    public static func termination(status: Int32) -> Termination {
        (129...192).contains(status) ? .signaled(status - 128) : .exited(status)
    }
}
