#if canImport(Glibc)
import Synchronization
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// Runs a short-lived helper program with a small stdin, collecting stdout and stderr, with a timeout.
///
/// The input is written into the stdin pipe before the program starts (it fits in the pipe buffer),
/// so a program that exits without reading cannot make the write fail with SIGPIPE. On timeout the
/// program's process group is killed (Foundation starts it as a group leader), which also stops
/// anything it started that still holds the output pipes.
enum CredentialHelperProcess {
    /// Exit status and output of a finished run.
    struct Result: Sendable {
        let status: Int32
        let stdout: Data
        let stderr: Data
    }

    /// Why a run produced no result.
    enum Failure: Error {
        case launch(any Error)
        case timedOut
        case inputTooLarge
    }

    /// The largest stdin accepted: well under the smallest pipe buffer (4 KiB is POSIX's PIPE_BUF;
    /// Linux and macOS buffer at least 16 KiB).
    static let maximumInput = 8 * 1024
    /// Output past this many bytes per stream is dropped.
    static let maximumOutput = 1024 * 1024
    /// How long to wait for the output pipes to close once the program has exited.
    static let drainGrace: TimeInterval = 2

    /// The first executable `program` in the directories of `searchPath` (`PATH` syntax); empty
    /// entries (the current directory) are skipped.
    static func locate(_ program: String, searchPath: String?) -> String? {
        let directories = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for directory in directories where directory.hasPrefix("/") {
            let candidate = (directory as NSString).appendingPathComponent(program)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, `input` on stdin, and waits at most `timeout` seconds.
    static func run(executable: String, arguments: [String], input: Data, environment: [String: String],
                    timeout: TimeInterval) throws -> Result {
        guard input.count <= maximumInput else { throw Failure.inputTooLarge }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        do {
            try stdin.fileHandleForWriting.write(contentsOf: input)
            try stdin.fileHandleForWriting.close()
        } catch {
            throw Failure.launch(error)
        }

        let exited = DispatchSemaphore(value: 0)
        let process = try launch {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = environment
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            process.terminationHandler = { _ in exited.signal() }
            return process
        }
        let drained = DispatchGroup()
        let out = OutputBuffer(), err = OutputBuffer()
        drain(stdout.fileHandleForReading, into: out, group: drained)
        drain(stderr.fileHandleForReading, into: err, group: drained)

        if exited.wait(timeout: .now() + timeout) == .timedOut {
            killGroup(process.processIdentifier)
            _ = exited.wait(timeout: .now() + drainGrace)
            _ = drained.wait(timeout: .now() + drainGrace)
            throw Failure.timedOut
        }
        _ = drained.wait(timeout: .now() + drainGrace)
        return Result(status: process.terminationStatus, stdout: out.data, stderr: err.data)
    }

    /// Starts `process`, trying up to three times: `exec` fails transiently with ETXTBSY while the
    /// program file is still open for writing somewhere (a helper being installed or updated).
    private static func launch(_ make: () -> Process) throws -> Process {
        var attempt = 0
        while true {
            let process = make()
            do {
                try process.run()
                return process
            } catch {
                attempt += 1
                guard attempt < 3 else { throw Failure.launch(error) }
                usleep(UInt32(50_000 * attempt))
            }
        }
    }

    /// SIGKILL to the process group led by `pid`, or to `pid` alone if it leads none.
    private static func killGroup(_ pid: pid_t) {
        guard pid > 0 else { return }
        if getpgid(pid) == pid {
            _ = killpg(pid, SIGKILL)
        } else {
            _ = kill(pid, SIGKILL)
        }
    }

    /// Reads `handle` to its end on a background thread.
    private static func drain(_ handle: FileHandle, into buffer: OutputBuffer, group: DispatchGroup) {
        group.enter()
        DispatchQueue.global().async {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
            }
            try? handle.close()
            group.leave()
        }
    }

    /// Bytes collected from one stream, capped at `maximumOutput`.
    private final class OutputBuffer: Sendable {
        private let bytes = Mutex(Data())

        func append(_ chunk: Data) {
            bytes.withLock { bytes in
                let room = CredentialHelperProcess.maximumOutput - bytes.count
                if room > 0 { bytes.append(chunk.prefix(room)) }
            }
        }

        var data: Data { bytes.withLock { $0 } }
    }
}
