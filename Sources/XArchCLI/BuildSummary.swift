import XArchBuild

/// The human summary of a build: one row per platform, then the index and where it went.
enum BuildSummary {
    static func print(_ report: BuildReport, _ context: CommandContext) {
        var table = Table("PLATFORM", "DIGEST", "SIZE", "LAYERS")
        for image in report.images {
            table.add(image.platform, image.digest, String(image.size), "\(image.layers) (\(image.newLayers) new)")
        }
        for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
        for (platform, reason) in report.skippedPlatforms.sorted(by: { $0.key < $1.key }) {
            // reasons name files of the build context: a hostile context's names must not reach the terminal raw
            context.stderr.write("skipped \(platform): \(TerminalText.escaped(reason))\n")
        }
        context.print()
        context.print("index \(report.digest) (\(Self.count(report.images.count, "platform")), \(Self.count(report.layersWritten, "new layer")) of \(Self.count(report.layerBytes, "byte")))")
        let attested = report.images.filter { $0.provenance != nil }.count
        if attested > 0 { context.print("provenance: SLSA v1 attestation for \(Self.count(attested, "platform")) (in the index, as BuildKit lays it out)") }
        for run in report.runs {
            let parts = [(run.ran, "ran"), (run.cached, "cached"), (run.shared, "shared")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            context.print("RUN on \(run.platform): \(run.how) — \(Self.count(run.ran + run.cached + run.shared, "RUN")) (\(parts.joined(separator: ", ")))")
        }
        if let v = report.verification {
            for finding in v.findings {
                let platform = finding.platform.map { " [\($0)]" } ?? ""
                context.stderr.write("warning\(platform) \(finding.kind): \(TerminalText.escaped(finding.message))\n")
            }
            let files = v.platforms.reduce(0) { $0 + $1.filesScanned }, elf = v.platforms.reduce(0) { $0 + $1.elfFiles }
            context.print("verified: \(count(v.platforms.count, "platform")), \(count(files, "file")) scanned (\(elf) ELF), \(count(v.warnings, "warning"))")
        }
        if let test = report.test {
            let modes = Dictionary(grouping: test.results, by: \.mode).map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
            context.print("tested: \(count(test.passed, "platform")) passed (\(modes)), \(test.skipped) skipped")
            for result in test.results where result.skipped {
                context.stderr.write("test skipped \(result.platform): \(TerminalText.escaped(result.reason ?? ""))\n")
            }
        }
        if let output = report.output { context.print("written to \(output.reference)") }
        for destination in report.pushed {
            let mounted = destination.blobsMounted > 0 ? ", \(destination.blobsMounted) mounted from the base image's repository" : ""
            context.print("pushed to \(destination.reference) (\(Self.count(destination.blobsCopied, "blob")) sent\(mounted))")
        }
        if let destination = report.pushedByDigest {
            let mounted = destination.blobsMounted > 0 ? ", \(destination.blobsMounted) mounted" : ""
            let what = report.metadata.mediaType.isIndex ? "index" : "image \(report.metadata.platforms.joined())"
            context.print("pushed by digest (\(what), no tag): \(destination.reference) (\(Self.count(destination.blobsCopied, "blob")) sent\(mounted))")
        }
        for name in report.unusedBuildArguments {
            context.stderr.write("warning: --build-arg \(name) was not used by any ARG\n")
        }
    }

    /// `1 platform`, `10 platforms`.
    static func count<N: BinaryInteger>(_ n: N, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
