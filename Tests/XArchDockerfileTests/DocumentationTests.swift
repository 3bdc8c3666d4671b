import Foundation
import Testing
@testable import XArchDockerfile

/// Every rule has its page under docs/rules/, and the page names the rule's severity.
@Suite struct DocumentationTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test(arguments: LintRules.all.map(\.id))
    func ruleHasPage(_ id: String) throws {
        let rule = try #require(LintRules.rule(id))
        let page = try String(contentsOf: Self.repository.appendingPathComponent(rule.documentation), encoding: .utf8)
        #expect(page.hasPrefix("# \(id)\n"))
        #expect(page.contains("default severity: `\(rule.severity.rawValue)`"))
    }
}
