import ArgumentParser
import XArch
import XArchLayout

/// `xarch layout gc PATH [--dry-run] [--grace SECONDS]`.
struct LayoutGCCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove unreferenced blobs and the temporary files of killed writers from a layout.",
        discussion: """
            A blob is kept when index.json names it, or a manifest or index reachable from index.json does \
            (config, layers, children, subject). A .tmp-* file is a killed writer's leftover when no running \
            writer holds its lock. Blobs written in the last --grace seconds are kept, since a writer may be \
            about to name them in index.json. The layout's lock is held throughout, so index.json updates wait.
            """
    )

    @Argument(help: ArgumentHelp("The layout directory.", valueName: "oci:PATH|PATH"))
    var layout: String

    @Flag(name: .long, help: "List what would be removed; remove nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Keep blobs written less than this many seconds ago.", valueName: "seconds"))
    var grace: Double = 60

    @OptionGroup var output: FormatOption

    func validate() throws {
        guard grace >= 0, grace.isFinite else { throw ValidationError("--grace must be a number of seconds, 0 or more") }
        guard !layout.dropFirst(layout.hasPrefix("oci:") ? 4 : 0).isEmpty else { throw ValidationError("name the layout directory") }
    }

    func execute(_ context: CommandContext) async throws {
        let report = try LayoutGarbage.collect(layout, dryRun: dryRun, grace: grace)
        if output.format == .json { return try context.printJSON(report) }
        let verb = dryRun ? "would remove" : "removed"
        for blob in report.blobs { context.print("\(verb) blob \(blob.name) (\(blob.size) bytes)") }
        for file in report.temporaryFiles { context.print("\(verb) temporary file \(TerminalText.field(file.name)) (\(file.size) bytes)") }
        context.print("\(verb) \(report.blobs.count) unreferenced blob\(report.blobs.count == 1 ? "" : "s") and \(report.temporaryFiles.count) temporary file\(report.temporaryFiles.count == 1 ? "" : "s"), \(ByteCount.format(report.bytes)); kept \(report.blobsKept) blob\(report.blobsKept == 1 ? "" : "s")")
    }
}
