import Foundation
import Testing
import XArch
import XArchAudit
import XArchModel
import XArchRegistry
import XArchTestSupport

/// `xarch audit` through the library against the real test registry: the busybox fixture index
/// (8 platforms) and its children pushed as single-arch tags.
@Suite("audit against the registry")
struct AuditIntegrationTests {
    /// The manifests of one realistic repository: every workload kind the issue names, digest references,
    /// Helm output, a List, a compose file with `.env` and `platform:`, and a missing image.
    static func writeManifests(_ dir: String, registry: String, repository: String, amd64Digest: String, indexDigest: String) throws {
        let multi = "\(registry)/\(BusyboxFixture.repository):\(BusyboxFixture.tag)"
        let single = "\(registry)/\(repository)"
        let files: [String: String] = [
            "k8s/deployments.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: everywhere, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: \(multi)
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: unpinned, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: \(single):1.35-amd64
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: pinned, namespace: shop}
                spec:
                  template:
                    spec:
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                            - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]
                      containers:
                      - name: app
                        image: \(single):1.35-amd64

                """,
            "k8s/statefulsets.yaml": """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: graviton-db}
                spec:
                  template:
                    spec:
                      nodeSelector: {kubernetes.io/arch: arm64}
                      containers:
                      - name: db
                        image: \(single):1.35-arm64v8
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: wrong-pool}
                spec:
                  template:
                    spec:
                      nodeSelector: {kubernetes.io/arch: arm64}
                      containers:
                      - name: db
                        image: \(single):1.35-amd64

                """,
            "k8s/cronjob.yaml": """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          initContainers:
                          - name: wait
                            image: \(single):1.35-armv7
                          containers:
                          - name: run
                            image: \(multi)

                """,
            "k8s/digests.yaml": """
                apiVersion: v1
                kind: Pod
                metadata: {name: by-child-digest}
                spec:
                  containers:
                  - {name: app, image: "\(registry)/\(BusyboxFixture.repository)@\(amd64Digest)"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: by-index-digest}
                spec:
                  containers:
                  - {name: app, image: "\(registry)/\(BusyboxFixture.repository)@\(indexDigest)"}

                """,
            "helm/rendered.yaml": """
                ---
                # Source: shop/templates/service.yaml
                apiVersion: v1
                kind: Service
                metadata: {name: shop}
                spec: {ports: [{port: 80}]}
                ---
                # Source: shop/templates/deployment.yaml
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: shop
                spec:
                  template:
                    spec:
                      containers:
                        - name: shop
                          image: "\(single):1.35-s390x"
                ---
                # Source: shop/templates/tests/test.yaml
                apiVersion: v1
                kind: Pod
                metadata: {name: shop-test}
                spec:
                  containers: [{name: t, image: "\(registry)/\(BusyboxFixture.repository):docker"}]

                """,
            "k8s/list.json": """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
                   "spec": {"template": {"spec": {"tolerations": [{"operator": "Exists"}],
                     "containers": [{"name": "agent", "image": "\(multi)"}]}}}},
                  {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
                   "spec": {"template": {"spec": {"containers": [{"name": "migrate", "image": "\(single):1.35-arm64v8"}]}}}}
                ]}

                """,
            "compose/compose.yaml": """
                services:
                  legacy:
                    image: ${REGISTRY}/\(repository):${LEGACY_TAG:-1.35-amd64}
                    platform: linux/amd64
                  web:
                    image: ${REGISTRY}/\(repository):${WEB_TAG}
                  frontend:
                    build: ./frontend
                  gone:
                    image: ${REGISTRY}/\(repository):no-such-tag

                """,
            "compose/.env": "REGISTRY=\(registry)\nWEB_TAG=from-dotenv\n",
        ]
        for (path, text) in files {
            let url = URL(fileURLWithPath: "\(dir)/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func exactlyTheExpectedWorkloadsAreFlagged() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = IT.unique("audit")
        try await TestImages.withTemporaryDirectory("xarch-audit") { dir in
            let report = try await IT.withSession { session in
                let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session)
                let (index, _) = try await BusyboxFixture.read(registry, session: session)
                let amd64 = try #require(pushed.first { $0.tag == "1.35-amd64" }).child.descriptor.digest
                try Self.writeManifests(dir, registry: registry, repository: repository, amd64Digest: amd64.description,
                                        indexDigest: index.descriptor.digest.description)
                let nodes = AuditSources.nodes(platforms: try ["linux/amd64", "linux/arm64", "linux/arm/v7"].map { try Platform(parsing: $0) })
                let options = Audit.Options(nodes: nodes, threshold: .info, environment: ["WEB_TAG": "1.35-amd64"])
                return try await Audit.audit(["\(dir)/k8s", "\(dir)/helm/rendered.yaml", "\(dir)/compose/compose.yaml"],
                                             options: options, session: session)
            }
            let flagged = report.findings.map { "\($0.rule) \($0.name)/\($0.container ?? "-") \($0.missing.joined(separator: ","))" }
            #expect(flagged == [
                "missing-platform nightly/wait linux/amd64",
                "missing-platform unpinned/app linux/arm64,linux/arm/v7",
                "missing-platform by-child-digest/app linux/arm64,linux/arm/v7",
                "missing-platform migrate/migrate linux/amd64,linux/arm/v7",
                "missing-platform wrong-pool/db linux/arm64",
                "missing-platform shop/shop linux/amd64,linux/arm64,linux/arm/v7",
                "missing-platform web/web linux/arm64,linux/arm/v7",
                "not-checkable frontend/frontend ",
                "unknown-image gone/gone ",
            ], "\(report.findings.map { "\($0.file):\($0.line) \($0.message)" })")
            // 16 workloads read (the Service skipped), 9 distinct references (compose's legacy and web
            // interpolate to the amd64 tag the Deployments name).
            #expect(report.workloads.count == 16)
            #expect(report.images.count == 9)
            // Lines: the `image:` field of each (deployments.yaml line 19: the unpinned one).
            let unpinned = try #require(report.findings.first { $0.name == "unpinned" })
            #expect(unpinned.file == "\(dir)/k8s/deployments.yaml" && unpinned.line == 19 && unpinned.column == 9)
            #expect(unpinned.available == ["linux/amd64"] && unpinned.resolved.keys.sorted() == ["linux/amd64"])
            // arm/v7 only: an arm64 node runs it (containerd's Only), an amd64 node does not.
            let wait = try #require(report.findings.first { $0.container == "wait" })
            #expect(wait.resolved.keys.sorted() == ["linux/arm/v7", "linux/arm64"])
            #expect(wait.resolved["linux/arm/v7"] == wait.resolved["linux/arm64"])
            // The compose file: the process environment won over .env (WEB_TAG), .env gave REGISTRY, a
            // default filled LEGACY_TAG; `platform: linux/amd64` pins legacy.
            #expect(report.findings.first { $0.name == "web" }?.image == "\(registry)/\(repository):1.35-amd64")
            #expect(!report.findings.contains { $0.name == "legacy" })
            let gone = try #require(report.findings.first { $0.name == "gone" })
            #expect(gone.severity == .warning && gone.message.contains("not found"))
            // Digest-pinned index: every node platform resolves to the child it pulls.
            #expect(!report.findings.contains { $0.name == "by-index-digest" })
            // --fix: a patch for each workload that runs on some node architecture but not all it can land on.
            #expect(report.patches.map(\.workload) == ["CronJob/nightly", "shop/Deployment/unpinned", "Pod/by-child-digest", "Job/migrate"])
            #expect(report.patches.map(\.summary) == ["kubernetes.io/arch in (arm64, arm)", "kubernetes.io/arch in (amd64)",
                                                      "kubernetes.io/arch in (amd64)", "kubernetes.io/arch in (arm64)"])
        }
    }

    /// The request budget, from the registry's own log: 50 references to 10 images cost one manifest GET
    /// per image, plus one config GET for each single-arch image (an image manifest names no platform;
    /// its config does) and none for the indexes (their entries name their platforms).
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_LOG"))
    func fiftyReferencesToTenImagesCostOneManifestGetEach() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let logPath = try Integration.require("XARCH_TEST_REGISTRY_LOG")
        let repository = IT.unique("audit-budget")
        let pushed = try await IT.withSession { session in
            try await IndexIT.pushPerArch(registry, repository: repository, session: session)
        }
        let images = pushed.map { "\(registry)/\(repository):\($0.tag)" }
            + ["multi", "docker"].map { "\(registry)/\(BusyboxFixture.repository):\($0)" }
        #expect(images.count == 10)
        var documents: [String] = []
        for i in 0..<25 {
            documents.append("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d\(i)}
                spec:
                  template:
                    spec:
                      initContainers: [{name: init, image: "\(images[i % 10])"}]
                      containers: [{name: app, image: "\(images[(i * 3 + 1) % 10])"}]
                """)
        }
        let options = IT.options()
        try await TestImages.withTemporaryDirectory("xarch-audit") { dir in
            let path = "\(dir)/many.yaml"
            try documents.joined(separator: "\n---\n").write(toFile: path, atomically: false, encoding: .utf8)
            let nodes = AuditSources.nodes(platforms: try ["linux/amd64", "linux/arm64"].map { try Platform(parsing: $0) })
            let report = try await IT.withSession(options) { session in
                try await Audit.audit([path], options: Audit.Options(nodes: nodes, jobs: 4), session: session)
            }
            #expect(report.workloads.flatMap(\.images).count == 50)
            #expect(report.images.count == 10)
        }
        let lines = try await AccessLog(path: logPath).settle(userAgent: options.userAgent) { $0.count >= 18 }
        let manifestGets = lines.filter { $0.method == "GET" && $0.path.contains("/manifests/") }
        let configGets = lines.filter { $0.method == "GET" && $0.path.contains("/blobs/sha256:") }
        #expect(manifestGets.count == 10 && Set(manifestGets.map(\.path)).count == 10, "\(manifestGets)")
        #expect(configGets.count == 8, "one per single-arch image: \(configGets)")
        #expect(lines.count == 18, "nothing more: \(lines.map(\.description))")
    }
}
