import ArgumentParser

/// `xarch layout …`: maintenance of OCI image layouts on disk.
struct LayoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layout",
        abstract: "Maintain OCI image layouts on disk.",
        subcommands: [LayoutGCCommand.self]
    )
}
