import Foundation

/// SARIF 2.1.0 (OASIS, "Static Analysis Results Interchange Format"), the format code-scanning UIs read,
/// as Codable values: a `sarifLog` (§3.13) with one `run` (§3.14) whose tool driver lists every audit
/// rule as a `reportingDescriptor` (§3.49) and one `result` (§3.27) per finding, located at the line of
/// its `image:` field (`physicalLocation` §3.29, `region` §3.30, columns in Unicode code points).
extension AuditReport {
    /// The findings as a SARIF log, pretty-printed with sorted keys.
    public func sarif(toolVersion: String) throws -> String {
        let rules = AuditRule.all
        let results = findings.map { finding in
            SARIF.Result(
                ruleId: finding.rule, ruleIndex: rules.firstIndex { $0.id == finding.rule } ?? 0,
                level: finding.severity.sarifLevel, message: .init(text: Self.sarifMessage(finding)),
                locations: [.init(physicalLocation: .init(
                    artifactLocation: .init(uri: Self.uri(finding.file)),
                    region: .init(startLine: finding.line, startColumn: finding.column)))],
                properties: .init(kind: finding.kind, namespace: finding.namespace, name: finding.name,
                                  container: finding.container, image: finding.image, missing: finding.missing,
                                  fix: finding.fix))
        }
        let driver = SARIF.Driver(name: "xarch", version: toolVersion, informationUri: "https://github.com/xarch/xarch",
                                  rules: rules.map { rule in
            SARIF.Rule(id: rule.id, name: rule.id, shortDescription: .init(text: rule.title),
                       fullDescription: .init(text: rule.explanation),
                       defaultConfiguration: .init(level: rule.severity.sarifLevel))
        })
        let log = SARIF.Log(runs: [.init(tool: .init(driver: driver), results: results)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(log), as: UTF8.self) + "\n"
    }

    /// `Deployment web, container app, image busybox:1.36: no image for linux/arm64 …`.
    static func sarifMessage(_ finding: AuditFinding) -> String {
        var subject = "\(finding.kind) \(finding.namespace.map { "\($0)/" } ?? "")\(finding.name)"
        if let container = finding.container, finding.kind != "service" { subject += ", container \(container)" }
        if let image = finding.image { subject += ", image \(image)" }
        return "\(subject): \(finding.message)"
            + (finding.fix.map { ". Fix: \($0)" } ?? "")
    }

    /// A relative URI reference for a file path (§3.4.3): percent-encoded, standard input as `stdin`.
    static func uri(_ file: String) -> String {
        if file == "-" { return "stdin" }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        return file.addingPercentEncoding(withAllowedCharacters: allowed) ?? file
    }
}

extension AuditFinding.Severity {
    /// The SARIF 2.1.0 `level` (§3.27.10): `note`, `warning`, `error`.
    public var sarifLevel: String {
        switch self {
        case .info: "note"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// The SARIF 2.1.0 objects the audit writes (only the properties it uses).
enum SARIF {
    struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct Run: Encodable {
        var tool: Tool
        var columnKind = "unicodeCodePoints"
        var results: [Result]
    }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name: String
        var version: String
        var informationUri: String
        var rules: [Rule]
    }
    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var fullDescription: Message
        var defaultConfiguration: Configuration
    }
    struct Configuration: Encodable { var level: String }
    struct Message: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var properties: Properties
    }
    struct Location: Encodable { var physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }
    struct ArtifactLocation: Encodable { var uri: String }
    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int
    }
    /// A property bag (§3.8) with the workload the result is about.
    struct Properties: Encodable {
        var kind: String
        var namespace: String?
        var name: String
        var container: String?
        var image: String?
        var missing: [String]
        var fix: String?
    }
}
