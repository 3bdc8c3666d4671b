import Foundation
import Testing
import XArchModel
@testable import XArchRun

/// The pure parts: QEMU names, CPUs, binfmt lines, the mode chosen per platform, the spec file.
struct ModeTests {
    @Test(arguments: [
        ("linux/arm64", "aarch64"), ("linux/arm/v7", "arm"), ("linux/386", "i386"), ("linux/ppc64le", "ppc64le"),
        ("linux/s390x", "s390x"), ("linux/riscv64", "riscv64"), ("linux/mips64le", "mips64el"),
        ("linux/loong64", "loongarch64"), ("linux/amd64", "x86_64"),
    ])
    func qemuArchitecture(platform: String, expected: String) throws {
        #expect(QEMUEmulator.architecture(for: try Platform(parsing: platform)) == expected)
    }

    @Test(arguments: [("linux/arm/v5", "arm926"), ("linux/arm/v6", "arm1176"), ("linux/arm/v7", "cortex-a15"), ("linux/arm64", nil)])
    func cpuFollowsVariant(platform: String, expected: String?) throws {
        #expect(QEMUEmulator.cpu(for: try Platform(parsing: platform)) == expected)
    }

    @Test func debianLineIsRewrittenForTheSandbox() throws {
        let line = #":qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01:\xff\xff\xff\xff\xff\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF"#
        let parsed = try #require(BinfmtRegistration(line: line + "\n"))
        #expect(parsed.line == line)
        #expect(parsed.forSandbox(interpreter: "/usr/bin/qemu-aarch64-static").line
            == #":qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01:\xff\xff\xff\xff\xff\xff:/usr/bin/qemu-aarch64-static:FP"#)
        #expect(BinfmtRegistration(line: ":too:few:fields") == nil)
        #expect(BinfmtRegistration.builtin(qemuArchitecture: "s390x")?.magic.hasPrefix(#"\x7f\x45\x4c\x46\x02\x02"#) == true)
    }

    @Test func builtinTableAgreesWithDebian() throws {
        for arch in ["aarch64", "arm", "s390x", "ppc64le", "riscv64", "mips64el"] {
            let locator = QEMULocator(environment: [:])
            guard let fromFile = locator.registration(architecture: arch),
                  FileManager.default.fileExists(atPath: "/usr/lib/binfmt.d/qemu-\(arch).conf") else { continue }
            let builtin = try #require(BinfmtRegistration.builtin(qemuArchitecture: arch))
            #expect(builtin.magic.lowercased() == fromFile.magic.lowercased(), "\(arch)")
            #expect(builtin.mask.lowercased() == fromFile.mask.lowercased(), "\(arch)")
        }
    }

    @Test func modesOnAnAmd64Host() throws {
        let locator = QEMULocator(qemuDirectory: "/nonexistent", environment: ["PATH": "/nonexistent"])
        let modes = ExecutionModes(host: try Platform(parsing: "linux/amd64/v3"), kernelRelease: "6.18.44-fc",
                                   userNamespaces: true, locator: locator)
        #expect(modes.mode(for: try Platform(parsing: "linux/amd64")) == .native(personality32: false))
        #expect(modes.mode(for: try Platform(parsing: "linux/386")) == .native(personality32: true))
        guard case .skipped(let reason) = modes.mode(for: try Platform(parsing: "linux/arm64")) else {
            Issue.record("arm64 without QEMU must be skipped")
            return
        }
        #expect(reason.contains("apt-get install qemu-user-static"))
        let old = ExecutionModes(host: modes.host, kernelRelease: "6.1.0-28-amd64", userNamespaces: true, locator: locator)
        guard case .skipped(let kernelReason) = old.mode(for: try Platform(parsing: "linux/arm64")) else {
            Issue.record("arm64 on 6.1 must be skipped")
            return
        }
        #expect(kernelReason.contains("Linux 6.7"))
        #expect(modes.mode(for: try Platform(parsing: "windows/amd64")).name == "skipped")
    }

    @Test(arguments: [("6.7.0", true), ("6.18.44-fc-v1045", true), ("6.6.30", false), ("5.15.0", false), ("7.0", true), ("x", false)])
    func kernelVersion(release: String, expected: Bool) {
        #expect(ExecutionModes.kernel(release, atLeast: ExecutionModes.binfmtUserNamespaceKernel) == expected)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/qemu-aarch64-static"), "needs qemu-user-static"))
    func staticELFIsTold() {
        #expect(ELFInterpreter.linkage(ofFileAt: "/usr/bin/qemu-aarch64-static") == .staticExecutable)
        #expect(ELFInterpreter.linkage(ofFileAt: "/bin/sh") == .dynamic)
        #expect(ELFInterpreter.linkage(ofFileAt: "/etc/passwd") == .notELF)
    }

    @Test func specFile() throws {
        let emulator = QEMUEmulator(architecture: "arm", path: "/q", version: nil,
                                    registration: BinfmtRegistration(name: "qemu-arm", magic: "m", mask: "k", interpreter: "/q", flags: "FP"),
                                    cpu: "arm1176")
        let spec = SandboxSpec(rootfs: "/r", arguments: ["sh", "-c", "a=b"], environment: ["PATH=/bin"], uid: 5, gid: 6,
                               groups: [7], hostname: "h", mode: .binfmtUserNamespace(emulator))
        let text = String(decoding: try spec.encoded(mapping: .identity), as: UTF8.self)
        #expect(text.split(separator: "\0", omittingEmptySubsequences: false) == [
            "version=1", "rootfs=/r", "arg=sh", "arg=-c", "arg=a=b", "binfmt=:qemu-arm:M::m:k:/q:FP",
            "env=PATH=/bin", "env=QEMU_CPU=arm1176", "workdir=/", "uid=5", "gid=6", "group=7", "hostname=h",
            "network=none", "map=identity", "",
        ])
        var bad = spec
        bad.arguments = ["a\0b"]
        #expect(throws: XArchError.self) { try bad.encoded(mapping: .identity) }
    }
}

/// `binfmt-host`, the probe of the 32-bit companion, and `--qemu-cpu`.
struct HostHandlerModeTests {
    static let debianAarch64 = """
        enabled
        interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
        flags: POCF
        offset 0
        magic 7f454c460201010000000000000000000200b700
        mask ffffffffffffff00fffffffffffffffffeffffff
        """

    static let noQEMU = QEMULocator(qemuDirectory: "/nonexistent", environment: ["PATH": "/nonexistent"])

    @Test func handlerTextIsParsedAndMatched() throws {
        let handler = try #require(BinfmtHandler(name: "qemu-aarch64", contents: Self.debianAarch64))
        #expect(handler.enabled && handler.fixesBinary)
        #expect(handler.interpreter == "/usr/libexec/qemu-binfmt/aarch64-binfmt-P")
        let aarch64 = try #require(BinfmtRegistration.builtin(qemuArchitecture: "aarch64")).magicBytes
        let arm = try #require(BinfmtRegistration.builtin(qemuArchitecture: "arm")).magicBytes
        #expect(aarch64.count == 20 && aarch64.prefix(4) == [0x7f, 0x45, 0x4c, 0x46])
        #expect(handler.matches(aarch64))
        #expect(!handler.matches(arm))
        #expect(BinfmtHandler(name: "x", contents: "enabled\ninterpreter /x\nflags: \nextension .exe\n") == nil)
        let disabled = try #require(BinfmtHandler(name: "d", contents: Self.debianAarch64.replacingOccurrences(of: "enabled", with: "disabled")))
        #expect(!disabled.matches(aarch64))
    }

    @Test func hostHandlerServesOldKernelsAndHostsWithoutQEMU() throws {
        let handler = try #require(BinfmtHandler(name: "qemu-aarch64", contents: Self.debianAarch64))
        let old = ExecutionModes(host: try Platform(parsing: "linux/amd64"), kernelRelease: "6.1.0", userNamespaces: true,
                                 locator: Self.noQEMU, globalHandlers: [handler])
        #expect(old.mode(for: try Platform(parsing: "linux/arm64")) == .binfmtHost(handler, cpu: nil))
        #expect(old.mode(for: try Platform(parsing: "linux/arm64")).isEmulated)
        guard case .skipped(let reason) = old.mode(for: try Platform(parsing: "linux/s390x")) else {
            Issue.record("s390x has no handler and no QEMU: skipped")
            return
        }
        #expect(reason.contains("Linux 6.7") && reason.contains("apt-get install qemu-user-static"), "\(reason)")
        var withoutF = handler
        withoutF.flags = "PO"
        let broken = ExecutionModes(host: old.host, kernelRelease: "6.1.0", userNamespaces: true, locator: Self.noQEMU,
                                    globalHandlers: [withoutF])
        guard case .skipped(let why) = broken.mode(for: try Platform(parsing: "linux/arm64")) else {
            Issue.record("a handler without F cannot serve a chroot")
            return
        }
        #expect(why.contains("lacks the F flag"))
    }

    @Test func failedProbeMovesTheCompanionToEmulation() throws {
        let modes = ExecutionModes(host: try Platform(parsing: "linux/arm64"), kernelRelease: "6.1.0", userNamespaces: true,
                                   locator: Self.noQEMU, companionRuns: false)
        #expect(modes.mode(for: try Platform(parsing: "linux/arm64")) == .native(personality32: false))
        guard case .skipped(let reason) = modes.mode(for: try Platform(parsing: "linux/arm/v7")) else {
            Issue.record("arm/v7 on an arm64 host without AArch32 must not be native")
            return
        }
        #expect(reason.contains("does not execute arm programs itself"))
        let noUserNamespaces = ExecutionModes(host: modes.host, kernelRelease: "6.18.0", userNamespaces: false, locator: Self.noQEMU)
        #expect(noUserNamespaces.mode(for: modes.host).name == "skipped")
    }

    @Test func cpuOverrides() throws {
        #expect(try ExecutionModes.cpuOverride(parsing: "max").platform == nil)
        let one = try ExecutionModes.cpuOverride(parsing: "linux/arm/v6=arm1136")
        #expect(one.platform == Platform(os: "linux", architecture: "arm", variant: "v6") && one.cpu == "arm1136")
        #expect(try ExecutionModes.cpuOverride(parsing: "max,sve=off").cpu == "max,sve=off")
        #expect(throws: XArchError.self) { try ExecutionModes.cpuOverride(parsing: "linux/arm64=") }
        let modes = ExecutionModes(host: try Platform(parsing: "linux/amd64"), kernelRelease: "6.18.0", userNamespaces: true,
                                   locator: Self.noQEMU, cpuOverrides: [(nil, "max"), (try Platform(parsing: "linux/arm/v6"), "arm1136")])
        #expect(modes.cpu(for: try Platform(parsing: "linux/arm/v6"), default: "arm1176") == "arm1136")
        #expect(modes.cpu(for: try Platform(parsing: "linux/arm/v7"), default: "cortex-a15") == "max")
        #expect(ExecutionModes(host: modes.host, kernelRelease: "6.18.0", userNamespaces: true, locator: Self.noQEMU)
            .cpu(for: try Platform(parsing: "linux/arm/v7"), default: "cortex-a15") == "cortex-a15")
    }

    @Test func probeProgramsAreWellFormed() throws {
        let i386 = try #require(NativeProbe.program("386"))
        #expect(i386.prefix(4) == [0x7f, 0x45, 0x4c, 0x46] && i386[4] == 1 && i386[18] == 3)
        #expect(try #require(NativeProbe.program("arm"))[18] == 40)
        #expect(NativeProbe.program("s390x") == nil)
    }

    /// On an amd64 host with IA-32 emulation (the usual kernel), the i386 probe really runs.
    @Test(.enabled(if: ExecutionModes.detect().host.architecture == "amd64"
                   && FileManager.default.fileExists(atPath: "/proc/sys/abi/vsyscall32"), "needs an amd64 host with IA-32 emulation"))
    func i386ProbeRunsOnAnAmd64Host() throws {
        #expect(NativeProbe.runs("386"))
        var garbage = try #require(NativeProbe.program("386"))
        garbage[18] = 0xff // an unknown e_machine: exec fails
        #expect(!NativeProbe.execute(garbage))
    }
}
