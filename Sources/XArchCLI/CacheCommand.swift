import ArgumentParser
import Foundation
import XArchRun

/// `xarch cache prune`: removes the root filesystems `xarch test` and RUN unpacked, the RUN results
/// `xarch build` kept, and the directories of `RUN --mount=type=cache`.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Manage xarch's caches: unpacked root filesystems, RUN results, cache mounts.",
        subcommands: [CachePruneCommand.self]
    )
}

/// `xarch cache prune`.
struct CachePruneCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove every cached root filesystem, kept RUN result and cache mount.",
        discussion: """
            `xarch test` (and RUN in `xarch build`) unpack each platform's layers once into $XDG_CACHE_HOME/xarch/rootfs \\
            (or ~/.cache/xarch/rootfs), keyed by the chain of layer digests, so a second test of the same image \\
            unpacks nothing; `xarch build` keeps each RUN's result in xarch/build and the directories of \\
            RUN --mount=type=cache in xarch/mounts. This removes all of them, and what interrupted work left.
            """
    )

    @OptionGroup var output: FormatOption

    struct Report: Codable {
        /// The root filesystems.
        var directory: String
        var removed: Int
        /// Kept RUN results and cache mounts.
        var buildResults: Part
        var cacheMounts: Part
    }

    struct Part: Codable {
        var directory: String
        var removed: Int
    }

    func execute(_ context: CommandContext) async throws {
        let cache = try RootFilesystemCache.userDefault()
        let home = (cache.directory as NSString).deletingLastPathComponent
        func prune(_ name: String) throws -> Part {
            let directory = home + "/" + name
            return Part(directory: directory, removed: try RootFilesystemCache(directory: directory).prune())
        }
        let report = Report(directory: cache.directory, removed: try cache.prune(), buildResults: try prune("build"),
                            cacheMounts: try prune("mounts"))
        if output.format == .json { return try context.printJSON(report) }
        context.print("removed \(report.removed) cached root filesystem\(report.removed == 1 ? "" : "s") from \(report.directory)")
        context.print("removed \(report.buildResults.removed) kept RUN result\(report.buildResults.removed == 1 ? "" : "s") from \(report.buildResults.directory)")
        context.print("removed \(report.cacheMounts.removed) cache mount\(report.cacheMounts.removed == 1 ? "" : "s") from \(report.cacheMounts.directory)")
    }
}
