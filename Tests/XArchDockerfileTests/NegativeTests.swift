import Foundation
import Testing
import XArchModel
@testable import XArchDockerfile

/// Dockerfiles BuildKit rejects: each `Fixtures/negative/NAME/Dockerfile` must fail with the message
/// and location of `error` (`line:column message`).
@Suite struct NegativeTests {
    @Test(arguments: Fixtures.cases("negative"))
    func failsWithLocatedError(_ name: String) throws {
        let expected = try Fixtures.text("negative", name, "error").trimmingCharacters(in: .newlines)
        do {
            _ = try DockerfileStages(DockerfileParser.parse(data: Fixtures.data("negative", name, "Dockerfile")))
            Issue.record("\(name) parsed without error")
        } catch {
            let range = try #require(DockerfileSyntaxError.location(of: error), "\(error)")
            let message = try #require(DockerfileSyntaxError.message(of: error))
            #expect("\(range.start) \(message)" == expected)
            #expect((error as? XArchError)?.code == .invalidInput)
        }
    }
}
