import Testing
import XArchAudit
import XArchModel

/// Kubernetes manifests read into workloads: every kind with a pod template, its three container lists,
/// the line of each `image:`, Lists, several documents, Helm output, JSON.
@Suite struct KubernetesParsingTests {
    static let podSpec = """
          nodeSelector:
            pool: graviton
          initContainers:
          - name: init
            image: busybox:1.36
          containers:
          - name: app
            image: example/app:1.0
          ephemeralContainers:
          - name: debug
            image: example/debug:1.0
        """

    /// Each workload kind, with the indentation its pod spec has in it.
    @Test(arguments: [
        ("Pod", "v1", "spec:\n", 0),
        ("Deployment", "apps/v1", "spec:\n  template:\n    spec:\n", 4),
        ("ReplicaSet", "apps/v1", "spec:\n  template:\n    spec:\n", 4),
        ("StatefulSet", "apps/v1", "spec:\n  template:\n    spec:\n", 4),
        ("DaemonSet", "apps/v1", "spec:\n  template:\n    spec:\n", 4),
        ("Job", "batch/v1", "spec:\n  template:\n    spec:\n", 4),
        ("ReplicationController", "v1", "spec:\n  template:\n    spec:\n", 4),
        ("CronJob", "batch/v1", "spec:\n  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n", 8),
        ("PodTemplate", "v1", "template:\n  spec:\n", 2),
    ] as [(String, String, String, Int)])
    func everyKindWithAPodTemplate(kind: String, apiVersion: String, path: String, indent: Int) throws {
        let spec = Self.podSpec.split(separator: "\n").map { String(repeating: " ", count: indent) + $0 }.joined(separator: "\n")
        let header = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata:\n  name: w\n  namespace: prod\n"
        let text = header + path + spec + "\n"
        let workloads = try AuditFixtures.workloads(text)
        let workload = try #require(workloads.first)
        #expect(workloads.count == 1)
        #expect(workload.kind == kind && workload.name == "w" && workload.namespace == "prod" && workload.apiVersion == apiVersion)
        #expect(workload.line == 2)
        #expect(workload.containers.map(\.name) == ["init", "app", "debug"])
        #expect(workload.containers.map(\.role) == [.initContainer, .container, .ephemeralContainer])
        #expect(workload.containers.map(\.image) == ["busybox:1.36", "example/app:1.0", "example/debug:1.0"])
        // The line of each `image:` field: 6 header lines + the path, then the spec's 5th, 8th and 11th lines.
        let base = 5 + path.split(separator: "\n").count
        #expect(workload.containers.map(\.line) == [base + 5, base + 8, base + 11])
        #expect(workload.containers.map(\.column) == Array(repeating: indent + 5, count: 3))
        #expect(workload.scheduling.nodeSelector == ["pool": "graviton"])
    }

    @Test func otherKindsAreSkippedSilently() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {selector: {app: web}}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {image: "nginx"}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: x.example.com}
            """
        #expect(try AuditFixtures.workloads(text).isEmpty)
    }

    @Test func helmTemplateOutput() throws {
        let workloads = try AuditFixtures.workloads(try AuditFixtures.text("helm-output.yaml"), file: "helm-output.yaml")
        #expect(workloads.map(\.displayName) == ["Deployment/shop", "Pod/shop-test-connection"])
        #expect(workloads[0].containers.map(\.image) == ["registry.example/shop/migrate:0.3.1", "registry.example/shop/web:0.3.1"])
        #expect(workloads[0].containers.map(\.line) == [43, 47])
        #expect(workloads[1].containers.map(\.line) == [63])
    }

    @Test func aListInJSON() throws {
        let workloads = try AuditFixtures.workloads(try AuditFixtures.text("list.json"), file: "list.json")
        #expect(workloads.map(\.displayName) == ["monitoring/DaemonSet/node-exporter"])
        let container = try #require(workloads.first?.containers.first)
        #expect(container.image == "quay.io/prometheus/node-exporter:v1.8.2" && container.line == 16)
        #expect(workloads.first?.scheduling.tolerations == [Toleration(operator: "Exists")])
    }

    @Test func kubectlListKindsAndEmptyDocuments() throws {
        let text = """
            # only a comment
            ---
            ---
            apiVersion: apps/v1
            kind: DeploymentList
            items:
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: a}
              spec: {template: {spec: {containers: [{name: c, image: "x:1"}]}}}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: b}
              spec: {template: {spec: {containers: [{name: c, image: "y:1"}]}}}
            """
        let workloads = try AuditFixtures.workloads(text)
        #expect(workloads.map(\.name) == ["a", "b"])
        #expect(workloads.map { $0.containers[0].line } == [10, 14])
    }

    @Test func anchorsAndMergeKeys() throws {
        let text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: anchored}
            spec:
              template:
                spec:
                  containers:
                  - &base
                    name: one
                    image: example/base:1
                  - <<: *base
                    name: two
                  - <<: *base
                    name: three
                    image: example/other:2
            """
        let containers = try #require(try AuditFixtures.workloads(text).first).containers
        #expect(containers.map(\.name) == ["one", "two", "three"])
        #expect(containers.map(\.image) == ["example/base:1", "example/base:1", "example/other:2"])
        #expect(containers.map(\.line) == [10, 10, 15], "a merged image is where the anchor wrote it")
    }

    @Test func requiredAffinityAndTolerations() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions:
                      - {key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}
                      - {key: spot, operator: DoesNotExist}
                    - matchExpressions:
                      - {key: pool, operator: NotIn, values: [edge]}
                      - {key: gpu, operator: Exists}
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 1
                    preference: {matchExpressions: [{key: pool, operator: In, values: [cheap]}]}
              tolerations:
              - {key: edge, operator: Equal, value: "true", effect: NoSchedule}
              containers: [{name: c, image: x}]
            """
        let scheduling = try #require(try AuditFixtures.workloads(text).first).scheduling
        #expect(scheduling.requiredTerms == [
            NodeSelectorTerm(matchExpressions: [
                NodeSelectorRequirement(key: "kubernetes.io/arch", operator: .in, values: ["amd64", "arm64"]),
                NodeSelectorRequirement(key: "spot", operator: .doesNotExist),
            ]),
            NodeSelectorTerm(matchExpressions: [
                NodeSelectorRequirement(key: "pool", operator: .notIn, values: ["edge"]),
                NodeSelectorRequirement(key: "gpu", operator: .exists),
            ]),
        ])
        #expect(scheduling.tolerations == [Toleration(key: "edge", operator: "Equal", value: "true", effect: .noSchedule)])
    }

    @Test(arguments: [
        ("kind: Pod\nspec:\n  containers: [\n", "broken.yaml:4: not YAML (did not find expected node content)"),
        ("a: b\n  c: d\n", "broken.yaml:2: not YAML"),
        ("just some text\n", "broken.yaml:1: not a Kubernetes manifest or compose file"),
        ("{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n", "it looks like a Helm template"),
    ])
    func notYAMLIsAOneLineErrorNamingTheFile(text: String, expected: String) throws {
        let error = try #require(throws: XArchError.self) { try AuditFixtures.workloads(text, file: "broken.yaml") }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.message.hasPrefix("broken.yaml"))
        #expect(!error.message.contains("\n"))
    }
}
