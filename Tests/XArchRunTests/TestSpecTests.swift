import Foundation
import Testing
import XArchModel
@testable import XArchRun
import XArchTestSupport

/// `TestSpec`: container-structure-test files read as CST reads them, xarch's extensions, and every
/// mistake refused with one line naming the file, where, and what.
struct TestSpecTests {
    /// The example of CST's README (schema 2.0.0), as users write it.
    static let readme = """
        schemaVersion: 2.0.0

        globalEnvVars:
          - key: "VIRTUAL_ENV"
            value: "/env"
          - key: "PATH"
            value: "/env/bin:$PATH"

        commandTests:
        # check that the python binary is in the correct location
          - name: "python installation"
            command: "which"
            args: ["python"]
            expectedOutput: ["/usr/bin/python\\n"]

        # setup a virtualenv, and verify the correct python binary is run
          - name: "python in virtualenv"
            command: "which"
            args: ["python"]
            expectedOutput: ["/env/bin/python\\n"]
            exitCode: 0

          - name: "apt-get upgrade"
            command: "apt-get"
            args: ["-qqs", "upgrade"]
            excludedOutput: [".*Inst.*Security.* | .*Security.*Inst.*"]
            excludedError: [".*Inst.*Security.* | .*Security.*Inst.*"]

        fileContentTests:
          - name: 'Debian Sources'
            path: '/etc/apt/sources.list'
            expectedContents: ['.*httpredir\\.debian\\.org.*']
            excludedContents: ['.*gce_debian_mirror.*']

        fileExistenceTests:
          - name: 'Root'
            path: '/'
            shouldExist: true
            permissions: '-rw-r--r--'
            uid: 1000
            gid: 1000
            isExecutableBy: 'group'

        metadataTest:
          envVars:
            - key: foo
              value: baz
          labels:
            - key: 'com.example.vendor'
              value: 'ACME Incorporated'
            - key: 'build-date'
              value: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}$'
              isRegex: true
          exposedPorts: ["8080", "2345"]
          volumes: ["/test"]
          entrypoint: []
          cmd: ["/bin/bash"]
          workdir: "/app"
          user: "luke"
        """

    @Test func readsCSTsReadmeExample() throws {
        let spec = try TestSpec(yaml: Self.readme, file: "cst.yaml")
        #expect(spec.schemaVersion == "2.0.0")
        #expect(spec.globalEnvVars == [.init(key: "VIRTUAL_ENV", value: "/env"), .init(key: "PATH", value: "/env/bin:$PATH")])
        #expect(spec.commandTests.map(\.name) == ["python installation", "python in virtualenv", "apt-get upgrade"])
        let which = spec.commandTests[0]
        #expect(which.command == "which" && which.args == ["python"] && which.exitCode == 0 && which.entrypoint == nil)
        #expect(which.expectedOutput == ["/usr/bin/python\n"])
        #expect(spec.commandTests[2].excludedError == [".*Inst.*Security.* | .*Security.*Inst.*"])
        #expect(spec.fileContentTests.first?.expectedContents == [#".*httpredir\.debian\.org.*"#])
        let root = try #require(spec.fileExistenceTests.first)
        #expect(root.shouldExist && root.permissions == "-rw-r--r--" && root.uid == 1000 && root.gid == 1000)
        #expect(root.isExecutableBy == .group)
        let metadata = try #require(spec.metadataTest)
        #expect(metadata.labels.map(\.isRegex) == [false, true])
        #expect(metadata.exposedPorts == ["8080", "2345"] && metadata.volumes == ["/test"])
        #expect(metadata.entrypoint == [] && metadata.cmd == ["/bin/bash"] && metadata.workdir == "/app" && metadata.user == "luke")
        #expect(spec.count == 6)
    }

    @Test func defaultsAreCSTs() throws {
        let spec = try TestSpec(yaml: """
            commandTests: [{name: a, command: true}]
            fileExistenceTests: [{name: b, path: /x, uid: -1}]
            """, file: "s.yaml")
        #expect(spec.schemaVersion == nil)
        #expect(spec.commandTests[0].exitCode == 0 && spec.commandTests[0].args.isEmpty && spec.commandTests[0].platforms.isEmpty)
        let file = spec.fileExistenceTests[0]
        #expect(file.shouldExist && file.uid == nil && file.gid == nil && file.permissions == nil && file.isExecutableBy == nil)
    }

    @Test func extensionsAnchorsAndMergeKeys() throws {
        let spec = try TestSpec(yaml: """
            x-arm: &arm
              platforms: [linux/arm64, "linux/arm/v7"]
              timeout: 2.5
            x-busybox: &busybox /bin/busybox
            commandTests:
              - name: machine
                <<: *arm
                command: *busybox
                args: [uname, -m]
                entrypoint: [/bin/busybox, env]
                user: "nobody:staff"
                workdir: /tmp
                envVars: [{key: A, value: 1}]
                exitCode: 3
              - <<: *arm
                name: override
                command: x
                timeout: 9
            fileContentTests:
              - {name: passwd, path: /etc/passwd, platforms: [aarch64]}
            metadataTest:
              platforms: [linux/amd64]
              unexposedPorts: [22]
              unmountedVolumes: [/data]
            """, file: "s.yaml")
        let machine = spec.commandTests[0]
        #expect(machine.command == "/bin/busybox" && machine.args == ["uname", "-m"])
        #expect(machine.platforms == [Platform(os: "linux", architecture: "arm64"), Platform(os: "linux", architecture: "arm", variant: "v7")])
        #expect(machine.timeout == 2.5 && machine.user == "nobody:staff" && machine.workdir == "/tmp")
        #expect(machine.entrypoint == ["/bin/busybox", "env"] && machine.envVars == [.init(key: "A", value: "1")] && machine.exitCode == 3)
        #expect(spec.commandTests[1].timeout == 9, "a key of the mapping wins over the merged one")
        #expect(spec.fileContentTests[0].platforms == [Platform(os: "linux", architecture: "arm64")])
        #expect(spec.metadataTest?.unexposedPorts == ["22"] && spec.metadataTest?.unmountedVolumes == ["/data"])
    }

    @Test func onlyKeepsTheTestsOfAPlatform() throws {
        let spec = try TestSpec(yaml: """
            commandTests:
              - {name: everywhere, command: x}
              - {name: arm64, command: x, platforms: [linux/arm64]}
              - {name: v7, command: x, platforms: [linux/arm/v7, linux/s390x]}
            fileExistenceTests: [{name: amd64 file, path: /x, platforms: [linux/amd64]}]
            metadataTest: {user: root, platforms: [linux/arm64]}
            """, file: "s.yaml")
        let arm64 = spec.only(Platform(os: "linux", architecture: "arm64", variant: "v8"))
        #expect(arm64.commandTests.map(\.name) == ["everywhere", "arm64"], "linux/arm64 matches linux/arm64/v8")
        #expect(arm64.fileExistenceTests.isEmpty && arm64.metadataTest != nil)
        let amd64 = spec.only(Platform(os: "linux", architecture: "amd64"))
        #expect(amd64.commandTests.map(\.name) == ["everywhere"] && amd64.fileExistenceTests.count == 1 && amd64.metadataTest == nil)
        #expect(spec.only(Platform(os: "linux", architecture: "s390x")).commandTests.map(\.name) == ["everywhere", "v7"])
    }

    /// Every mistake: one line, naming the file, where, and what.
    @Test(arguments: [
        ("commandTests: [{name: a, command: x, setup: [[touch, /x]]}]", ["s.yaml: commandTests[0].setup: setup is not supported"]),
        ("commandTests: [{name: a, command: x, teardown: [[rm, /x]]}]", ["s.yaml: commandTests[0].teardown: teardown is not supported"]),
        ("licenseTests: [{debian: true}]", ["s.yaml: licenseTests: licenseTests are not supported"]),
        ("containerRunOptions: {user: root}\ncommandTests: [{name: a, command: x}]", ["s.yaml: containerRunOptions: containerRunOptions is not supported"]),
        ("commandTests: [{name: a, command: x, exitcode: 1}]", ["s.yaml: commandTests[0].exitcode: unknown key", "exitCode"]),
        ("fileExistenceTests: [{name: a, path: /, mode: x}]", ["s.yaml: fileExistenceTests[0].mode: unknown key", "permissions"]),
        ("metadataTest: {env: [{key: A, value: b}]}", ["s.yaml: metadataTest.env: env is CST's old name: write envVars"]),
        ("metadataTest: {envVars: [{key: A, value: b, regex: true}]}", ["s.yaml: metadataTest.envVars[0].regex: unknown key"]),
        ("unknownTests: []", ["s.yaml: unknownTests: unknown key"]),
        ("commandTests: [{name: a, command: x, exitCode: one}]", ["s.yaml: commandTests[0].exitCode: expected an integer"]),
        ("commandTests: [{name: a, command: [x, y]}]", ["s.yaml: commandTests[0].command: expected a single value"]),
        ("commandTests: {name: a, command: x}", ["s.yaml: commandTests: expected a list"]),
        ("commandTests: [{name: a, command: x, args: {a: b}}]", ["s.yaml: commandTests[0].args: expected a list"]),
        ("fileExistenceTests: [{name: a, path: /, shouldExist: maybe}]", ["s.yaml: fileExistenceTests[0].shouldExist: expected true or false"]),
        ("fileExistenceTests: [{name: a, path: /, uid: -2}]", ["s.yaml: fileExistenceTests[0].uid: -2 is not a user or group id"]),
        ("fileExistenceTests: [{path: /}]", ["s.yaml: fileExistenceTests[0]: name is missing"]),
        ("commandTests: [{name: a}]", ["s.yaml: commandTests[0]: command is missing"]),
        ("commandTests: [{name: '  ', command: x}]", ["s.yaml: commandTests[0] (\"  \"): name is empty"]),
        ("commandTests: [{name: uname, command: x, expectedOutput: ['(x']}]",
         ["s.yaml: commandTests[0] (\"uname\"): expectedOutput /(x/ is not a valid regular expression"]),
        ("fileContentTests: [{name: conf, path: /etc, excludedContents: ['[a-']}]",
         ["s.yaml: fileContentTests[0] (\"conf\"): excludedContents /[a-/ is not a valid regular expression"]),
        ("metadataTest: {labels: [{key: v, value: '*', isRegex: true}]}", ["s.yaml: metadataTest: labels /*/ is not a valid regular expression"]),
        ("fileExistenceTests: [{name: sh, path: /bin/sh, permissions: '755'}]", ["s.yaml: fileExistenceTests[0] (\"sh\"): permissions 755 is not a mode"]),
        ("fileExistenceTests: [{name: sh, path: /bin/sh, isExecutableBy: everyone}]", ["isExecutableBy: everyone is not one of owner, group, other, any"]),
        ("commandTests: [{name: a, command: x, platforms: [linux/arm64/v8/x]}]", ["s.yaml: commandTests[0].platforms: ", "linux/arm64/v8/x"]),
        ("commandTests: [{name: a, command: x, timeout: 0}]", ["s.yaml: commandTests[0] (\"a\"): timeout must be more than 0 seconds"]),
        ("schemaVersion: 1.0.0\ncommandTests: [{name: a, command: x}]", ["s.yaml: schemaVersion: 1.0.0 is not supported"]),
        ("schemaVersion: 2.0.0", ["the test spec s.yaml holds no tests"]),
        ("", ["the test spec s.yaml is empty"]),
        ("just words", ["the test spec s.yaml is not a mapping of tests"]),
        ("- a\n- b", ["the test spec s.yaml is not a mapping of tests"]),
        ("commandTests: [{name: a, command: x", ["the test spec s.yaml is not YAML: "]),
        ("a: b: c", ["the test spec s.yaml is not YAML: "]),
        ("commandTests:\n\t- name: a", ["the test spec s.yaml is not YAML: "]),
    ])
    func mistakesAreOneLineNamingTheFile(yaml: String, fragments: [String]) {
        let error = expectXArchError(.invalidInput, containing: fragments) { _ = try TestSpec(yaml: yaml, file: "s.yaml") }
        #expect(error.map { !$0.message.contains("\n") } == true, "one line: \(error?.message ?? "")")
    }

    @Test func loadNamesTheFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        expectXArchError(.io, containing: ["\(scratch.path)/missing.yaml", "no such file"]) {
            _ = try TestSpec.load(path: scratch.path + "/missing.yaml")
        }
        let binary = scratch.path + "/binary.yaml"
        FileManager.default.createFile(atPath: binary, contents: Data([0xff, 0xfe, 0x00, 0x80]))
        expectXArchError(.invalidInput, containing: ["the test spec \(binary) is not YAML"]) { _ = try TestSpec.load(path: binary) }
        let good = scratch.path + "/good.yaml"
        try "commandTests: [{name: a, command: x}]\n".write(toFile: good, atomically: false, encoding: .utf8)
        #expect(try TestSpec.load(path: good).commandTests.count == 1)
    }
}
