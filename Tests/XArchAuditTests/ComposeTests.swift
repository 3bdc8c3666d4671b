import Testing
import XArchAudit
import XArchModel

/// Compose files: interpolation (compose-spec), `.env`, `platform:`, `build:`-only services, merge keys.
@Suite struct ComposeTests {
    static let environment = ["TAG": "1.4", "EMPTY": "", "REGISTRY": "reg.example", "NESTED": "n"]

    @Test(arguments: [
        ("app:$TAG", "app:1.4"),
        ("app:${TAG}", "app:1.4"),
        ("app:${MISSING}", "app:"),
        ("app:${MISSING:-latest}", "app:latest"),
        ("app:${EMPTY:-latest}", "app:latest"),
        ("app:${EMPTY-latest}", "app:"),
        ("app:${MISSING-latest}", "app:latest"),
        ("app:${TAG:+pinned}", "app:pinned"),
        ("app:${EMPTY:+pinned}", "app:"),
        ("app:${EMPTY+pinned}", "app:pinned"),
        ("${MISSING:-${REGISTRY}}/app", "reg.example/app"),
        ("${MISSING:-${ALSO_MISSING:-d}}/app", "d/app"),
        ("cost: $$5 and $${TAG}", "cost: $5 and ${TAG}"),
        ("trailing $", "trailing $"),
        ("$1 stays", "$1 stays"),
        ("${TAG}${NESTED}", "1.4n"),
    ])
    func interpolation(text: String, expected: String) throws {
        #expect(try ComposeInterpolation(environment: Self.environment).interpolate(text) == expected)
    }

    @Test(arguments: [
        ("${MISSING:?set MISSING to the tag}", "required variable MISSING is missing a value: set MISSING to the tag"),
        ("${EMPTY:?}", "required variable EMPTY is missing a value"),
        ("${unterminated", "unterminated ${"),
        ("${TAG!x}", "invalid interpolation format"),
    ])
    func interpolationErrors(text: String, expected: String) {
        #expect(throws: ComposeInterpolation.Failure.self) { try ComposeInterpolation(environment: Self.environment).interpolate(text) }
        do {
            _ = try ComposeInterpolation(environment: Self.environment).interpolate(text)
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func requiredVariableErrorNamesTheFileAndLine() throws {
        let text = "services:\n  web:\n    image: app:${TAG:?set TAG}\n"
        let error = try #require(throws: XArchError.self) { try AuditFixtures.workloads(text, file: "compose.yaml") }
        #expect(error.message == "compose.yaml:3: required variable TAG is missing a value: set TAG")
    }

    @Test func dotEnv() {
        let parsed = DotEnv.parse("""
            # comment
            TAG=1.4.2
            export REGISTRY="registry.example:5000"
            QUOTED='$literal # not a comment'
            ESCAPED="a \\"quoted\\" word\\nnext"
            PLAIN = spaced value  # a comment
            EMPTY=
            not an assignment
            """)
        #expect(parsed == ["TAG": "1.4.2", "REGISTRY": "registry.example:5000", "QUOTED": "$literal # not a comment",
                           "ESCAPED": "a \"quoted\" word\nnext", "PLAIN": "spaced value", "EMPTY": ""])
    }

    @Test func theProcessEnvironmentWinsOverDotEnv() throws {
        let interpolation = ComposeInterpolation(dotEnv: ["TAG": "from-env-file", "REGISTRY": "r"], processEnvironment: ["TAG": "from-shell"])
        #expect(try interpolation.interpolate("${REGISTRY}/a:${TAG}") == "r/a:from-shell")
    }

    @Test func servicesWithPlatformBuildAndMergeKeys() throws {
        let environment = DotEnv.parse(try AuditFixtures.text("compose/.env"))
        let workloads = try AuditFixtures.workloads(try AuditFixtures.text("compose/compose.yaml"), file: "compose.yaml",
                                                    environment: environment)
        #expect(workloads.map(\.name) == ["web", "worker", "legacy", "frontend", "cache"])
        #expect(workloads.allSatisfy { $0.kind == "service" && $0.isComposeService })
        let containers = workloads.map { $0.containers[0] }
        #expect(containers.map(\.image) == [
            "registry.example:5000/shop/web:1.4.2", "registry.example:5000/shop/worker:1.4.2",
            "registry.example/shop/legacy:1.0", nil, "redis:${NOT_INTERPOLATED}",
        ])
        #expect(containers.map(\.line) == [7, 3, 14, 16, 20], "the merged image is the anchor's line; build-only: the service's")
        #expect(workloads[2].scheduling.platform == AuditFixtures.platform("linux/amd64"))
        #expect(workloads.filter { $0.scheduling.platform != nil }.count == 1)
    }

    @Test func anInvalidPlatformIsAnError() throws {
        let text = "services:\n  web:\n    image: a\n    platform: linux/amd64/v3/x\n"
        let error = try #require(throws: XArchError.self) { try AuditFixtures.workloads(text, file: "c.yaml") }
        #expect(error.message.hasPrefix("c.yaml:4: service web has platform \"linux/amd64/v3/x\""))
    }

    @Test func aKubernetesObjectWithServicesIsNotCompose() throws {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nservices: {a: {image: b}}\nspec: {containers: [{name: c, image: d}]}\n"
        let workloads = try AuditFixtures.workloads(text)
        #expect(workloads.map(\.kind) == ["Pod"])
    }
}
