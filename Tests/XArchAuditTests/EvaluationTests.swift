import Testing
import XArchAudit
import XArchModel

/// The judgement: images resolved per node platform with containerd's matcher, against the nodes each
/// workload can land on.
@Suite struct EvaluationTests {
    static let manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: unpinned}
        spec:
          template:
            spec:
              containers:
              - name: app
                image: example/amd64-only:1
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: pinned}
        spec:
          template:
            spec:
              nodeSelector: {kubernetes.io/arch: amd64}
              containers:
              - name: app
                image: example/amd64-only:1
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: multi}
        spec:
          template:
            spec:
              containers:
              - name: app
                image: example/multi:1
              - name: sidecar
                image: example/armv7:1
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly, namespace: ops}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  initContainers:
                  - name: fetch
                    image: example/gone:1
                  containers:
                  - name: run
                    image: example/multi:1
        """

    static let images: [String: ImageLookup] = [
        "example/amd64-only:1": AuditFixtures.image("linux/amd64"),
        "example/multi:1": AuditFixtures.index("linux/amd64", "linux/arm64", "linux/arm/v7"),
        "example/armv7:1": AuditFixtures.index("linux/arm/v7", "linux/amd64"),
        "example/gone:1": .unknown("manifest unknown"),
    ]

    @Test func exactlyTheWorkloadsThatCannotRunAreFlagged() throws {
        let workloads = try AuditFixtures.workloads(Self.manifests, file: "app.yaml")
        let nodes = AuditFixtures.nodes("linux/amd64", "linux/arm64")
        let report = AuditEvaluation.evaluate(workloads, nodes: nodes, images: Self.images)
        #expect(report.findings.map { "\($0.name)/\($0.container ?? "-") \($0.rule)" } == [
            "unpinned/app missing-platform", "nightly/fetch unknown-image",
        ])
        let missing = report.findings[0]
        #expect(missing.severity == .error && missing.line == 9 && missing.column == 9 && missing.file == "app.yaml")
        #expect(missing.missing == ["linux/arm64"])
        #expect(missing.resolved == ["linux/amd64": Digest.of(Array("image linux/amd64".utf8)).description])
        #expect(missing.available == ["linux/amd64"])
        #expect(missing.nodes == nil, "with --nodes there are no node names")
        #expect(missing.message == "no image for linux/arm64, where it can be scheduled; it has linux/amd64")
        #expect(missing.fix == "Restrict Deployment unpinned to kubernetes.io/arch in (amd64) with a required nodeAffinity (`xarch audit --fix` prints it), or publish example/amd64-only:1 for linux/arm64 too (a multi-platform image)")
        let unknown = report.findings[1]
        #expect(unknown.severity == .warning && unknown.namespace == "ops" && unknown.message == "cannot be looked up: manifest unknown")
        #expect(report.workloads.map(\.runsOn) == [["linux/amd64"], ["linux/amd64"], ["linux/amd64", "linux/arm64"], ["linux/amd64", "linux/arm64"]])
        #expect(report.images.map(\.reference) == Self.images.keys.sorted())
    }

    /// An arm64 node runs an arm/v7 image (containerd's Only); an arm/v6 node does not.
    @Test func compatibleVariantsCountAsRunnable() throws {
        let workloads = try AuditFixtures.workloads(Self.manifests, file: "app.yaml").filter { $0.name == "multi" }
        let report = AuditEvaluation.evaluate(workloads, nodes: AuditFixtures.nodes("linux/arm64", "linux/arm/v6"), images: Self.images)
        let findings = report.findings
        #expect(findings.map(\.container) == ["app", "sidecar"])
        #expect(findings.allSatisfy { $0.missing == ["linux/arm/v6"] })
        #expect(findings[1].resolved == ["linux/arm64": AuditFixtures.entryDigest("linux/arm/v7")])
    }

    @Test func nodeNamesWithKubectlNodes() throws {
        let nodes = try ClusterNode.fromKubectl(try AuditFixtures.text("kubectl-nodes.json"), file: "n")
        let workloads = try AuditFixtures.workloads(Self.manifests, file: "app.yaml").filter { $0.name == "unpinned" }
        let finding = try #require(AuditEvaluation.evaluate(workloads, nodes: nodes, images: Self.images).findings.first)
        #expect(finding.nodes == ["ip-10-0-3-17.eu-west-1.compute.internal", "ip-10-0-3-18.eu-west-1.compute.internal"])
        #expect(finding.message == "no image for linux/arm64 (2 nodes: ip-10-0-3-17.eu-west-1.compute.internal, ip-10-0-3-18.eu-west-1.compute.internal), where it can be scheduled; it has linux/amd64")
    }

    @Test func unschedulableWorkloads() throws {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {kubernetes.io/arch: s390x}\n  containers: [{name: c, image: example/multi:1}]\n"
        let report = AuditEvaluation.evaluate(try AuditFixtures.workloads(text), nodes: AuditFixtures.nodes("linux/amd64"), images: Self.images)
        #expect(report.findings.map(\.rule) == ["unschedulable"])
        #expect(report.findings[0].line == 2 && report.findings[0].container == nil)
        #expect(report.findings[0].message.contains("can be scheduled on none of the nodes (linux/amd64)"))
    }

    @Test func composeServices() throws {
        let text = """
            services:
              legacy:
                image: example/amd64-only:1
                platform: linux/amd64
              web:
                image: example/amd64-only:1
              v7:
                image: example/armv7:1
                platform: linux/arm/v7
              frontend:
                build: .
            """
        let workloads = try AuditFixtures.workloads(text, file: "compose.yaml")
        let images = Self.images
        let report = AuditEvaluation.evaluate(workloads, nodes: AuditFixtures.nodes("linux/amd64", "linux/arm64"), images: images)
        let errors = report.findings(atLeast: .warning)
        #expect(errors.map { "\($0.name) \($0.rule)" } == ["web missing-platform"], "frontend is info, below the default")
        #expect(errors[0].fix == "Publish example/amd64-only:1 for linux/arm64 too (a multi-platform image)")
        #expect(errors[0].message == "no image for linux/arm64, where it can be scheduled; it has linux/amd64")
        #expect(report.findings.count == 2)
        let build = try #require(report.findings.first { $0.rule == "not-checkable" })
        #expect(build.severity == .info && build.image == nil && build.line == 10)
        #expect(build.message == "has no image to check (only `build:`): it is built on the host that runs it")
        #expect(report.workloads.first { $0.name == "v7" }?.runsOn == ["linux/arm64"])
    }

    @Test func aComposePlatformNoNodeRunsIsUnschedulable() throws {
        let text = "services:\n  z:\n    image: example/multi:1\n    platform: linux/s390x\n"
        let report = AuditEvaluation.evaluate(try AuditFixtures.workloads(text), nodes: AuditFixtures.nodes("linux/amd64"), images: Self.images)
        #expect(report.findings.map(\.rule) == ["unschedulable"])
        #expect(report.findings[0].message.hasPrefix("asks for platform linux/s390x, which no node runs"))
    }

    /// An image found to offer a platform only through its config (no platform in the descriptor).
    @Test func entriesWithoutPlatformAreJudgedByTheirConfig() throws {
        let bare = Descriptor(mediaType: .ociManifest, digest: .of(Array("bare".utf8)), size: 10)
        let index = ImageIndex(mediaType: .ociIndex, manifests: [bare])
        let offered = ImagePlatforms(index: Descriptor(mediaType: .ociIndex, digest: .of(Array("i".utf8)), size: 1),
                                     entries: IndexEntries(index), configPlatforms: [bare.digest: AuditFixtures.platform("linux/arm64")], total: 1)
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n"
        let report = AuditEvaluation.evaluate(try AuditFixtures.workloads(text), nodes: AuditFixtures.nodes("linux/arm64", "linux/amd64"),
                                              images: ["x": .found(offered)])
        #expect(report.findings.first?.missing == ["linux/amd64"])
        #expect(report.findings.first?.resolved == ["linux/arm64": bare.digest.description])
    }
}
