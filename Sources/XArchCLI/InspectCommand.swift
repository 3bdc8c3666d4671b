import ArgumentParser
import Foundation
import XArch
import XArchModel

/// `xarch inspect REF`.
struct InspectCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show an image or index: media type, digest, size, every platform and its attestations.",
        discussion: "Attestation entries (BuildKit's unknown/unknown provenance and SBOM manifests) are shown under the platform they describe, never as platforms. --format raw prints the manifest's exact bytes."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, raw }

    @Option(name: .long, help: "Output format: text, json or raw.")
    var format: Format = .text

    @Flag(name: .long, help: "Also list the referrers (signatures, SBOMs, attestations) of the image and of each platform.")
    var referrers = false

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Image reference: NAME[:TAG][@DIGEST], docker://…, oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG].")
    var reference: String

    func execute(_ context: CommandContext) async throws {
        let location = try ImageLocation(parsing: reference)
        let (report, root) = try await registry.withSession { try await Inspection.inspect(location, session: $0, referrers: referrers) }
        switch format {
        case .raw: context.stdout.write(String(decoding: root.bytes, as: UTF8.self))
        case .json: try context.printJSON(report)
        case .text: InspectText.print(report, context)
        }
    }
}

/// Human output of `xarch inspect`.
enum InspectText {
    /// Every value from the image or the registry goes through `TerminalText`.
    static func print(_ r: InspectReport, _ context: CommandContext) {
        let f = TerminalText.field
        context.print("\(context.style("Name:", .bold))       \(f(r.reference))")
        context.print("\(context.style("MediaType:", .bold))  \(f(r.mediaType))")
        context.print("\(context.style("Digest:", .bold))     \(r.digest)")
        context.print("\(context.style("Size:", .bold))       \(r.size)")
        if let image = r.image {
            context.print("\(context.style("Platform:", .bold))   \(f(image.platform))")
            context.print("\(context.style("Layers:", .bold))     \(image.layers)")
            context.print("\(context.style("Total:", .bold))      \(ByteCount.format(image.totalSize)) (config and layers, compressed)")
        }
        if let referrers = r.referrers {
            context.print()
            if referrers.isEmpty { context.print("referrers: none") }
            var table = Table("REFERRER", "DIGEST", "SIZE", "MEDIA TYPE")
            addReferrers(referrers, to: &table, indent: "")
            if !referrers.isEmpty {
                for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
            }
        }
        if let platforms = r.platforms {
            context.print()
            var table = Table("PLATFORM", "DIGEST", "SIZE", "MEDIA TYPE")
            for p in platforms {
                let name = p.platformSource == .config ? "\(p.platform) (from config)" : p.platform
                table.add(f(name), f(p.digest), String(p.size), f(p.mediaType))
                for a in p.attestations {
                    table.add("  └ attestation", f(a.digest), String(a.size), f(a.mediaType))
                }
                addReferrers(p.referrers ?? [], to: &table, indent: "  ")
            }
            for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
            let orphans = r.orphanAttestations ?? []
            if !orphans.isEmpty {
                context.print()
                context.print("attestations describing no entry of this index:")
                for a in orphans { context.print("  \(f(a.digest))  \(a.size)  \(f(a.mediaType))") }
            }
        }
    }
}

extension InspectText {
    /// One row per referrer (`└ ARTIFACT-TYPE`), then one per annotation (`KEY=VALUE`, in the last
    /// column, so long values do not widen the others), its own referrers indented below it.
    static func addReferrers(_ referrers: [InspectReport.Referrer], to table: inout Table, indent: String) {
        let f = TerminalText.field
        for r in referrers {
            table.add("\(indent)└ \(f(r.artifactType ?? "referrer"))", f(r.digest), String(r.size), f(r.mediaType))
            for (key, value) in (r.annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
                table.add("", "", "", "\(f(key))=\(f(value))")
            }
            addReferrers(r.referrers ?? [], to: &table, indent: indent + "  ")
        }
    }
}

/// Human-readable byte counts.
enum ByteCount {
    static func format(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }
}
