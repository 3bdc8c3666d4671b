/// A rule with the function that words its findings (BuildKit's `LinterRule[F]`: the format is typed).
public struct LintRuleDefinition<Arguments: Sendable>: Sendable {
    public let rule: LintRule
    let format: @Sendable (Arguments) -> String

    /// A finding of this rule at `range`.
    func finding(_ arguments: Arguments, file: String, at range: SourceRange, fix: String? = nil) -> Finding {
        Finding(rule: rule, message: format(arguments), file: file, range: range, fix: fix)
    }
}

/// xarch's multi-architecture rules. Each has a page under `docs/rules/<id>.md`.
public enum LintRules {
    /// Every rule, in documentation order.
    public static var all: [LintRule] {
        [constantPlatform.rule, redundantTargetPlatform.rule, hardcodedArch.rule, undeclaredPlatformArg.rule,
         buildPlatformInFinalStage.rule, archSpecificRepository.rule, hardcodedMultiarchPath.rule, buildArchProbe.rule,
         platformDigestPin.rule, baseMissingPlatform.rule]
    }

    /// The rule with this id.
    public static func rule(_ id: String) -> LintRule? { all.first { $0.id == id } }

    public static let constantPlatform = LintRuleDefinition<(written: String, platform: String, stage: String)>(
        rule: LintRule(
            id: "constant-platform", title: "FROM --platform with a constant value", severity: .warning,
            explanation: "A constant --platform pins the stage to one platform. In a multi-platform build every image then gets that stage's output for that one platform, and an arm64 node running the amd64 result fails with `exec format error`.",
            fix: "Use --platform=$BUILDPLATFORM for a stage that only builds (cross-compiling with TARGETOS/TARGETARCH), or drop the flag so the stage follows each target platform. If the pin is intended, name the stage after the platform (AS build-amd64); the rule accepts that."),
        format: {
            let origin = $0.written == $0.platform ? "" : " (the default of \($0.written))"
            return "FROM --platform=\($0.written) pins stage \($0.stage) to \($0.platform)\(origin); every image of a multi-platform build gets its \($0.platform) content"
        })

    public static let redundantTargetPlatform = LintRuleDefinition<String>(
        rule: LintRule(
            id: "redundant-target-platform", title: "FROM --platform=$TARGETPLATFORM is the default", severity: .info,
            explanation: "Every stage without --platform already runs on the target platform; the flag adds nothing and suggests a difference that is not there.",
            fix: "Remove the --platform flag."),
        format: { "--platform=\($0) is what FROM does by default; the flag can be removed" })

    public static let hardcodedArch = LintRuleDefinition<(instruction: String, token: String, architecture: String, via: String)>(
        rule: LintRule(
            id: "hardcoded-arch", title: "Hard-coded architecture in a download or file name", severity: .error,
            explanation: "The stage is built once for every target platform, but the URL or file it fetches or installs names one architecture. The arm64 image then contains an amd64 binary (or the other way round) and fails with `exec format error` only when it runs.",
            fix: "Declare `ARG TARGETARCH` in the stage and build the name from ${TARGETARCH}; when the project names architectures differently (x86_64/aarch64, x64), map TARGETARCH first."),
        format: { "\($0.instruction) fetches or installs \"\($0.token)\", which names the \($0.architecture) build, in a stage built for every target platform\($0.via)" })

    public static let undeclaredPlatformArg = LintRuleDefinition<(name: String, stage: String)>(
        rule: LintRule(
            id: "undeclared-platform-arg", title: "Platform variable used without ARG in the stage", severity: .error,
            explanation: "BuildKit sets TARGETARCH, TARGETOS, TARGETVARIANT, TARGETPLATFORM and their BUILD* counterparts for every build, but inside a stage they are visible only after an `ARG NAME` line in that stage. Without it the variable expands to an empty string, so `tool-linux-${TARGETARCH}.tar.gz` becomes `tool-linux-.tar.gz` or a default silently wins.",
            fix: "Add `ARG NAME` after the stage's FROM line, before the first use."),
        format: { "$\($0.name) is used in stage \($0.stage) but not declared there with `ARG \($0.name)`, so it expands to an empty string" })

    public static let buildPlatformInFinalStage = LintRuleDefinition<(stage: String, inherited: String)>(
        rule: LintRule(
            id: "buildplatform-in-final-stage", title: "Final stage runs on $BUILDPLATFORM", severity: .error,
            explanation: "The final stage is the image. When it runs on $BUILDPLATFORM, every image of a multi-platform build is made from the build machine's base image and says it is for the build machine's platform.",
            fix: "Give the final stage no --platform (it then follows each target platform) and COPY --from the $BUILDPLATFORM stage that cross-compiles."),
        format: { "the final stage \($0.stage) runs on $BUILDPLATFORM\($0.inherited), so every image of a multi-platform build is made for the build machine's platform" })

    public static let archSpecificRepository = LintRuleDefinition<(reference: String, namespace: String, platform: String)>(
        rule: LintRule(
            id: "arch-specific-repository", title: "Architecture-specific base repository", severity: .error,
            explanation: "Docker Hub's per-architecture namespaces (amd64/, arm64v8/, arm32v7/, ppc64le/, s390x/, …) hold images for one platform only. A multi-platform build based on them puts that platform's base into every image.",
            fix: "Use the official multi-platform image (library/NAME, written NAME) and let the build pick the platform."),
        format: { "image \"\($0.reference)\" comes from Docker Hub's \($0.namespace)/ namespace, which holds \($0.platform) images only" })

    public static let hardcodedMultiarchPath = LintRuleDefinition<(path: String, architecture: String)>(
        rule: LintRule(
            id: "hardcoded-multiarch-path", title: "Hard-coded multiarch library path", severity: .warning,
            explanation: "Debian-style multiarch directories and dynamic loaders are named after one architecture (/usr/lib/x86_64-linux-gnu, /lib/ld-linux-aarch64.so.1). In a stage built for every target platform, the path does not exist on the others.",
            fix: "Ask the system in RUN ($(dpkg-architecture -qDEB_HOST_MULTIARCH) or $(gcc -print-multiarch)), or map TARGETARCH to the triplet in the stage."),
        format: { "\"\($0.path)\" is the \($0.architecture) multiarch path; the stage is built for every target platform, where it has another name" })

    public static let buildArchProbe = LintRuleDefinition<(probe: String, stage: String)>(
        rule: LintRule(
            id: "build-arch-probe", title: "Architecture probe in a $BUILDPLATFORM stage", severity: .warning,
            explanation: "A stage on $BUILDPLATFORM runs natively on the build machine. `uname -m`, `dpkg --print-architecture` and the like report the build machine's architecture there, not the architecture of the image being built.",
            fix: "Declare `ARG TARGETARCH` (and TARGETVARIANT) in the stage and use it for the target. If the build machine's architecture is meant (a build tool), use $BUILDARCH instead, which says so."),
        format: { "`\($0.probe)` runs on the build machine in stage \($0.stage) ($BUILDPLATFORM), so it reports the build architecture, not the target's" })

    public static let platformDigestPin = LintRuleDefinition<(reference: String, platform: String)>(
        rule: LintRule(
            id: "platform-digest-pin", title: "Base image pinned to one platform's manifest", severity: .error,
            explanation: "A digest pins exactly one manifest. The digest of a single platform's image manifest (instead of the image index) makes every platform of the build use that one image.",
            fix: "Pin the digest of the image index: `xarch inspect NAME:TAG` prints it.", needsRegistry: true),
        format: { "image \"\($0.reference)\" is pinned to the \($0.platform) image manifest, not to an index, so every platform of the build gets \($0.platform) content" })

    public static let baseMissingPlatform = LintRuleDefinition<(reference: String, missing: String, available: String)>(
        rule: LintRule(
            id: "base-missing-platform", title: "Base image lacks a target platform", severity: .error,
            explanation: "The build for a platform the base image does not provide fails, or falls back to emulating another architecture.",
            fix: "Choose a base image (or tag) that is published for every target platform, or drop the platform from the build.",
            needsRegistry: true),
        format: { "image \"\($0.reference)\" has no \($0.missing) image; it has \($0.available)" })
}
