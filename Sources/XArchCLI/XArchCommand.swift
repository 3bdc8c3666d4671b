import ArgumentParser
import Foundation
import XArchModel

/// The `xarch` command: multi-platform OCI images, built once and deployed anywhere.
public struct XArchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "xarch",
        abstract: "Inspect, resolve and assemble multi-platform OCI images, without a daemon.",
        discussion: """
            References: `NAME[:TAG][@DIGEST]` or `docker://…` for a registry, `oci:PATH[:TAG|@DIGEST]` for an \
            OCI image layout on disk, `oci-archive:PATH[:TAG]` or `docker-archive:PATH[:NAME:TAG]` for an archive file.
            Exit codes: 0 success, 1 operational error, 2 usage error, 3 a check did not hold.
            """,
        version: XArchVersion.current,
        subcommands: [PlatformsCommand.self, PlatformCommand.self, InspectCommand.self, ResolveCommand.self, CopyCommand.self, IndexCommand.self, BuildCommand.self, VerifyCommand.self, TestCommand.self, CacheCommand.self, LayoutCommand.self, LintCommand.self, AuditCommand.self, DockerfileCommand.self, LoginCommand.self, LogoutCommand.self]
    )

    public init() {}

    /// Runs the command line and exits with xarch's exit codes (0 success, 1 operational error, 2 usage error, 3 a check did not hold).
    public static func runMain(arguments: [String]? = nil) async -> Never {
        Interrupts.install()
        let code = await run(arguments: arguments ?? Array(CommandLine.arguments.dropFirst()),
                             stdout: StandardOutput.shared, stderr: StandardError.shared)
        Foundation.exit(code)
    }

    /// Runs `arguments` and returns the exit code; output goes to the given streams. Used by tests.
    public static func run(arguments: [String], stdout: any TextSink, stderr: any TextSink) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            let code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if code == 0 { stdout.write(message + "\n"); return 0 }
            stderr.write(message + "\n")
            return ExitStatus.usage
        }
        do {
            let context = CommandContext(stdout: stdout, stderr: stderr)
            if let runnable = command as? any XArchRunnable {
                try await runnable.execute(context)
            } else if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                var sync = command
                try sync.run()
            }
            return 0
        } catch let error as XArchError {
            // `--debug` (or XARCH_DEBUG=1) shows every cause below the message, one per line.
            let debug = arguments.contains("--debug") || ProcessInfo.processInfo.environment["XARCH_DEBUG"] == "1"
            stderr.write("xarch: \(TerminalText.escaped(debug ? error.debugDescription : error.message))\n")
            return error.code == .checkFailed ? ExitStatus.checkFailed : ExitStatus.failure
        } catch let error as ExitCode {
            return error.rawValue
        } catch {
            let code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if code == 0 { stdout.write(message + "\n"); return 0 }
            stderr.write(message + "\n")
            return code == ExitCode.validationFailure.rawValue ? ExitStatus.usage : ExitStatus.failure
        }
    }
}

/// xarch's exit codes.
public enum ExitStatus {
    public static let failure: Int32 = 1
    public static let usage: Int32 = 2
    public static let checkFailed: Int32 = 3
}

/// The version printed by `xarch --version`.
public enum XArchVersion {
    public static let current = "0.1.0"
}

/// A command that writes through a `CommandContext`, so tests can capture its output.
protocol XArchRunnable {
    func execute(_ context: CommandContext) async throws
}
