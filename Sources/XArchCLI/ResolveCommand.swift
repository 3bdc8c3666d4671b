import ArgumentParser
import XArch
import XArchModel

/// `xarch resolve REF --platform P [--explain]`.
struct ResolveCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print the digest a host of a platform would pull, ranked as containerd ranks.",
        discussion: "Exit 3 when no entry matches: that is the `exec format error` a node of that platform would hit, predicted before deploy. --explain lists every entry, accepted or rejected, with its rank and the reason."
    )

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: "The platform of the host that pulls, e.g. linux/arm64 or armhf (default: this host).")
    var platform: String?

    @Flag(name: .long, help: "List every entry with accepted/rejected, rank and reason.")
    var explain = false

    @Flag(name: .long, help: "Accept only the exact platform (containerd's OnlyStrict), no compatible variants.")
    var strict = false

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Image reference: NAME[:TAG][@DIGEST], docker://…, oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG].")
    var reference: String

    func execute(_ context: CommandContext) async throws {
        let location = try ImageLocation(parsing: reference)
        let requested = try platform.map { try Platform(parsing: $0) } ?? HostPlatform.detect()
        let report = try await registry.withSession {
            try await Resolution.resolve(location, platform: requested, strict: strict, session: $0)
        }
        if output.format == .json {
            try context.printJSON(report)
        } else if explain {
            printExplanation(report, context)
        } else if let selected = report.selected {
            context.print(selected.digest)
        }
        if report.selected == nil { throw Resolution.noMatch(report) }
    }

    private func printExplanation(_ r: ResolveReport, _ context: CommandContext) {
        context.print("resolving \(r.reference) for \(context.style(r.platform, .bold)) (\(r.matcher) matcher)")
        var table = Table("#", "PLATFORM", "DIGEST", "RESULT", "REASON")
        for c in r.candidates {
            let result = c.accepted ? context.style("rank \(c.rank ?? 0)", .green) : context.style("rejected", .red)
            table.add(String(c.position), TerminalText.field(c.platform?.formatted ?? "unknown"), c.descriptor.digest.description,
                      result, TerminalText.field(c.reason))
        }
        for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
        if r.attestations > 0 { context.print("(\(r.attestations) attestation entries skipped: they are not platforms)") }
        if let s = r.selected { context.print("selected: \(s.digest) (\(TerminalText.field(s.platform)))") }
    }
}
