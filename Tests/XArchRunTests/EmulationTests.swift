import Foundation
import Testing
import XArchModel
import XArchRun

/// Each platform's busybox, natively or under QEMU in a private binfmt_misc, prints its own machine;
/// the host's binfmt_misc stays as it was.
struct EmulationTests {
    @Test(.enabled(if: BusyboxRoot.canRun("amd64"), BusyboxRoot.reason("amd64"))) func amd64() async throws { try await check("amd64") }
    @Test(.enabled(if: BusyboxRoot.canRun("arm64"), BusyboxRoot.reason("arm64"))) func arm64() async throws { try await check("arm64") }
    @Test(.enabled(if: BusyboxRoot.canRun("armhf"), BusyboxRoot.reason("armhf"))) func armhf() async throws { try await check("armhf") }
    @Test(.enabled(if: BusyboxRoot.canRun("armel"), BusyboxRoot.reason("armel"))) func armel() async throws { try await check("armel") }
    @Test(.enabled(if: BusyboxRoot.canRun("i386"), BusyboxRoot.reason("i386"))) func i386() async throws { try await check("i386") }
    @Test(.enabled(if: BusyboxRoot.canRun("s390x"), BusyboxRoot.reason("s390x"))) func s390x() async throws { try await check("s390x") }
    @Test(.enabled(if: BusyboxRoot.canRun("ppc64el"), BusyboxRoot.reason("ppc64el"))) func ppc64el() async throws { try await check("ppc64el") }
    @Test(.enabled(if: BusyboxRoot.canRun("mips64el"), BusyboxRoot.reason("mips64el"))) func mips64el() async throws { try await check("mips64el") }

    /// `uname -m` of the architecture's busybox is its own, and the host's binfmt_misc is unchanged.
    private func check(_ arch: String) async throws {
        let root = try BusyboxRoot(arch)
        defer { root.remove() }
        let before = hostBinfmt()
        let result = try await root.run(arch, ["/bin/busybox", "uname", "-m"])
        let mode = BusyboxRoot.mode(arch)
        #expect(result.termination == .exited(0), "\(arch) in \(mode): \(result.standardErrorText)")
        #expect(result.standardOutputText == BusyboxRoot.table[arch]!.machine + "\n", "\(mode)")
        #expect(hostBinfmt() == before)
        #expect(!hostBinfmt().contains { $0.hasPrefix("qemu-") })
    }

    @Test func modesOnThisHost() {
        #expect(BusyboxRoot.mode("i386") == .native(personality32: true) || BusyboxRoot.modes.host.architecture != "amd64")
        if case .binfmtUserNamespace(let emulator) = BusyboxRoot.mode("armhf") {
            #expect(emulator.cpu == "cortex-a15")
            #expect(emulator.registration.flags == "FP")
            #expect(emulator.registration.interpreter == emulator.path)
            #expect(emulator.version?.hasPrefix("qemu-arm version") == true, "\(emulator.version ?? "nil")")
        }
    }

    /// The Pi Zero check: ARMv7 code on an ARMv6 CPU dies with SIGILL.
    @Test(.enabled(if: BusyboxRoot.emulator("armhf") != nil, BusyboxRoot.reason("armhf")))
    func armv7CodeOnArm1176DiesWithSIGILL() async throws {
        let root = try BusyboxRoot("armhf")
        defer { root.remove() }
        var emulator = try #require(BusyboxRoot.emulator("armhf"))
        emulator.cpu = "arm1176"
        let result = try await root.run("armhf", ["/bin/busybox", "true"]) { $0.mode = .binfmtUserNamespace(emulator) }
        #expect(result.status == 132, "\(result.standardErrorText)")
        #expect(result.termination == .signaled(4))
        #expect(result.termination.description == "signal SIGILL")
    }
}
