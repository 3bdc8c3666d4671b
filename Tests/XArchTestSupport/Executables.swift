import Foundation
import XArchModel

/// Executables of this package built beside the test bundle (`swift test` builds the ones a test
/// target depends on).
public enum Executables {
    /// The executable `name`; the environment variable `override`, when set, names it instead.
    public static func find(_ name: String, override: String) throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment[override] {
            return URL(fileURLWithPath: explicit)
        }
        var candidates = [
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
        ]
        // On macOS the bundle is `….xctest/Contents/MacOS/…`: walk up to the build directory.
        candidates += candidates.flatMap { url in (1...3).map { n in (0..<n).reduce(url) { u, _ in u.deletingLastPathComponent() } } }
        for dir in candidates {
            let url = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw XArchError(.notFound, "\(name) not found beside the tests (looked in \(candidates.map(\.path))); build it or set \(override)")
    }
}
