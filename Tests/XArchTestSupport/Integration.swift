import Foundation
import Testing

/// The environment `scripts/test` prepares for integration tests: real registries and fault proxies
/// on loopback, and fixtures built by the real peers (umoci, buildah, skopeo). Every variable is
/// described in `scripts/test` and `scripts/README.md`.
///
/// A test that needs it states so with a condition trait, so that without it the test is reported
/// as skipped with the reason, never counted as passed:
///
///     @Test(.requiresEnvironment("XARCH_TEST_REGISTRY")) func pushes() async throws {
///         let registry = try Integration.require("XARCH_TEST_REGISTRY")
///
/// Under `scripts/test` (`XARCH_INTEGRATION=1`) the conditions are always true: integration tests
/// must run there, and a missing variable or tool fails the test through `require`.
public enum Integration {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// True under `scripts/test` (`XARCH_INTEGRATION=1`): integration tests must run, not skip.
    public static var isEnabled: Bool { environment["XARCH_INTEGRATION"] == "1" }

    /// The variable `name` when it is set and not empty.
    public static func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether a test needing `names` can run: all are set, or this is `scripts/test`.
    public static func has(_ names: [String]) -> Bool { isEnabled || names.allSatisfy { value($0) != nil } }

    /// The variable `name`; throws when it is unset (a test that asks for it declared it needed with
    /// `.requiresEnvironment`, so it fails instead of passing silently).
    public static func require(_ name: String) throws -> String {
        guard let value = value(name) else { throw Missing(what: "the environment variable \(name)") }
        return value
    }

    /// Whether every tool of `tools` is on `PATH`, or this is `scripts/test`.
    public static func hasTools(_ tools: [String]) -> Bool { isEnabled || tools.allSatisfy(Peer.isInstalled) }

    /// Throws unless `tool` is on `PATH`.
    public static func requireTool(_ tool: String) throws {
        guard Peer.isInstalled(tool) else { throw Missing(what: "the tool \(tool) on PATH") }
    }

    /// `$XARCH_FIXTURES` (the repository's `fixtures/` folder), set by `scripts/test`.
    public static var fixtures: String? { value("XARCH_FIXTURES") }

    /// `host:port` of the main test registry (`XARCH_TEST_REGISTRY`).
    public static var registry: String? { value("XARCH_TEST_REGISTRY") }

    /// Where the fixtures of `scripts/fixtures` are: `$XARCH_FIXTURES`, else the repository's `fixtures/`.
    public static let fixturesRoot: String = value("XARCH_FIXTURES")
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures").path

    /// Whether the fixture file `relativePath` (under `fixturesRoot`) exists, or this is `scripts/test`
    /// (which builds the fixtures, so their absence there is a failure).
    public static func hasFixture(_ relativePath: String) -> Bool {
        isEnabled || FileManager.default.fileExists(atPath: "\(fixturesRoot)/\(relativePath)")
    }

    /// What a test declared it needs and did not get.
    public struct Missing: Error, CustomStringConvertible {
        public let what: String
        public var description: String {
            "\(what) is missing: this test needs the environment of scripts/test (run the tests with scripts/test)"
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test (or suite) only when every environment variable of `names` is set, or under
    /// `scripts/test`; otherwise it is reported as skipped, naming them.
    public static func requiresEnvironment(_ names: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: Integration.has(names),
                 Comment(rawValue: "needs \(names.joined(separator: ", ")) (the registries of scripts/test): run scripts/test"),
                 sourceLocation: sourceLocation)
    }

    /// Runs the test (or suite) only when every tool of `tools` is on `PATH`, or under `scripts/test`.
    public static func requiresTools(_ tools: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: Integration.hasTools(tools),
                 Comment(rawValue: "needs \(tools.joined(separator: ", ")) on PATH: run scripts/test, which installs them"),
                 sourceLocation: sourceLocation)
    }

    /// Runs the test (or suite) only when the fixture file `relativePath` exists, or under `scripts/test`.
    public static func requiresFixture(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: Integration.hasFixture(relativePath),
                 Comment(rawValue: "needs the fixture \(relativePath) (scripts/fixtures, or run scripts/test)"),
                 sourceLocation: sourceLocation)
    }
}
