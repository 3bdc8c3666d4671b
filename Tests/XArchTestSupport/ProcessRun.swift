import Foundation

/// A program run to its end from a thread of its own, so that waiting for it never holds a thread of the
/// cooperative pool (on a 2-core machine the pool has two: a test blocking one starves the others, and
/// their timers and cancellations come late).
public enum ProcessRun {
    /// What a run left: its exit status and its output.
    public struct Result: Sendable {
        public var code: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` with `arguments`, the environment of this process plus `environment`, and
    /// `input` on stdin (none: /dev/null).
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           input: String? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let process = Process()
                    process.executableURL = executable
                    process.arguments = arguments
                    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                    let output = Pipe(), errors = Pipe(), stdin = Pipe()
                    process.standardOutput = output
                    process.standardError = errors
                    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
                    try process.run()
                    if let input {
                        stdin.fileHandleForWriting.write(Data(input.utf8))
                        try stdin.fileHandleForWriting.close()
                    }
                    // stderr on a thread of its own: a full pipe must not stall the program.
                    let errorText = ErrorCollector(errors.fileHandleForReading)
                    let out = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: Result(code: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                                                          stderr: errorText.finish()))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// `sh -c script`.
    public static func shell(_ script: String, environment: [String: String] = [:]) async throws -> Result {
        try await run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: environment)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
