import Foundation
import Testing
import XArchContent
import XArchModel
@testable import XArchRun
import XArchTestSupport

/// `xarch test --spec` in the library, for real: a spec read from YAML, run on a busybox index of a
/// native (amd64) and an emulated (arm64) platform, each platform with its own config.
struct ImageTestSpecTests {
    static let canRunBoth = BusyboxRoot.canRun("amd64") && BusyboxRoot.canRun("arm64")
    static let amd64 = Platform(os: "linux", architecture: "amd64")
    static let arm64 = Platform(os: "linux", architecture: "arm64")

    static let spec = """
        schemaVersion: 2.0.0
        x-busybox: &busybox
          command: /bin/busybox
        globalEnvVars:
          - {key: GREETING, value: hello}
          - {key: PATH, value: "/opt/bin:$PATH"}
        commandTests:
          - name: machine amd64
            <<: *busybox
            args: [uname, -m]
            expectedOutput: ["^x86_64$"]
            platforms: [linux/amd64]
          - name: machine arm64
            <<: *busybox
            args: [uname, -m]
            expectedOutput: ["^aarch64$"]
            platforms: [linux/arm64]
          - name: environment
            command: sh
            args: [-c, 'echo "$GREETING $PATH"; id -u; pwd; echo warn >&2']
            user: nobody
            workdir: /tmp
            expectedOutput: ["^hello /opt/bin:/usr/local/sbin:", "^65534$", "^/tmp$"]
            expectedError: [warn]
            excludedError: [error]
          - name: expected to fail
            <<: *busybox
            args: [sh, -c, 'echo out; exit 4']
            expectedOutput: [nothing-like-this]
          - name: slow
            <<: *busybox
            args: [sleep, "30"]
            timeout: 1
            platforms: [linux/amd64]
        fileExistenceTests:
          - {name: busybox, path: /bin/busybox, permissions: -rwxr-xr-x, isExecutableBy: any}
          - {name: sh is a link, path: /bin/sh, permissions: Lrwxrwxrwx}
          - {name: no bash, path: /bin/bash, shouldExist: false}
        fileContentTests:
          - {name: passwd, path: /etc/passwd, expectedContents: ["^nobody:x:65534:"], excludedContents: ["^ghost:"]}
        metadataTest:
          envVars: [{key: APP, value: demo}]
          labels: [{key: built-for, value: amd64}]
          exposedPorts: ["8080"]
          workdir: /srv
        """

    /// An index of amd64 and arm64 busybox images, each config labelled with its own architecture.
    private func index(arm64Busybox: String = "arm64") async throws -> OpenedImage {
        let images = BusyboxImages()
        func config(_ arch: String) -> ContainerConfig {
            ContainerConfig(exposedPorts: ["8080/tcp": .object([:])], env: ["APP=demo"], cmd: ["sh"], workingDir: "/srv",
                            labels: ["built-for": arch])
        }
        return try await images.index([
            try await images.image(Self.amd64, busybox: "amd64", config: config("amd64")),
            try await images.image(Self.arm64, busybox: arm64Busybox, config: config("arm64")),
        ], tag: "spec")
    }

    private func options(_ yaml: String = spec) throws -> ImageTestOptions {
        var options = ImageTestOptions()
        options.spec = try TestSpec(yaml: yaml, file: "spec.yaml")
        return options
    }

    @Test(.enabled(if: canRunBoth, "needs the amd64 and arm64 busybox fixtures and a way to run arm64"))
    func everyPlatformRunsTheTestsThatApplyToIt() async throws {
        let report = try await ImageTest(cache: nil).run(try await index(), options: try options())
        #expect(report.results.map(\.platform) == ["linux/amd64", "linux/arm64"])
        #expect(report.results.map(\.mode) == ["native", "binfmt-userns"])
        let amd64 = try #require(report.results.first?.tests)
        let arm64 = try #require(report.results.last?.tests)
        #expect(amd64.map(\.name) == ["machine amd64", "environment", "expected to fail", "slow", "busybox", "sh is a link",
                                      "no bash", "passwd", "metadata"])
        #expect(arm64.map(\.name) == ["machine arm64", "environment", "expected to fail", "busybox", "sh is a link",
                                      "no bash", "passwd", "metadata"])
        #expect(amd64.map(\.kind) == [.command, .command, .command, .command, .fileExistence, .fileExistence, .fileExistence,
                                      .fileContent, .metadata])
        for tests in [amd64, arm64] {
            let byName = Dictionary(uniqueKeysWithValues: tests.map { ($0.name, $0) })
            #expect(byName["environment"]?.passed == true, "\(byName["environment"]?.reason ?? "")")
            #expect(byName["environment"]?.stderr == "warn\n")
            #expect(byName["expected to fail"]?.reason == "exit 4, expected exit 0; stdout does not match /nothing-like-this/")
            #expect(byName["expected to fail"]?.exitCode == 4 && byName["expected to fail"]?.stdout == "out\n")
            for name in ["busybox", "sh is a link", "no bash", "passwd"] {
                #expect(byName[name]?.passed == true, "\(name): \(byName[name]?.reason ?? "")")
            }
        }
        #expect(amd64[0].passed && amd64[0].stdout == "x86_64\n")
        #expect(arm64[0].passed && arm64[0].stdout == "aarch64\n", "\(arm64[0].reason ?? "")")
        #expect(amd64[3].signal == "SIGKILL" && amd64[3].reason == "timed out after 1 s and was killed")
        #expect(amd64.last?.passed == true, "the amd64 config is labelled amd64: \(amd64.last?.reason ?? "")")
        #expect(arm64.last?.reason == "label built-for is \"arm64\", expected \"amd64\"", "each platform's own config")
        #expect(report.results.allSatisfy { !$0.passed && !$0.skipped })
        #expect(report.results[1].reason == "2 of 8 tests failed: expected to fail, metadata")
        #expect((report.passed, report.failed, report.skipped) == (0, 2, 0))
    }

    @Test(.enabled(if: canRunBoth, "needs the amd64 and arm64 busybox fixtures and a way to run arm64"))
    func aPlatformPassesWhenAllItsTestsPass() async throws {
        var options = try options("""
            commandTests:
              - {name: machine, command: /bin/busybox, args: [uname, -m], expectedOutput: ["^(x86_64|aarch64)$"]}
            fileExistenceTests: [{name: sh, path: /bin/sh}]
            """)
        options.command = ["/bin/busybox", "echo", "from the command line"]
        options.commandWithSpec = true
        let report = try await ImageTest(cache: nil).run(try await index(), options: options)
        #expect((report.passed, report.failed, report.skipped) == (2, 0, 0), "\(report.results.map { $0.reason ?? "" })")
        for result in report.results {
            #expect(result.tests?.map(\.name) == ["command", "machine", "sh"])
            #expect(result.tests?.first?.stdout == "from the command line\n")
            #expect(result.durationSeconds == result.tests?.reduce(0) { $0 + $1.durationSeconds })
        }
    }

    /// An arm64 image holding the amd64 busybox: its command tests fail naming the file (without
    /// running: under binfmt it would run natively and pass); its file tests still pass.
    @Test(.enabled(if: canRunBoth, "needs the amd64 and arm64 busybox fixtures and a way to run arm64"))
    func aForeignProgramFailsItsCommandTests() async throws {
        let options = try options("""
            commandTests: [{name: machine, command: sh, args: [-c, uname -m]}]
            fileExistenceTests: [{name: busybox, path: /bin/busybox}]
            """)
        let report = try await ImageTest(cache: nil).run(try await index(arm64Busybox: "amd64"), options: options)
        let arm64 = try #require(report.results.last?.tests)
        #expect(!arm64[0].passed && arm64[0].exitCode == nil && arm64[0].durationSeconds == 0)
        let reason = arm64[0].reason ?? ""
        #expect(reason.contains("/bin/sh (→ /bin/busybox)") && reason.contains("x86-64") && reason.contains("not run"), "\(reason)")
        #expect(arm64[1].passed)
        #expect((report.passed, report.failed) == (1, 1))
    }

    /// A platform this host cannot run lists its tests as skipped (here: a kernel without a
    /// binfmt_misc per user namespace), and nothing of it is unpacked or run.
    @Test(.enabled(if: BusyboxRoot.canRun("amd64") && Integration.hasFixture("busybox/arm64/busybox"), BusyboxRoot.reason("amd64")))
    func aPlatformThatCannotRunListsItsTestsAsSkipped() async throws {
        let detected = ExecutionModes.detect()
        let oldKernel = ExecutionModes(host: detected.host, kernelRelease: "6.1.0", userNamespaces: true, locator: detected.locator)
        let report = try await ImageTest(modes: oldKernel, cache: nil).run(try await index(), options: try options())
        let arm64 = try #require(report.results.last)
        #expect(arm64.skipped && arm64.mode == "skipped")
        #expect(arm64.tests?.map(\.name) == ["machine arm64", "environment", "expected to fail", "busybox", "sh is a link",
                                             "no bash", "passwd", "metadata"])
        #expect(arm64.tests?.allSatisfy { $0.skipped && !$0.passed && $0.reason == arm64.reason } == true)
        #expect(report.results.first?.tests?.count == 9 && report.skipped == 1)
    }

    @Test(.enabled(if: BusyboxRoot.canRun("amd64"), BusyboxRoot.reason("amd64")))
    func anUnknownUserFailsOnlyItsTest() async throws {
        let images = BusyboxImages()
        let image = try await images.index([try await images.image(Self.amd64, busybox: "amd64")], tag: "user")
        let options = try options("""
            commandTests:
              - {name: ghost, command: /bin/busybox, args: ["true"], user: ghost}
              - {name: nobody, command: /bin/busybox, args: [id, -u], user: nobody, expectedOutput: ["^65534$"]}
            """)
        let tests = try #require(try await ImageTest(cache: nil).run(image, options: options).results.first?.tests)
        #expect(tests.map(\.passed) == [false, true])
        #expect(tests[0].reason == "user ghost is not in the image's /etc/passwd")
    }
}
