import Testing
import XArchAudit
import XArchModel

/// nodeSelector, required nodeAffinity and tolerations against the nodes of the kubectl fixture.
@Suite struct SchedulingTests {
    static let nodes: [ClusterNode] = (try? ClusterNode.fromKubectl(AuditFixtures.text("kubectl-nodes.json"), file: "n")) ?? []

    /// The names (first word before `.`) of the fixture's nodes that admit the pod spec.
    static func admitted(_ podSpec: String) throws -> [String] {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" + podSpec + "\n  containers: [{name: c, image: x}]\n"
        let scheduling = try #require(try AuditFixtures.workloads(text).first).scheduling
        #expect(Self.nodes.count == 6)
        return Self.nodes.filter { scheduling.admits($0) }.map { String($0.name.prefix { $0 != "." }) }
    }

    static let workers = ["ip-10-0-1-21", "ip-10-0-2-37", "ip-10-0-3-17", "ip-10-0-3-18"]
    static let workersAndEdge = workers + ["pi-edge-1"]
    static let everyNode = ["cp-1"] + workersAndEdge
    static let controlPlaneAndWorkers = ["cp-1"] + workers
    static let amd64: [String] = ["ip-10-0-1-21", "ip-10-0-2-37"]
    static let arm64: [String] = ["ip-10-0-3-17", "ip-10-0-3-18"]
    static let none: [String] = []

    @Test(arguments: [
        ("  hostNetwork: false", workers),
        ("  nodeSelector: {kubernetes.io/arch: arm64}", arm64),
        ("  nodeSelector: {pool: general, kubernetes.io/os: linux}", amd64),
        ("  nodeSelector: {pool: gpu}", none),
        (affinity("{key: kubernetes.io/arch, operator: In, values: [amd64]}"), amd64),
        (affinity("{key: kubernetes.io/arch, operator: NotIn, values: [amd64]}"), arm64),
        (affinity("{key: pool, operator: Exists}"), workers),
        (affinity("{key: pool, operator: DoesNotExist}"), none),
        (affinity("{key: eks.amazonaws.com/nodegroup, operator: DoesNotExist}"), none),
        (affinity("{key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a]}"), ["ip-10-0-1-21", "ip-10-0-3-17"]),
        (affinity("{key: kubernetes.io/arch, operator: In, values: [arm64]}", "{key: pool, operator: In, values: [general]}"), none),
        ("  tolerations: [{key: edge, operator: Equal, value: \"true\", effect: NoSchedule}]", workersAndEdge),
        ("  tolerations: [{key: edge, operator: Equal, value: \"false\"}]", workers),
        ("  tolerations: [{key: edge, operator: Exists}]", workersAndEdge),
        ("  tolerations: [{key: edge, operator: Exists, effect: NoExecute}]", workers),
        ("  tolerations: [{operator: Exists}]", everyNode),
        ("  tolerations: [{operator: Exists}]\n  nodeSelector: {kubernetes.io/arch: arm}", ["pi-edge-1"]),
        ("  tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]", controlPlaneAndWorkers),
    ] as [(String, [String])])
    func whereAPodMayLand(podSpec: String, expected: [String]) throws {
        #expect(try Self.admitted(podSpec) == expected)
    }

    /// Terms are ORed; the expressions of one term are ANDed.
    @Test func termsAreOredExpressionsAnded() throws {
        let spec = """
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions: [{key: pool, operator: In, values: [graviton]}, {key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1b]}]
                    - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [ip-10-0-1-21.eu-west-1.compute.internal]}]
            """
        #expect(try Self.admitted(spec) == ["ip-10-0-1-21", "ip-10-0-3-18"])
    }

    static func affinity(_ expressions: String...) -> String {
        """
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions: [\(expressions.joined(separator: ", "))]
        """
    }

    /// With `--nodes`, only the platform labels are known: selectors on other labels are assumed to match.
    @Test func platformOnlyNodesAssumeOtherLabels() {
        let nodes = AuditFixtures.nodes("linux/amd64", "linux/arm64")
        let pool = Scheduling(nodeSelector: ["pool": "general"])
        #expect(nodes.filter { pool.admits($0) }.count == 2)
        let arm = Scheduling(nodeSelector: ["kubernetes.io/arch": "arm64", "pool": "general"])
        #expect(nodes.filter { arm.admits($0) }.map(\.name) == ["linux/arm64"])
        let notAmd = Scheduling(requiredTerms: [NodeSelectorTerm(matchExpressions: [
            NodeSelectorRequirement(key: "beta.kubernetes.io/arch", operator: .notIn, values: ["amd64"]),
            NodeSelectorRequirement(key: "spot", operator: .doesNotExist),
        ])])
        #expect(nodes.filter { notAmd.admits($0) }.map(\.name) == ["linux/arm64"])
    }

    @Test(arguments: [
        (NodeSelectorRequirement.Operator.gt, "7", "5", true), (.gt, "5", "5", false), (.lt, "3", "5", true),
        (.lt, "x", "5", false), (.gt, "7", "many", false),
    ] as [(NodeSelectorRequirement.Operator, String, String, Bool)])
    func gtAndLtCompareIntegers(op: NodeSelectorRequirement.Operator, value: String, bound: String, holds: Bool) {
        #expect(NodeSelectorRequirement(key: "k", operator: op, values: [bound]).holds(for: value) == holds)
    }

    /// A compose service's `platform:` lands on nodes that run it natively (an arm64 node runs arm/v7).
    @Test func composePlatformLandsWhereItRuns() {
        let nodes = AuditFixtures.nodes("linux/amd64", "linux/arm64", "linux/arm/v6")
        let v7 = Scheduling(platform: AuditFixtures.platform("linux/arm/v7"))
        #expect(nodes.filter { v7.admits($0) }.map(\.name) == ["linux/arm64"])
    }
}
