#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchModel

/// `xarch test --spec FILE`: the spec's tests that apply to a platform, run on its unpacked tree.
extension ImageTest {
    /// The name of the extra test that runs the command line's command with a spec.
    public static let commandTestName = "command"

    /// Runs the tests of `spec` that apply to the platform and fills `result`: `tests` in the spec's
    /// order, passed when every test passed. The checks that run nothing come first, so they see the
    /// tree as unpacked; then each command test in a fresh sandbox run (as CST runs a fresh container
    /// for each). With `options.commandWithSpec`, the command line's command runs first, as a test
    /// named `command`.
    func runSpec(_ spec: TestSpec, in target: PlatformRun, options: ImageTestOptions,
                 into result: inout ImageTestResult) async throws {
        let spec = spec.only(target.platform)
        let paths = RootPaths(root: target.tree.path)
        let environment = target.config?.env ?? []
        let ownersKnown = geteuid() == 0
        let existence = spec.fileExistenceTests.map { test in
            Self.timed(test.name, .fileExistence) { test.failures(in: paths, environment: environment, ownersKnown: ownersKnown) }
        }
        let content = spec.fileContentTests.map { test in
            Self.timed(test.name, .fileContent) { test.failures(in: paths, environment: environment) }
        }
        let metadata = spec.metadataTest.map { test in
            Self.timed(TestSpec.metadataTestName, .metadata) { test.failures(in: target.config) }
        }
        var commands: [SpecTestResult] = []
        for (name, command) in Self.commands(of: spec, options: options) {
            do {
                commands.append(SpecTestResult(name: name, outcome: try await runCommand(command, in: target, options: options)))
            } catch let error as CancellationError {
                throw error
            } catch {
                commands.append(SpecTestResult(name: name, kind: .command, failures: [(error as? XArchError)?.message ?? "\(error)"]))
            }
        }
        let tests = commands + existence + content + (metadata.map { [$0] } ?? [])
        result.tests = tests
        result.durationSeconds = tests.reduce(0) { $0 + $1.durationSeconds }
        let failed = tests.filter { !$0.passed }
        result.passed = failed.isEmpty
        result.reason = failed.isEmpty ? nil
            : "\(failed.count) of \(tests.count) tests failed: \(failed.map(\.name).joined(separator: ", "))"
    }

    /// The tests of `spec` for a platform that cannot run here: each listed as skipped with `reason`.
    static func skippedTests(_ spec: TestSpec, options: ImageTestOptions, platform: Platform, reason: String) -> [SpecTestResult] {
        let spec = spec.only(platform)
        return commands(of: spec, options: options).map { SpecTestResult(name: $0.name, kind: .command, skipped: reason) }
            + spec.fileExistenceTests.map { SpecTestResult(name: $0.name, kind: .fileExistence, skipped: reason) }
            + spec.fileContentTests.map { SpecTestResult(name: $0.name, kind: .fileContent, skipped: reason) }
            + (spec.metadataTest.map { _ in [SpecTestResult(name: TestSpec.metadataTestName, kind: .metadata, skipped: reason)] } ?? [])
    }

    /// The command tests of `spec` (already narrowed to a platform), the command line's first when
    /// `options.commandWithSpec`.
    static func commands(of spec: TestSpec, options: ImageTestOptions) -> [(name: String, run: CommandRun)] {
        let line = options.commandWithSpec ? [(commandTestName, CommandRun(options))] : []
        return line + spec.commandTests.map { ($0.name, CommandRun($0, globalEnvVars: spec.globalEnvVars, timeout: options.timeout)) }
    }

    /// A check that runs nothing, timed.
    private static func timed(_ name: String, _ kind: SpecTestResult.Kind, _ check: () -> [String]) -> SpecTestResult {
        let start = ContinuousClock.now
        let failures = check()
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return SpecTestResult(name: name, kind: kind, failures: failures,
                              durationSeconds: Double(seconds) + Double(attoseconds) / 1e18)
    }
}
