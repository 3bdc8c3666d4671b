import ArgumentParser
import XArchRun

/// `xarch cache prune`: removes the root filesystems `xarch test` unpacked and cached.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Manage xarch's cache of unpacked root filesystems.",
        subcommands: [CachePruneCommand.self]
    )
}

/// `xarch cache prune`.
struct CachePruneCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove every cached root filesystem.",
        discussion: """
            `xarch test` unpacks each platform's layers once into $XDG_CACHE_HOME/xarch/rootfs (or \\
            ~/.cache/xarch/rootfs), keyed by the chain of layer digests, so a second test of the same image \\
            unpacks nothing. This removes all of them, and what interrupted unpacks left.
            """
    )

    @OptionGroup var output: FormatOption

    struct Report: Codable {
        var directory: String
        var removed: Int
    }

    func execute(_ context: CommandContext) async throws {
        let cache = try RootFilesystemCache.userDefault()
        let report = Report(directory: cache.directory, removed: try cache.prune())
        if output.format == .json { return try context.printJSON(report) }
        context.print("removed \(report.removed) cached root filesystem\(report.removed == 1 ? "" : "s") from \(report.directory)")
    }
}
