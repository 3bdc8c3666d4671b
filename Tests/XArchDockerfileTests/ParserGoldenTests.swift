import Foundation
import Testing
@testable import XArchDockerfile

/// Golden files: every `Fixtures/parser/NAME/Dockerfile` parses to exactly `result`, the s-expression
/// form of BuildKit's parser test files. Cases transcribed from BuildKit's `testfiles` also keep BuildKit's
/// older expectation, written before `ENV`/`LABEL` nodes carried their separator, as `result.legacy`.
@Suite struct ParserGoldenTests {
    @Test(arguments: Fixtures.cases("parser"))
    func matchesResult(_ name: String) throws {
        let dockerfile = try DockerfileParser.parse(data: Fixtures.data("parser", name, "Dockerfile"))
        let actual = SExpression.render(dockerfile)
        if Fixtures.updating && !Fixtures.existsInSource("parser", name, "result") {
            try Fixtures.write(actual, "parser", name, "result")
            return
        }
        #expect(actual == (try Fixtures.text("parser", name, "result")))
    }

    @Test(arguments: Fixtures.cases("parser").filter { Fixtures.exists("parser", $0, "result.legacy") })
    func matchesLegacyResultWithoutSeparators(_ name: String) throws {
        var dockerfile = try DockerfileParser.parse(data: Fixtures.data("parser", name, "Dockerfile"))
        for i in dockerfile.instructions.indices where ["env", "label"].contains(dockerfile.instructions[i].command) {
            let arguments = dockerfile.instructions[i].arguments
            dockerfile.instructions[i].arguments = arguments.enumerated().filter { $0.offset % 3 != 2 }.map(\.element)
        }
        #expect(SExpression.render(dockerfile) == (try Fixtures.text("parser", name, "result.legacy")))
    }
}
