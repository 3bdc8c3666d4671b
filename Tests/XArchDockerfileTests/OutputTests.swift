import Foundation
import Testing
import XArchModel
@testable import XArchDockerfile

/// Text, JSON and SARIF output, and the registry half of the rules.
@Suite struct OutputTests {
    static let text = """
        FROM --platform=linux/amd64 golang AS build
        FROM alpine
        RUN wget https://example.com/tool-linux-arm64.tgz
        """

    @Test func textLines() throws {
        let findings = try Linter(file: "app/Dockerfile").lint(Self.text)
        #expect(FindingReport.text(findings) == """
            app/Dockerfile:1:6 constant-platform FROM --platform=linux/amd64 pins stage "build" to linux/amd64; every image of a multi-platform build gets its linux/amd64 content
            app/Dockerfile:3:41 hardcoded-arch RUN fetches or installs "https://example.com/tool-linux-arm64.tgz", which names the arm64 build, in a stage built for every target platform

            """)
    }

    @Test func json() throws {
        let findings = try Linter().lint(Self.text)
        let entries = try JSONDecoder().decode([FindingReport.Entry].self, from: Data(FindingReport.json(findings).utf8))
        #expect(entries.map(\.rule) == ["constant-platform", "hardcoded-arch"])
        #expect(entries[1].line == 3 && entries[1].column == 41 && entries[1].endColumn == 45)
        #expect(entries[1].documentation == "docs/rules/hardcoded-arch.md")
        #expect(entries[1].fix?.contains("${TARGETARCH}") == true)
    }

    @Test func sarif() throws {
        let findings = try Linter().lint(Self.text)
        let log = try #require(JSONSerialization.jsonObject(with: Data(FindingReport.sarif(findings, toolVersion: "0.1.0").utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect((driver["rules"] as? [[String: Any]])?.count == LintRules.all.count)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["level"] as? String } == ["warning", "error"])
        let region = ((results[1]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(region == ["startLine": 3, "startColumn": 41, "endLine": 3, "endColumn": 46])
    }

    @Test func baseImageRequirementsAndFindings() throws {
        let stages = try DockerfileStages(parsing: """
            ARG DEBIAN=debian:12
            FROM --platform=$BUILDPLATFORM golang AS build
            FROM --platform=linux/arm64 alpine:3.20 AS tools
            FROM ${DEBIAN}
            FROM scratch AS empty
            FROM build AS again
            """)
        let platforms = [try Platform(parsing: "linux/amd64"), try Platform(parsing: "linux/s390x")]
        let requirements = BaseImageCheck.requirements(stages, platforms: platforms)
        #expect(requirements.map(\.image) == ["alpine:3.20", "debian:12"])
        #expect(requirements.map { $0.platforms.map(\.formatted) } == [["linux/arm64"], ["linux/amd64", "linux/s390x"]])

        let debian = requirements[1]
        let missing = BaseImageCheck.findings(debian, availability: .index([platforms[0], try Platform(parsing: "linux/arm64")]),
                                              pinnedByDigest: false, file: "Dockerfile")
        #expect(missing.map(\.message) == ["image \"debian:12\" has no linux/s390x image; it has linux/amd64, linux/arm64"])
        let pinned = BaseImageCheck.findings(debian, availability: .manifest(platforms[0]), pinnedByDigest: true, file: "Dockerfile")
        #expect(pinned.map(\.rule) == ["platform-digest-pin", "base-missing-platform"])
    }
}
