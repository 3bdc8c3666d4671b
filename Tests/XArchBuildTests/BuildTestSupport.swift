import Foundation
import XArch
@testable import XArchBuild
import XArchModel
import XArchRegistry
import XArchTestSupport

/// Builds small contexts and runs the planning step on them.
enum BuildFixture {
    /// A temporary context with `files` (path → content; a path ending in `*` is made executable).
    static func context(_ dockerfile: String, files: [String: String] = [:]) throws -> String {
        let dir = try TestImages.temporaryDirectory("build-context")
        try write(dockerfile, to: "\(dir)/Dockerfile")
        for (path, content) in files {
            let executable = path.hasSuffix("*")
            let clean = executable ? String(path.dropLast()) : path
            try write(content, to: "\(dir)/\(clean)")
            if executable {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/\(clean)")
            }
        }
        return dir
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static let buildPlatform = Platform(os: "linux", architecture: "amd64")

    /// Options for a build of `dir` for `platforms` (nil: all).
    static func options(_ dir: String, platforms: [String]?, args: [String: String] = [:],
                        target: String? = nil, output: String? = nil) throws -> BuildOptions {
        BuildOptions(context: dir, platforms: try platforms.map { try $0.map { try Platform(parsing: $0) } },
                     buildArguments: args, target: target,
                     output: try output.map { try LayoutReference(path: $0, tag: "latest") },
                     buildPlatform: buildPlatform, jobs: 2)
    }

    /// The planned final states, one per platform.
    static func plan(_ dockerfile: String, files: [String: String] = [:], platforms: [String]? = ["linux/amd64"],
                     args: [String: String] = [:], target: String? = nil) async throws -> BuildPlanner.Plan {
        let dir = try context(dockerfile, files: files)
        let work = try TestImages.temporaryDirectory("build-work")
        defer { TestImages.cleanup(dir); TestImages.cleanup(work) }
        let options = try options(dir, platforms: platforms, args: args, target: target)
        let parsed = try BuildPlanner.dockerfile(at: options.dockerfilePath)
        return try await withSession { session in
            let planner = BuildPlanner(options: options, stages: parsed,
                                       context: try BuildContext.open(dir, dockerfile: options.dockerfilePath),
                                       resolver: BaseImageResolver(resolver: StoreResolver(session: session)), spool: SpoolStore(directory: work))
            return try await planner.plan()
        }
    }

    /// The one planned state of a single-platform plan.
    static func state(_ dockerfile: String, files: [String: String] = [:], platform: String = "linux/amd64",
                      args: [String: String] = [:]) async throws -> StageState {
        let plan = try await plan(dockerfile, files: files, platforms: [platform], args: args)
        guard let state = plan.states.first else { throw XArchError(.notFound, "no state planned") }
        return state
    }

    /// Runs `body` with an anonymous session, shut down afterwards whatever happens.
    static func withSession<T>(_ body: (RegistrySession) async throws -> T) async throws -> T {
        let session = RegistrySession(options: RegistryOptions())
        let result: Result<T, any Error>
        do { result = .success(try await body(session)) } catch { result = .failure(error) }
        await session.shutdown()
        return try result.get()
    }
}

extension StageState {
    /// `Env` as a dictionary.
    var env: [String: String] {
        var out: [String: String] = [:]
        for pair in config.config?.env ?? [] {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }

    /// The paths of the entries of every new layer, in order.
    var newPaths: [[String]] { newLayers.map { $0.sorted.map(\.path) } }
}
