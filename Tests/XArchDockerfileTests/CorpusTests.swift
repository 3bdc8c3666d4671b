import Foundation
import Testing
@testable import XArchDockerfile

/// The corpus: real-world-style Dockerfiles, each committed with the exact findings the linter must
/// produce (`NAME.expected.json`, written by hand-reviewed updates: `XARCH_UPDATE_GOLDEN=1`).
@Suite struct CorpusTests {
    struct Expected: Codable, Hashable {
        var line: Int
        var column: Int
        var rule: String
        var severity: Severity
        var message: String
    }

    static var names: [String] {
        let directory = Fixtures.root.appendingPathComponent("corpus")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".Dockerfile") }.map { String($0.dropLast(".Dockerfile".count)) }.sorted()
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.names.count >= 30)
    }

    @Test(arguments: names)
    func producesExactlyTheExpectedFindings(_ name: String) throws {
        let directory = Fixtures.root.appendingPathComponent("corpus")
        let text = try String(contentsOf: directory.appendingPathComponent("\(name).Dockerfile"), encoding: .utf8)
        let findings = try Linter(file: "\(name).Dockerfile").lint(text)
        let actual = findings.map { Expected(line: $0.range.start.line, column: $0.range.start.column, rule: $0.rule,
                                             severity: $0.severity, message: $0.message) }
        let expectedURL = directory.appendingPathComponent("\(name).expected.json")
        let sourceURL = Fixtures.sourceRoot.appendingPathComponent("corpus").appendingPathComponent("\(name).expected.json")
        if Fixtures.updating && !FileManager.default.fileExists(atPath: sourceURL.path) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (String(decoding: try encoder.encode(actual), as: UTF8.self) + "\n").write(to: sourceURL, atomically: false, encoding: .utf8)
            return
        }
        let expected = try JSONDecoder().decode([Expected].self, from: Data(contentsOf: expectedURL))
        #expect(actual == expected)
    }
}
