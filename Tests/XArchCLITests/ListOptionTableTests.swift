import ArgumentParser
import Testing
@testable import XArchCLI

/// Every option that takes a list, in every command (issue 18, users' option habits): `--x a,b` and
/// `--x a --x b` mean the same, before or after the positional arguments, and no option swallows a
/// positional argument. Parsed only (validation included), nothing runs.
@Suite("list options: comma lists and repetition, before and after the arguments")
struct ListOptionTableTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var command: [String]
        var option: String
        var positionals: [String]
        /// Options the command needs to validate, put first.
        var required: [String] = []
        var values = ["linux/amd64", "linux/arm64"]
        /// The option's occurrences and the positional arguments, read back from the parsed command.
        var read: @Sendable (any ParsableCommand) -> ([String], [String])?
        var testDescription: String { (command + [option]).joined(separator: " ") }
    }

    static let rows: [Row] = [
        Row(command: ["build"], option: "--platform", positionals: ["ctx"], required: ["--output", "oci:o:x"]) { ($0 as? BuildCommand).map { ($0.platform, [$0.context]) } },
        Row(command: ["build"], option: "--no-cache-filter", positionals: ["ctx"], required: ["--output", "oci:o:x", "--platform", "all"],
            values: ["base", "app"]) {
            ($0 as? BuildCommand).map { ($0.noCacheFilter, [$0.context]) } },
        Row(command: ["copy"], option: "--platform", positionals: ["oci:a:x", "oci:b:x"]) {
            ($0 as? CopyCommand).map { ($0.platform, [$0.source, $0.destination]) } },
        Row(command: ["index", "create"], option: "--platform", positionals: ["oci:s:1", "oci:s:2"], required: ["-t", "oci:d:x"]) {
            ($0 as? IndexCreateCommand).map { ($0.platform, $0.sources) } },
        Row(command: ["index", "create"], option: "--from-metadata", positionals: ["oci:s:1"], required: ["-t", "oci:d:x"],
            values: ["amd64.json", "arm64.json"]) { ($0 as? IndexCreateCommand).map { ($0.fromMetadata, $0.sources) } },
        Row(command: ["index", "add"], option: "--platform", positionals: ["oci:d:x", "oci:s:1"]) {
            ($0 as? IndexAddCommand).map { ($0.platform, [$0.target.destination] + $0.sources) } },
        Row(command: ["index", "remove"], option: "--platform", positionals: ["oci:d:x"]) {
            ($0 as? IndexRemoveCommand).map { ($0.platform, [$0.target.destination]) } },
        Row(command: ["index", "annotate"], option: "--platform", positionals: ["oci:d:x"], required: ["--os-version", "10.0"]) {
            ($0 as? IndexAnnotateCommand).map { ($0.platform, [$0.target.destination]) } },
        Row(command: ["index", "annotate"], option: "--os-features", positionals: ["oci:d:x"], required: ["--platform", "windows/amd64"],
            values: ["win32k", "f1"]) { ($0 as? IndexAnnotateCommand).map { ($0.osFeatures, [$0.target.destination]) } },
        Row(command: ["verify"], option: "--require", positionals: ["oci:d:x"]) { ($0 as? VerifyCommand).map { ($0.require, [$0.reference]) } },
        Row(command: ["verify"], option: "--platform", positionals: ["oci:d:x"]) { ($0 as? VerifyCommand).map { ($0.platform, [$0.reference]) } },
        Row(command: ["test"], option: "--platform", positionals: ["oci:d:x"]) { ($0 as? TestCommand).map { ($0.platform, [$0.reference]) } },
        Row(command: ["lint"], option: "--platform", positionals: ["Dockerfile", "other.Dockerfile"], required: ["--check-base"]) {
            ($0 as? LintCommand).map { ($0.platform, $0.files) } },
        Row(command: ["audit"], option: "--nodes", positionals: ["k8s.yaml", "compose.yaml"]) { ($0 as? AuditCommand).map { ($0.nodes, $0.paths) } },
        Row(command: ["inspect"], option: "--plain-http", positionals: ["r.example/x"], values: ["r.example", "s.example:5000"]) {
            ($0 as? InspectCommand).map { ($0.registry.plainHTTP, [$0.reference]) } },
        Row(command: ["copy"], option: "--insecure", positionals: ["oci:a:x", "r.example/x"], values: ["r.example", "s.example"]) {
            ($0 as? CopyCommand).map { ($0.registry.insecure, [$0.source, $0.destination]) } },
    ]

    @Test(arguments: rows)
    func commaListOrRepeatedBeforeOrAfterTheArguments(row: Row) throws {
        let comma = [row.option, row.values.joined(separator: ",")]
        let repeated = row.values.flatMap { [row.option, $0] }
        for form in [comma, repeated] {
            for arguments in [row.command + row.required + form + row.positionals, row.command + row.required + row.positionals + form] {
                let parsed = try XArchCommand.parseAsRoot(arguments)
                let (occurrences, positionals) = try #require(row.read(parsed), "\(arguments) parsed as \(type(of: parsed))")
                #expect(ListOption.values(occurrences) == row.values, "\(arguments)")
                #expect(positionals == row.positionals, "\(arguments): the option swallowed an argument")
            }
        }
    }

    @Test func itemsAreTrimmedAndEmptyOnesDropped() {
        #expect(ListOption.values(["a, b", ",c,", " "]) == ["a", "b", "c"])
    }
}
