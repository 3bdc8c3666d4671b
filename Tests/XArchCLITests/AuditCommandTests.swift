import Foundation
import Testing
import XArchCLI
import XArchTestSupport

/// `xarch audit`, in-process (and once as a process, for standard input); against the real test registry.
@Suite("audit command")
struct AuditCommandTests {
    static func withFiles<T>(_ files: [String: String], _ body: (String) async throws -> T) async throws -> T {
        try await TestImages.withTemporaryDirectory("xarch-audit") { dir in
            for (name, text) in files {
                try text.write(toFile: "\(dir)/\(name)", atomically: false, encoding: .utf8)
            }
            return try await body(dir)
        }
    }

    @Test func usageErrors() async {
        #expect(await CLIRun.run("audit", "--nodes", "linux/amd64").code == 2)
        #expect(await CLIRun.run("audit", "k8s").code == 2, "nodes are needed")
        #expect(await CLIRun.run("audit", "k8s", "--nodes", "linux/amd64", "--nodes-from", "n.json").code == 2)
        #expect(await CLIRun.run("audit", "k8s", "--nodes", "linux/amd64", "--fix", "--format", "json").code == 2)
        #expect(await CLIRun.run("audit", "k8s", "--nodes", "linux/amd64", "--jobs", "0").code == 2)
        #expect(await CLIRun.run("audit", "k8s", "--nodes", "").code == 2)
        let bad = await CLIRun.run("audit", "k8s", "--nodes", "linux/amd64,linux/x/y/z")
        #expect(bad.code == 2 && bad.stderr.contains("--nodes: "), "\(bad.stderr)")
        let help = await CLIRun.run("audit", "--help")
        #expect(help.code == 0)
        for word in ["--nodes-from", "missing-platform", "unknown-image", "Exit 3", "--nodes-from <file>", "assumed to match"] {
            #expect(help.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test func unreadableInputsExitOne() async throws {
        try await Self.withFiles(["bad.yaml": "kind: Pod\nspec: [\n  - a\n b: c\n"]) { dir in
            let r = await CLIRun.run("audit", "--nodes", "linux/amd64", "\(dir)/bad.yaml")
            #expect(r.code == 1)
            #expect(r.stderr.hasPrefix("xarch: \(dir)/bad.yaml:"), "\(r.stderr)")
            #expect(r.stderr.contains("not YAML") && r.stderr.split(separator: "\n").count == 1)
            let missing = await CLIRun.run("audit", "--nodes", "linux/amd64", "\(dir)/nowhere")
            #expect(missing.code == 1 && missing.stderr == "xarch: \(dir)/nowhere: no such file or directory\n")
            let nodes = await CLIRun.run("audit", "--nodes-from", "\(dir)/bad.yaml", dir)
            #expect(nodes.code == 1 && nodes.stderr.contains("not YAML"))
        }
    }

    /// A registry that cannot be reached: the image is reported as unknown, the report is printed, and
    /// the exit code is 1 (the audit is incomplete), not 3.
    @Test func anUnreachableRegistryExitsOneAfterTheReport() async throws {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: \"127.0.0.1:1/x:1\"}]\n"
        try await Self.withFiles(["pod.yaml": pod]) { dir in
            let r = await CLIRun.run("audit", "--nodes", "linux/amd64", "\(dir)/pod.yaml")
            #expect(r.code == 1)
            #expect(r.stdout.hasPrefix("\(dir)/pod.yaml:5 Pod/p/c 127.0.0.1:1/x:1: cannot be looked up: cannot reach 127.0.0.1:1"), "\(r.stdout)")
            #expect(r.stderr.hasPrefix("xarch: the audit is incomplete: 1 image could not be looked up because the registry could not be reached"))
            let json = await CLIRun.run("audit", "--nodes", "linux/amd64", "--format", "json", "\(dir)/pod.yaml")
            #expect(json.code == 1 && json.stdout.contains("\"unreachable\" : true"))
        }
    }

    /// An amd64-only image and the 8-platform fixture, on amd64 and arm64 nodes.
    static func manifests(_ registry: String, amd64: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            spec:
              containers:
              - name: web
                image: \(registry)/fixtures/busybox:multi
              - name: metrics
                image: \(amd64)
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: typo}
        spec:
          containers:
          - name: app
            image: \(registry)/fixtures/busybox:no-such-tag

        """
    }

    /// The amd64 child of the fixture, pushed as a single-arch tag of a repository of its own.
    static func pushAmd64(_ registry: String) async throws -> String {
        let resolved = await CLIRun.run("resolve", "--platform", "linux/amd64", "\(registry)/fixtures/busybox:multi")
        let digest = resolved.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let target = "\(registry)/xarch-tests/audit-cli-\(UUID().uuidString.prefix(8).lowercased()):amd64"
        let copied = await CLIRun.run("copy", "\(registry)/fixtures/busybox@\(digest)", target)
        #expect(copied.code == 0, "\(copied.stderr)")
        return target
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func textJsonSarifAndFix() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let amd64 = try await Self.pushAmd64(registry)
        try await Self.withFiles(["app.yaml": Self.manifests(registry, amd64: amd64)]) { dir in
            let file = "\(dir)/app.yaml"
            let r = await CLIRun.run("audit", "--nodes", "linux/amd64,linux/arm64", file)
            #expect(r.code == 3)
            #expect(r.stdout == """
                \(file):11 shop/Deployment/web/metrics \(amd64): no image for linux/arm64, where it can be scheduled; it has linux/amd64
                  fix: Restrict Deployment web to kubernetes.io/arch in (amd64) with a required nodeAffinity (`xarch audit --fix` prints it), or publish \(amd64) for linux/arm64 too (a multi-platform image)
                \(file):19 Pod/typo/app \(registry)/fixtures/busybox:no-such-tag: cannot be looked up: manifest fixtures/busybox:no-such-tag not found in \(registry) (MANIFEST_UNKNOWN: manifest unknown)
                2 workloads, 3 images, 2 node platforms: 1 error, 1 warning

                """)
            #expect(r.stderr == "xarch: 2 findings at or above warning\n")

            let errors = await CLIRun.run("audit", "--nodes", "linux/amd64,linux/arm64", "--severity", "error", "--format", "json", file)
            #expect(errors.code == 3)
            let json = try #require(JSONSerialization.jsonObject(with: Data(errors.stdout.utf8)) as? [String: Any])
            let findings = try #require(json["findings"] as? [[String: Any]])
            #expect(findings.count == 1)
            #expect(findings.first?["line"] as? Int == 11 && findings.first?["missing"] as? [String] == ["linux/arm64"])
            #expect((json["images"] as? [[String: Any]])?.count == 3 && (json["workloads"] as? [Any])?.count == 2)

            let sarif = await CLIRun.run("audit", "--nodes", "linux/amd64,linux/arm64", "--format", "sarif", file)
            #expect(sarif.code == 3 && sarif.stdout.contains("\"version\" : \"2.1.0\"") && sarif.stdout.contains("\"startLine\" : 11"))

            let fix = await CLIRun.run("audit", "--nodes", "linux/amd64,linux/arm64", "--fix", file)
            #expect(fix.code == 3)
            #expect(fix.stdout.hasPrefix("# \(file):2 shop/Deployment/web: kubernetes.io/arch in (amd64)\n---\napiVersion: apps/v1\nkind: Deployment\n"))
            #expect(fix.stdout.hasSuffix("                operator: In\n                values:\n                - amd64\n"))
            #expect(fix.stderr.contains("\(file):11 shop/Deployment/web/metrics"))

            let amd64Only = await CLIRun.run("audit", "--nodes", "linux/amd64", "--severity", "error", file)
            #expect(amd64Only.code == 0, "\(amd64Only.stdout)")
            #expect(amd64Only.stdout == "2 workloads, 3 images, 1 node platform: no findings\n")
        }
    }

    /// `--nodes-from`: the arm64 pool is tainted; a workload that does not tolerate it never lands there.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func nodesFromAKubectlDump() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let amd64 = try await Self.pushAmd64(registry)
        func node(_ name: String, _ arch: String, taint: String) -> String {
            """
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "\(name)", "labels": {"kubernetes.io/arch": "\(arch)", "kubernetes.io/os": "linux", "pool": "\(arch)"}},
             "spec": {"taints": [\(taint)]}, "status": {"nodeInfo": {"architecture": "\(arch)", "operatingSystem": "linux"}}}
            """
        }
        let tainted = "{\"key\": \"arch\", \"value\": \"arm64\", \"effect\": \"NoSchedule\"}"
        let nodes = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [" + [
            node("x86-1", "amd64", taint: ""), node("x86-2", "amd64", taint: ""),
            node("arm-1", "arm64", taint: tainted), node("arm-2", "arm64", taint: tainted),
        ].joined(separator: ",\n") + "]}"
        let pod = { (tolerations: String) in
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  tolerations: \(tolerations)\n  containers: [{name: c, image: \"\(amd64)\"}]\n"
        }
        try await Self.withFiles(["nodes.json": nodes, "plain.yaml": pod("[]"),
                                  "tolerant.yaml": pod("[{key: arch, operator: Exists}]")]) { dir in
            let plain = await CLIRun.run("audit", "--nodes-from", "\(dir)/nodes.json", "\(dir)/plain.yaml")
            #expect(plain.code == 0, "\(plain.stdout)")
            #expect(plain.stdout == "1 workload, 1 image, 2 node platforms (4 nodes): no findings\n")
            let tolerant = await CLIRun.run("audit", "--nodes-from", "\(dir)/nodes.json", "\(dir)/tolerant.yaml")
            #expect(tolerant.code == 3)
            #expect(tolerant.stdout.contains(": no image for linux/arm64 (2 nodes: arm-1, arm-2), where it can be scheduled; it has linux/amd64\n"))
        }
    }

    /// `-` reads the manifests from standard input (the built executable, fed through a pipe).
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func standardInput() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let amd64 = try await Self.pushAmd64(registry)
        let process = Process()
        process.executableURL = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
        process.arguments = ["audit", "-", "--nodes", "linux/amd64,linux/arm64"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(Self.manifests(registry, amd64: amd64).utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        #expect(output.hasPrefix("-:11 shop/Deployment/web/metrics \(amd64): no image for linux/arm64"), "\(output)")
    }
}
