import Foundation

/// Locates the test fixtures copied into the test bundle.
enum Fixtures {
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// The names of the sub-directories of `Fixtures/<group>`, sorted.
    static func cases(_ group: String) -> [String] {
        let url = root.appendingPathComponent(group)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static func text(_ group: String, _ name: String, _ file: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(group).appendingPathComponent(name).appendingPathComponent(file),
                   encoding: .utf8)
    }

    static func data(_ group: String, _ name: String, _ file: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(group).appendingPathComponent(name).appendingPathComponent(file))
    }

    static func exists(_ group: String, _ name: String, _ file: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(group).appendingPathComponent(name)
            .appendingPathComponent(file).path)
    }

    static func existsInSource(_ group: String, _ name: String, _ file: String) -> Bool {
        FileManager.default.fileExists(atPath: sourceRoot.appendingPathComponent(group).appendingPathComponent(name)
            .appendingPathComponent(file).path)
    }

    /// Set `XARCH_UPDATE_GOLDEN=1` to (re)write missing golden files instead of failing; review the diff.
    static var updating: Bool { ProcessInfo.processInfo.environment["XARCH_UPDATE_GOLDEN"] == "1" }

    /// The fixtures in the source tree, where updated golden files go.
    static var sourceRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func write(_ text: String, _ group: String, _ name: String, _ file: String) throws {
        try text.write(to: sourceRoot.appendingPathComponent(group).appendingPathComponent(name).appendingPathComponent(file),
                       atomically: false, encoding: .utf8)
    }
}
