import Foundation
import XArchModel

/// The tests of `xarch test --spec FILE`, run on every platform of an image (issue 12, "The command"):
/// a superset of container-structure-test's schema 2.0.0 (CST, `pkg/types/v2`), so that a CST file
/// runs as it is — command tests, file existence and content tests, the metadata test, global
/// variables — plus what a multi-platform image needs: `platforms` on any test (containerd's `Any`
/// matching), and `user`, `workdir` and `timeout` on command tests.
///
/// What CST has and xarch does not (`setup`, `teardown`, `licenseTests`, `containerRunOptions`) is
/// refused by name, as is any key neither knows: a test that silently does not run is worse than an
/// error. Decoding (and those refusals) are in `TestSpec+Decoding.swift`, the checks on a root
/// filesystem and a config in `TestSpec+Checks.swift`, the run in `ImageTest+Spec.swift`.
public struct TestSpec: Sendable, Hashable {
    /// A `{key, value}` pair: a variable to set (command tests, `globalEnvVars`), or one to find in the
    /// config (`metadataTest.envVars`, `labels`), whose value is then a regular expression when
    /// `isRegex`.
    public struct EnvVar: Sendable, Hashable {
        public var key: String
        public var value: String
        public var isRegex: Bool

        /// A pair; `isRegex` only means something in `metadataTest`.
        public init(key: String, value: String, isRegex: Bool = false) {
            self.key = key
            self.value = value
            self.isRegex = isRegex
        }
    }

    /// A command run in a fresh sandbox run (CST runs a fresh container for each), its exit code and
    /// output judged. As in CST, the image's Entrypoint is not used: argv = `entrypoint` (xarch; empty
    /// by default) + `command` + `args`, `$NAME` and `${NAME}` in them replaced from the environment
    /// the command gets (a name it does not hold stays as written).
    public struct CommandTest: Sendable, Hashable {
        public var name: String
        public var command: String
        public var args: [String] = []
        /// Put before `command` (xarch); nil: nothing, as CST runs commands.
        public var entrypoint: [String]?
        /// Set after `globalEnvVars`; `$NAME` and `${NAME}` in values are replaced from the environment
        /// built so far (CST expands them from the image's).
        public var envVars: [EnvVar] = []
        public var exitCode: Int32 = 0
        /// Regular expressions stdout (`…Output`) and stderr (`…Error`) must and must not match.
        public var expectedOutput: [String] = []
        public var excludedOutput: [String] = []
        public var expectedError: [String] = []
        public var excludedError: [String] = []
        /// Where the test runs (xarch); empty: every platform.
        public var platforms: [Platform] = []
        /// `USER` for this command, resolved in the image (xarch); nil: the image's.
        public var user: String?
        /// The working directory (xarch); nil: the image's `WorkingDir`.
        public var workdir: String?
        /// Seconds before the run is killed (xarch); nil: `--timeout`, else the mode's default.
        public var timeout: Double?

        /// A test of `command` with nothing else set.
        public init(name: String, command: String) {
            self.name = name
            self.command = command
        }
    }

    /// Who may execute a file, for `isExecutableBy`.
    public enum Executor: String, Sendable, Hashable, CaseIterable {
        case owner, group, other, any
    }

    /// A path checked in the unpacked root filesystem without running anything: symlinks are followed
    /// inside the root on the way, the last component is looked at itself (a link is a link, as CST
    /// sees it in the image's tar).
    public struct FileExistenceTest: Sendable, Hashable {
        public var name: String
        public var path: String
        public var shouldExist = true
        /// `-rwxr-xr-x` as `ls -l` writes it (`-rwsr-xr-x`, `drwxrwxrwt`), or as CST prints it (Go's
        /// `FileMode`: `urwxr-xr-x`, `dtrwxrwxrwx`, `Lrwxrwxrwx`).
        public var permissions: String?
        public var uid: UInt32?
        public var gid: UInt32?
        public var isExecutableBy: Executor?
        public var platforms: [Platform] = []

        /// A test that `path` exists.
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// A file read from the root filesystem (symlinks followed inside it), matched against regular
    /// expressions.
    public struct FileContentTest: Sendable, Hashable {
        public var name: String
        public var path: String
        public var expectedContents: [String] = []
        public var excludedContents: [String] = []
        public var platforms: [Platform] = []

        /// A test of the file at `path` with no expectation yet.
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// The image config of each platform, compared with what is expected; what is nil or empty is not
    /// checked.
    public struct MetadataTest: Sendable, Hashable {
        public var envVars: [EnvVar] = []
        public var labels: [EnvVar] = []
        /// `8080/tcp`, or `8080` for any protocol.
        public var exposedPorts: [String] = []
        public var unexposedPorts: [String] = []
        public var volumes: [String] = []
        public var unmountedVolumes: [String] = []
        public var entrypoint: [String]?
        public var cmd: [String]?
        public var workdir: String?
        public var user: String?
        public var platforms: [Platform] = []

        /// A metadata test that checks nothing yet.
        public init() {}

        /// Whether it checks nothing (CST then reports no metadata test).
        public var isEmpty: Bool {
            envVars.isEmpty && labels.isEmpty && exposedPorts.isEmpty && unexposedPorts.isEmpty && volumes.isEmpty
                && unmountedVolumes.isEmpty && entrypoint == nil && cmd == nil && (workdir ?? "").isEmpty && user == nil
        }
    }

    /// The name the metadata test is reported under.
    public static let metadataTestName = "metadata"

    /// `2.0.0`, or nil when the file does not say.
    public var schemaVersion: String?
    /// Set in every command test, before its own `envVars`.
    public var globalEnvVars: [EnvVar] = []
    public var commandTests: [CommandTest] = []
    public var fileExistenceTests: [FileExistenceTest] = []
    public var fileContentTests: [FileContentTest] = []
    public var metadataTest: MetadataTest?

    /// An empty spec.
    public init() {}

    /// How many tests it holds (the metadata test counts once, when it checks something).
    public var count: Int {
        commandTests.count + fileExistenceTests.count + fileContentTests.count + (metadataTest?.isEmpty == false ? 1 : 0)
    }

    /// Reads and decodes the spec at `path`; every problem is an `XArchError` (`.invalidInput`, or `.io`
    /// when the file cannot be read) whose one-line message names the file.
    public static func load(path: String) throws -> TestSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XArchError(.io, "cannot read the test spec \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw XArchError(.invalidInput, "the test spec \(path) is not YAML: it is not UTF-8 text")
        }
        return try TestSpec(yaml: text, file: path)
    }
}
