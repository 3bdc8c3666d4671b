import Foundation

/// Runs a peer tool (skopeo, umoci, …) and returns its standard output.
public enum Peer {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let stderr: String
        public var description: String { "`\(command)` exited \(status): \(stderr)" }
    }

    public static func isInstalled(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(command: ([tool] + arguments).joined(separator: " "), status: process.terminationStatus,
                          stderr: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self)
    }

    /// As `run`, for async callers: the peer is waited for on a thread of its own, never on the
    /// cooperative pool (two tests blocking the pool's two threads on a 2-core machine stall every
    /// other test, their timers and their cancellations).
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) async throws -> String {
        let result = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments)
        guard result.code == 0 else {
            throw Failure(command: ([tool] + arguments).joined(separator: " "), status: result.code, stderr: result.stderr)
        }
        return result.stdout
    }
}
