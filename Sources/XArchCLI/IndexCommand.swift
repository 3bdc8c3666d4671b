import ArgumentParser
import Foundation
import XArch
import XArchIndex
import XArchModel

/// `xarch index …`: assemble and edit multi-platform indexes.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Assemble and edit multi-platform image indexes (manifest lists).",
        discussion: """
            create merges per-platform images and indexes into one index; add, remove and annotate edit an \
            index in place (the result is written under the same tag, and the old digest printed). Children \
            are referenced by digest, never re-encoded, and are in the destination before the index is.
            """,
        subcommands: [IndexCreateCommand.self, IndexAddCommand.self, IndexRemoveCommand.self, IndexAnnotateCommand.self]
    )
}

extension IndexFormat: ExpressibleByArgument {}

/// What every edit takes: the index to edit, `--dry-run`, the registry options.
struct IndexEditTarget: ParsableArguments {
    @Flag(name: .long, help: "Print the index that would be written, and write nothing.")
    var dryRun = false

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "The index to edit: NAME[:TAG] or oci:PATH:TAG.")
    var destination: String

    var location: ImageLocation { get throws { try ImageLocation(parsing: destination) } }
}

/// Index-level annotations: `--annotation KEY=VALUE` and the OCI standard keys (annotations.md).
struct IndexAnnotationOptions: ParsableArguments {
    @Option(name: .customLong("annotation"), help: ArgumentHelp(
        "Set an index annotation (repeatable); an empty value removes the key.", valueName: "key=value"))
    var annotations: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "org.opencontainers.image.created: an RFC 3339 date-time, or `now`.", valueName: "date-time"))
    var created: String?

    @Option(name: .long, help: ArgumentHelp("org.opencontainers.image.source: the URL of the source code.", valueName: "url"))
    var source: String?

    @Option(name: .long, help: ArgumentHelp("org.opencontainers.image.revision: the source revision (commit).", valueName: "revision"))
    var revision: String?

    @Option(name: .customLong("image-version"), help: ArgumentHelp(
        "org.opencontainers.image.version: the version of the packaged software.", valueName: "version"))
    var imageVersion: String?

    /// The annotations these options set.
    func values(now: Date = Date()) throws -> [String: String] {
        var values = try IndexKeyValue.parse(annotations, option: "--annotation")
        if let created {
            values[AnnotationKey.created] = try IndexKeyValue.timestamp(created, now: now)
        }
        if let source { values[AnnotationKey.source] = source }
        if let revision { values[AnnotationKey.revision] = revision }
        if let imageVersion { values[AnnotationKey.version] = imageVersion }
        return values
    }
}

/// `KEY=VALUE` arguments and time stamps.
enum IndexKeyValue {
    static func parse(_ pairs: [String], option: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("\(option) \(pair): write KEY=VALUE")
            }
            values[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return values
    }

    /// `now` as RFC 3339 UTC, or the text when it is an RFC 3339 date-time.
    static func timestamp(_ text: String, now: Date) throws -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if text == "now" { return formatter.string(from: now) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard formatter.date(from: text) != nil || fractional.date(from: text) != nil else {
            throw ValidationError("--created \(text): write an RFC 3339 date-time such as 2024-05-01T12:00:00Z, or `now`")
        }
        return text
    }

    /// Platforms given as `P,P` or repeated.
    static func platforms(_ values: [String]) throws -> [Platform] {
        try ListOption.platforms(values)
    }
}

/// Human output of the index commands.
enum IndexSummary {
    static func print(_ r: IndexReport, _ context: CommandContext) {
        let f = TerminalText.field // platforms and sources come from indexes and registries
        let name = f("\(r.destination):\(r.tag)")
        if r.unchanged {
            context.print("\(name) is unchanged (\(r.digest)); nothing was written")
            return
        }
        let verb = r.operation == "create" ? "created" : "updated"
        context.print("\(r.dryRun ? "would have \(verb)" : verb) \(name)")
        let kind = r.mediaType == IndexFormat.docker.mediaType.rawValue ? "Docker manifest list" : "OCI index"
        context.print("  digest:    \(r.digest) (\(kind), \(r.size) bytes)")
        if let previous = r.previousDigest { context.print("  was:       \(previous)") }
        for entry in r.removed { context.print("  removed:   \(f(entry.platform)) \(entry.digest)") }
        var table = Table("PLATFORM", "DIGEST", "SOURCE")
        for entry in r.platforms {
            table.add(f(entry.platformSource == .config ? "\(entry.platform) (from config)" : entry.platform), entry.digest, f(entry.source))
            for attestation in entry.attestations { table.add("  └ attestation", attestation, "") }
        }
        for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print("  " + line) }
        if r.droppedAttestations > 0 { context.print("  left out: \(r.droppedAttestations) attestation entries") }
        if !r.dryRun, ["create", "add"].contains(r.operation) {
            let b = r.blobs, m = r.manifests
            if m == .init(), b == .init() {
                context.print("  children:  in \(r.destination) already (nothing to bring in)")
            } else {
                context.print("  children:  \(m.copied) manifests written, \(m.skipped) already there; blobs: \(b.copied) copied (\(ByteCount.format(b.bytesCopied))), \(b.mounted) mounted, \(b.skipped) already there")
            }
        }
        if let line = CopySummary.referrers(r.referrers) { context.print(line) }
        if let requests = r.requests, !requests.isEmpty {
            context.print("  requests:  " + requests.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        context.print(String(format: "  time:      %.2f s", r.durationSeconds))
    }

    /// A dry run prints the index's exact bytes on stdout and says what it is on stderr.
    static func output(_ r: IndexReport, format: OutputFormat, _ context: CommandContext) throws {
        if format == .json { return try context.printJSON(r) }
        if r.dryRun, !r.unchanged {
            context.stdout.write(r.document + "\n")
            context.stderr.write("dry run: \(r.destination):\(r.tag) would name \(r.digest) (\(r.size) bytes, \(r.platforms.count) platform\(r.platforms.count == 1 ? "" : "s")); nothing was written\n")
            return
        }
        print(r, context)
    }
}
