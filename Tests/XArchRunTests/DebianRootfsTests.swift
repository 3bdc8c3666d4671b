import Foundation
import Testing
import XArchLayout
import XArchModel
import XArchRun
import XArchTestSupport

/// A real, dynamically linked root filesystem: the Debian bookworm arm64 and armhf image that
/// `scripts/fixtures` assembles from Debian packages (`scripts/lib/debian-rootfs.sh`, layout
/// `fixtures/layouts/debian-rootfs`, tag `debian`) is unpacked per platform and runs bash, ls and perl
/// through the dynamic loader, natively or under QEMU.
struct DebianRootfsTests {
    static let layoutPath = "\(Integration.fixturesRoot)/layouts/debian-rootfs"
    static let hasLayout = Integration.hasFixture("layouts/debian-rootfs/index.json")
    static let modes = ExecutionModes.detect()

    static let arm64 = Platform(os: "linux", architecture: "arm64", variant: "v8")
    static let armhf = Platform(os: "linux", architecture: "arm", variant: "v7")

    static func canRun(_ platform: Platform) -> Bool {
        guard hasLayout else { return false }
        if case .skipped = modes.mode(for: platform) { return false }
        return true
    }

    static func reason(_ platform: Platform) -> Comment {
        "needs \(layoutPath) (scripts/fixtures) and a way to run \(platform.formatted): \(modes.mode(for: platform))"
    }

    @Test(.enabled(if: hasLayout, "needs \(layoutPath) (scripts/fixtures)"))
    func indexHasBothPlatforms() async throws {
        let layout = try OCILayout.open(at: Self.layoutPath)
        let index = try #require(try await layout.manifest(.tag("debian")).index)
        let platforms = index.manifests.compactMap(\.platform).map(\.formatted).sorted()
        #expect(platforms == ["linux/arm/v7", "linux/arm64/v8"], "\(platforms)")
    }

    @Test(.enabled(if: canRun(arm64), reason(arm64)))
    func arm64RunsBashLsPerl() async throws { try await check(Self.arm64, machine: "aarch64") }

    @Test(.enabled(if: canRun(armhf), reason(armhf)))
    func armhfRunsBashLsPerl() async throws { try await check(Self.armhf, machine: "armv7l") }

    /// Unpacks the platform's image, runs `bash -c 'ls -l / && perl -e 1 && uname -m'` as its
    /// config would (Env PATH), and removes the tree.
    private func check(_ platform: Platform, machine: String) async throws {
        let layout = try OCILayout.open(at: Self.layoutPath)
        let index = try #require(try await layout.manifest(.tag("debian")).index)
        let entry = try #require(index.manifests.first { $0.platform?.normalized == platform.normalized },
                                 "no \(platform.formatted) in the index")
        let image = try #require(try await layout.manifest(.digest(entry.digest)).image)

        let (root, report) = try await RootFilesystem.unpackTemporary(image.layers, from: layout)
        defer { try? RootFilesystem.remove(root) }
        #expect(report.skipped.isEmpty, "\(report.skipped)")

        let mode = Self.modes.mode(for: platform)
        let spec = SandboxSpec(rootfs: root, arguments: ["/bin/bash", "-c", "ls -l / && perl -e 1 && uname -m"],
                               environment: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                               mode: mode, timeout: .seconds(120))
        let result = try await Sandbox().run(spec)
        #expect(result.termination == .exited(0),
                "\(platform.formatted) in \(mode): \(result.termination) \(result.sandboxFailure ?? "") \(result.standardErrorText)")
        let output = result.standardOutputText
        #expect(output.hasSuffix(machine + "\n"), "\(output)")
        #expect(output.contains("bin -> usr/bin"), "\(output)")
    }
}
