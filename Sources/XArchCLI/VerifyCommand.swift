import ArgumentParser
import XArch
import XArchModel
import XArchVerify

/// `xarch verify REF [--require P,…] [--platform P,…]`.
struct VerifyCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove that every platform of an image really runs there (a CI gate).",
        discussion: "Checks that the required platforms are present, that each index entry's platform equals its config's, that attestations point at images of the index, and that every ELF (or PE) file of each platform's filesystem is built for that platform, with its loader present. Layers are streamed; a layer shared by platforms is read once. Exit 3 when a finding is an error."
    )

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: "Platforms that must be present (comma-separated or repeated), e.g. linux/amd64,linux/arm64.")
    var require: [String] = []

    @Option(name: .long, help: "Scan the content of these platforms only (comma-separated or repeated; default: all).")
    var platform: [String] = []

    @Option(name: .long, help: "Platform images scanned at once (default: the number of cores, at least 2).")
    var jobs: Int?

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Image reference: NAME[:TAG][@DIGEST], docker://…, oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG].")
    var reference: String

    func execute(_ context: CommandContext) async throws {
        let location = try ImageLocation(parsing: reference)
        var options = VerifyOptions(required: try ListOption.platforms(require), platforms: try ListOption.platforms(platform))
        if let jobs { options.concurrency = Swift.max(1, jobs) }
        let report = try await registry.withSession { try await Verification.verify(location, options: options, session: $0) }
        if output.format == .json {
            try context.printJSON(report)
        } else {
            VerifyOutput.print(report, context)
        }
        if !report.passed { throw Verification.failed(report) }
    }

    /// `linux/amd64,arm64` → platforms; nil or empty → none.
}
