import Foundation
import Testing
import XArchModel
@testable import XArchRun

/// Where a command's writes go (`SandboxSpec.RootWrites`) and which network it sees.
@Suite(.enabled(if: BusyboxRoot.canRun("amd64") && BusyboxRoot.mode("amd64") == .native(personality32: false),
                BusyboxRoot.reason("amd64")))
struct SandboxOverlayTests {
    /// Lists the root tree as `path mode` lines, to see that nothing in it changed.
    static func listing(_ root: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var lines: [String] = []
        while let name = enumerator?.nextObject() as? String {
            let attributes = (try? FileManager.default.attributesOfItem(atPath: root + "/" + name)) ?? [:]
            lines.append("\(name) \(attributes[.posixPermissions] ?? "-") \(attributes[.size] ?? "-")")
        }
        return lines.sorted()
    }

    @Test func discardedWritesNeverReachTheTree() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        try Data("original\n".utf8).write(to: URL(fileURLWithPath: root.path + "/keep"))
        let before = Self.listing(root.path)
        let script = "echo new > /new && echo changed > /keep && rm /bin/sh && mkdir -p /var/lib/x && busybox ls /bin && busybox cat /keep"
        let first = try await root.run("amd64", ["/bin/busybox", "sh", "-c", script]) { $0.rootWrites = .discarded }
        #expect(first.termination == .exited(0), "\(first.standardErrorText)")
        #expect(first.standardOutputText == "busybox\nchanged\n", "the command sees its own writes")
        #expect(Self.listing(root.path) == before, "the shared tree must not change (not even proc/, tmp/, dev/)")
        #expect(try String(contentsOfFile: root.path + "/keep", encoding: .utf8) == "original\n")
        let second = try await root.run("amd64", ["/bin/busybox", "sh", "-c", "busybox ls / /bin; busybox cat /keep"]) {
            $0.rootWrites = .discarded
        }
        #expect(second.termination == .exited(0), "\(second.standardErrorText)")
        #expect(!second.standardOutputText.contains("new"), "a write of the first run survived: \(second.standardOutputText)")
        #expect(second.standardOutputText.hasSuffix("busybox\nsh\noriginal\n"), "\(second.standardOutputText)")
    }

    @Test func capturedWritesStayInTheUpperDirectory() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-capture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: capture, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: capture) }
        let before = Self.listing(root.path)
        let result = try await root.run("amd64", ["/bin/busybox", "sh", "-c", "echo made > /made; rm /bin/sh"]) {
            $0.rootWrites = .captured(directory: capture)
        }
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        #expect(Self.listing(root.path) == before)
        #expect(try String(contentsOfFile: capture + "/upper/made", encoding: .utf8) == "made\n")
        // overlayfs records the deletion as a whiteout: a 0/0 character device in the upper layer.
        let whiteout = try FileManager.default.attributesOfItem(atPath: capture + "/upper/bin/sh")
        #expect(whiteout[.type] as? FileAttributeType == .typeCharacterSpecial)
    }

    @Test func overlayRefusesPathsItsOptionsCannotCarry() async throws {
        let spec = SandboxSpec(rootfs: "/tmp/a,b", arguments: ["true"], rootWrites: .discarded)
        #expect(throws: XArchError.self) { try spec.encoded(mapping: .identity, scratch: "/tmp/s") }
        let fine = SandboxSpec(rootfs: "/tmp/ab", arguments: ["true"], rootWrites: .discarded)
        let text = String(decoding: try fine.encoded(mapping: .identity, scratch: "/tmp/s"), as: UTF8.self)
        #expect(text.contains("overlay=/tmp/s\0overlay_upper=tmpfs\0"))
    }

    /// Interfaces in /proc/net/dev: the run's own namespace has only `lo`; the host's has more.
    @Test func networkNoneHasOnlyLoopbackAndHostSharesTheHosts() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        func interfaces(_ network: SandboxSpec.Network) async throws -> [String] {
            let result = try await root.run("amd64", ["/bin/busybox", "cat", "/proc/net/dev"]) { $0.network = network }
            #expect(result.termination == .exited(0), "\(result.standardErrorText)")
            return result.standardOutputText.split(separator: "\n").dropFirst(2)
                .compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) }
        }
        #expect(try await interfaces(.none) == ["lo"])
        let host = (try? String(contentsOfFile: "/proc/net/dev", encoding: .utf8))?.split(separator: "\n").dropFirst(2)
            .compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) } ?? []
        #expect(try await interfaces(.host).sorted() == host.sorted())
    }

    /// A run's upper directory read as changes (whiteout, opaque directory, hard link, symlink), then
    /// stacked under a second run, which sees the first run's tree.
    @Test func upperChangesAndStackedLayers() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        try FileManager.default.createDirectory(atPath: root.path + "/d/old", withIntermediateDirectories: true)
        let first = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-upper-\(UUID().uuidString)").path
        let second = first + "-2"
        for directory in [first, second] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false) }
        defer { for directory in [first, second] { try? FileManager.default.removeItem(atPath: directory) } }
        let script = "rm /bin/sh && rm -rf /d && mkdir -p /d/new && echo hi > /f && ln /f /g && ln -s f /s && chmod 4755 /f"
        let run = try await root.run("amd64", ["/bin/busybox", "sh", "-c", script]) { $0.rootWrites = .captured(directory: first) }
        #expect(run.termination == .exited(0), "\(run.standardErrorText)")
        let (changes, skipped) = try OverlayUpper.changes(in: first + "/upper")
        #expect(skipped.isEmpty)
        let byPath = Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0) })
        #expect(byPath["bin/sh"]?.kind == .whiteout)
        #expect(byPath["d"]?.kind == .directory(opaque: true), "rm -rf d; mkdir d makes d opaque")
        #expect(byPath["d/new"]?.kind == .directory(opaque: false))
        #expect(byPath["f"]?.kind == .regularFile && byPath["f"]?.size == 3 && byPath["f"]?.mode == 0o4755)
        #expect(byPath["g"]?.kind == .hardLink(target: "f"))
        #expect(byPath["s"]?.kind == .symbolicLink(target: "f"))
        #expect(changes.map(\.path) == changes.map(\.path).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })

        let stacked = try await root.run("amd64", ["/bin/busybox", "sh", "-c", "busybox ls / /d; busybox cat /g"]) {
            $0.rootWrites = .captured(directory: second)
            $0.lowerLayers = [first + "/upper"]
        }
        #expect(stacked.termination == .exited(0), "\(stacked.standardErrorText)")
        #expect(stacked.standardOutputText == "/:\nbin\nd\ndev\nf\ng\nproc\ns\ntmp\n\n/d:\nnew\nhi\n", "\(stacked.standardOutputText)")
        #expect(try OverlayUpper.changes(in: second + "/upper").changes.allSatisfy { ["dev", "proc", "tmp"].contains($0.path) })
    }

    /// Mounts made inside the root: a host directory (read-write, as a cache), a host file read-only (as a
    /// secret), a tmpfs; their targets are created, and what is written through them stays out of the upper.
    @Test func mountsInsideTheRoot() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let host = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-mounts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: host + "/cache", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: host + "/capture", withIntermediateDirectories: true)
        try Data("s3cr3t".utf8).write(to: URL(fileURLWithPath: host + "/secret"))
        defer { try? FileManager.default.removeItem(atPath: host) }
        let script = "echo kept > /var/cache/x/file && busybox cat /run/secrets/token && (echo no > /run/secrets/token || echo read-only)"
            + " && echo gone > /scratch/f && busybox mount | busybox grep -c scratch"
        let result = try await root.run("amd64", ["/bin/busybox", "sh", "-c", script]) {
            $0.rootWrites = .captured(directory: host + "/capture")
            $0.mounts = [.bind(source: host + "/cache", target: "/var/cache/x", readOnly: false),
                         .bind(source: host + "/secret", target: "/run/secrets/token", readOnly: true),
                         .tmpfs(target: "/scratch", size: "1m")]
        }
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        #expect(result.standardOutputText == "s3cr3tread-only\n1\n", "\(result.standardOutputText)")
        #expect(try String(contentsOfFile: host + "/cache/file", encoding: .utf8) == "kept\n")
        let changes = try OverlayUpper.changes(in: host + "/capture/upper").changes
        let paths = Set(changes.map(\.path))
        #expect(paths.isSuperset(of: ["var/cache/x", "run/secrets/token", "scratch"]), "the mount points: \(paths)")
        #expect(!paths.contains("var/cache/x/file") && !paths.contains("scratch/f"))
        #expect(changes.first { $0.path == "run/secrets/token" }?.size == 0, "the secret's bytes never reach the upper")
    }
}
