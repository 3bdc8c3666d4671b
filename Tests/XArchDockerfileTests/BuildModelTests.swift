import Testing
import XArchDockerfile
import XArchModel

/// The part of the instruction model the build reads: flags, checks that name the line, ONBUILD
/// triggers, stage lookup, `--target` and expansion.
@Suite struct BuildModelTests {
    static let text = """
        ARG BASE=alpine
        ARG TAG
        FROM --platform=$BUILDPLATFORM ${BASE} AS Builder
        COPY --from=0 --chmod=755 --link a /b
        ONBUILD   COPY . /app
        FROM scratch
        COPY --from=builder <<-EOF /c
        \tbody
        \tEOF
        """

    @Test func flagsArgumentsAndLines() throws {
        let stages = try DockerfileStages(parsing: Self.text)
        #expect(stages.globalArgs.map(\.name) == ["BASE", "TAG"])
        #expect(stages.globalArgs.map(\.defaultValue) == ["alpine", nil])
        let copy = stages.stages[0].instructions[0]
        #expect(copy.line == 4)
        #expect(copy.flag("from")?.value == "0")
        #expect(copy.flag("chmod")?.value == "755")
        #expect(copy.flag("link")?.value == "true")
        #expect(copy.flag("chown") == nil)
        #expect(copy.arguments.map(\.value) == ["a", "/b"])
        #expect(stages.stages[0].from.flag("platform")?.value == "$BUILDPLATFORM")
        #expect(stages.stages[1].instructions[0].heredocs.map(\.effectiveContent) == ["body\n"])
    }

    @Test func checkFlagsNamesTheLine() throws {
        let copy = try DockerfileStages(parsing: Self.text).stages[0].instructions[0]
        try copy.checkFlags(["from", "chmod", "link"])
        #expect(Self.message { try copy.checkFlags(["from", "chmod"]) } == "Dockerfile line 4: unknown flag --link for COPY (it takes --chmod, --from)")
        #expect(Self.message { try copy.checkFlags([]) } == "Dockerfile line 4: unknown flag --from for COPY (it takes no flags)")
    }

    @Test func onbuildTriggers() throws {
        let onbuild = try DockerfileStages(parsing: Self.text).stages[0].instructions[1]
        #expect(onbuild.triggerText == "COPY . /app")
        #expect(try DockerfileStages(parsing: Self.text).stages[0].instructions[0].triggerText == nil)
        let trigger = try Instruction.onbuildTrigger("COPY --chown=1:1 . /app", reportedAt: 12)
        #expect(trigger.command == "copy")
        #expect(trigger.line == 12)
        #expect(trigger.flag("chown")?.position.line == 12)
        #expect(trigger.arguments.map(\.value) == [".", "/app"])
        #expect(Self.message { try Instruction.onbuildTrigger("FROM alpine", reportedAt: 3) } == "the ONBUILD trigger \"FROM alpine\" is not one instruction")
    }

    /// One lookup for `COPY --from` and `--target`: by name in any case or by index, optionally only
    /// among the stages before one; `FROM <stage>` by name only.
    @Test func stagesByNameOrIndex() throws {
        let stages = try DockerfileStages(parsing: Self.text)
        #expect(stages.stage(named: "BUILDER")?.index == 0)
        #expect(stages.stage(named: "0")?.index == 0)
        #expect(stages.stage(named: "1")?.index == 1)
        #expect(stages.stage(named: "1", before: 1) == nil)
        #expect(stages.stage(named: "builder", before: 0) == nil)
        #expect(stages.stage(named: "-1") == nil)
        #expect(stages.stage(namedInFrom: "Builder", before: 1)?.index == 0)
        #expect(stages.stage(namedInFrom: "0", before: 1) == nil)
        #expect(stages.stages.map(\.displayName) == ["stage builder", "stage #1"])
        #expect(try stages.target(nil).index == 1)
        #expect(try stages.target("Builder").index == 0)
        #expect(Self.message { try stages.target("nope") } == "the target stage \"nope\" is not in the Dockerfile; its stages are: builder")
    }

    @Test func expansionFollowsTheEscapeCharacter() throws {
        let stages = try DockerfileStages(parsing: "# escape=`\nFROM scratch\n")
        #expect(try stages.expander.expand("a`$B$C", ["C": "c"]) == "a$Bc")
        #expect(try WordExpander().expand("\"$A\"-${B:-b}", ["A": "a"]) == "a-b")
        #expect(try WordExpander().words("$A \"b c\"", ["A": "a"]) == ["a", "b c"])
    }

    /// `armel` is read two ways, both documented in `ArchitectureNames`: a platform is normalized as
    /// containerd does (arm/v6); a file name is read as Debian's ARMv5TE port (arm/v5).
    @Test func armelHasTwoMeanings() throws {
        #expect(Platform(os: "linux", architecture: "armel").normalized.formatted == "linux/arm/v6")
        #expect(ArchitectureNames.spellings.first { $0.text == "armel" }?.architecture == "arm/v5")
        #expect(ArchitectureNames.containerdAliases["armel"]! == ("arm", "v6"))
    }

    /// The message of the `XArchError` `body` throws (`invalid-input` ones only), nil when it does not throw one.
    static func message<T>(_ body: () throws -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as XArchError where error.code == .invalidInput {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }
}
