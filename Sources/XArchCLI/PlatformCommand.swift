import ArgumentParser
import XArchModel

/// `xarch platform …`: work with platform specifiers.
struct PlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform",
        abstract: "Work with platform specifiers.",
        subcommands: [PlatformNormalizeCommand.self]
    )
}

/// `xarch platform normalize P…`: the canonical form of platform specifiers, as containerd normalizes.
struct PlatformNormalizeCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Print the canonical form of platform specifiers, one per line.",
        discussion: "Examples: aarch64 → linux/arm64, armhf → linux/arm/v7, x86_64 → linux/amd64, macos/arm64 → darwin/arm64."
    )

    @OptionGroup var output: FormatOption

    @Argument(help: "Platform specifiers such as linux/arm64, aarch64, armhf, windows(10.0.20348)/amd64.")
    var specifiers: [String]

    struct Entry: Codable {
        var input: String
        var normalized: String
        var platform: Platform
    }

    func validate() throws {
        if specifiers.isEmpty { throw ValidationError("Give at least one platform specifier, e.g. `xarch platform normalize aarch64`.") }
    }

    func execute(_ context: CommandContext) async throws {
        let entries = try specifiers.map { spec in
            let p = try Platform(parsing: spec).normalized
            return Entry(input: spec, normalized: p.formattedAll, platform: p)
        }
        if output.format == .json { return try context.printJSON(entries) }
        for e in entries { context.print(e.normalized) }
    }
}
