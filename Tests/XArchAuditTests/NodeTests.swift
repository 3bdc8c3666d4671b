import Testing
import XArchAudit
import XArchModel

/// Nodes from `--nodes` and from a `kubectl get nodes -o json` dump.
@Suite struct NodeTests {
    @Test func nodesFromPlatforms() {
        let nodes = AuditFixtures.nodes("linux/amd64", "linux/arm64", "linux/arm", "linux/arm/v7", "aarch64")
        #expect(nodes.map(\.name) == ["linux/amd64", "linux/arm64", "linux/arm/v7"], "normalized, each once")
        #expect(nodes[1].labels["kubernetes.io/arch"] == "arm64" && nodes[1].labels["kubernetes.io/os"] == "linux")
        #expect(nodes.allSatisfy { !$0.labelsComplete && $0.taints.isEmpty })
    }

    @Test func kubectlDumpWithPoolsLabelsAndTaints() throws {
        let nodes = try ClusterNode.fromKubectl(try AuditFixtures.text("kubectl-nodes.json"), file: "nodes.json")
        #expect(nodes.map(\.name) == [
            "cp-1", "ip-10-0-1-21.eu-west-1.compute.internal", "ip-10-0-2-37.eu-west-1.compute.internal",
            "ip-10-0-3-17.eu-west-1.compute.internal", "ip-10-0-3-18.eu-west-1.compute.internal", "pi-edge-1",
        ])
        #expect(nodes.map(\.platform.formatted) == ["linux/amd64", "linux/amd64", "linux/amd64", "linux/arm64", "linux/arm64", "linux/arm/v7"])
        #expect(nodes.map { $0.labels["pool"] } == [nil, "general", "general", "graviton", "graviton", "edge"])
        #expect(nodes[0].taints == [Taint(key: "node-role.kubernetes.io/control-plane", effect: .noSchedule)])
        #expect(nodes[5].taints == [Taint(key: "edge", value: "true", effect: .noSchedule),
                                    Taint(key: "slow-disk", effect: .preferNoSchedule)])
        #expect(nodes[5].labels["kubernetes.io/arch"] == "arm", "platform labels added from status.nodeInfo")
        #expect(nodes.allSatisfy { $0.labelsComplete })
    }

    @Test func aSingleNodeInYAML() throws {
        let text = """
            apiVersion: v1
            kind: Node
            metadata:
              name: n1
              labels: {kubernetes.io/os: linux, kubernetes.io/arch: s390x}
            """
        let nodes = try ClusterNode.fromKubectl(text, file: "n.yaml")
        #expect(nodes.map(\.platform.formatted) == ["linux/s390x"])
    }

    @Test func aNodeWithoutPlatformIsAnError() throws {
        let text = "kind: List\nitems:\n- kind: Node\n  metadata: {name: mystery}\n"
        let error = try #require(throws: XArchError.self) { try ClusterNode.fromKubectl(text, file: "n.json") }
        #expect(error.message.hasPrefix("n.json:3: node mystery has neither"))
        let empty = try #require(throws: XArchError.self) { try ClusterNode.fromKubectl("kind: List\nitems: []\n", file: "e.json") }
        #expect(empty.message.contains("holds no nodes"))
    }
}
