/// A rule with the function that words its findings (BuildKit's `LinterRule[F]`: the format is typed).
public struct LintRuleDefinition<Arguments: Sendable>: Sendable {
    public let rule: LintRule
    let format: @Sendable (Arguments) -> String

    /// A finding of this rule at `range`; `severity` lowers (or raises) the rule's default for this
    /// occurrence when the rule's page documents why (an uncertain precondition becomes an `info` note).
    func finding(_ arguments: Arguments, file: String, at range: SourceRange, fix: String? = nil,
                 severity: Severity? = nil) -> Finding {
        var finding = Finding(rule: rule, message: format(arguments), file: file, range: range, fix: fix)
        if let severity { finding.severity = severity }
        return finding
    }
}

/// xarch's multi-architecture rules. Each has a page under `docs/rules/<id>.md`.
public enum LintRules {
    /// Every rule, in documentation order.
    public static var all: [LintRule] {
        [constantPlatform.rule, redundantTargetPlatform.rule, hardcodedArch.rule, undeclaredPlatformArg.rule,
         buildPlatformInFinalStage.rule, archSpecificRepository.rule, archSpecificTag.rule, hardcodedMultiarchPath.rule,
         packageArchPin.rule, archProbeNaming.rule, archCaseFallback.rule, buildArchProbe.rule, platformDigestPin.rule,
         baseMissingPlatform.rule]
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

    public static let archSpecificTag = LintRuleDefinition<(reference: String, part: String, text: String, architecture: String, via: String)>(
        rule: LintRule(
            id: "arch-specific-tag", title: "Architecture in the base image tag or name", severity: .error,
            explanation: "Many projects publish one tag per architecture next to the multi-platform one (8.0-bookworm-slim-amd64, arm64v8-3.20, latest-arm64) or one repository per architecture (manylinux2014_x86_64). Such a tag or name points at one platform's image, so a stage built for every target platform puts that platform's base into every image.",
            fix: "Use the multi-platform tag, without the architecture. When only per-architecture tags exist and they use Go's names, write ${TARGETARCH} in the tag (FROM accepts the automatic platform ARGs)."),
        format: {
            "image \"\($0.reference)\" names the \($0.architecture) build in its \($0.part) (\"\($0.text)\")\($0.via), in a stage built for every target platform"
        })

    public static let hardcodedMultiarchPath = LintRuleDefinition<(path: String, architecture: String, multiarch: Bool)>(
        rule: LintRule(
            id: "hardcoded-multiarch-path", title: "Hard-coded multiarch or architecture-named path", severity: .warning,
            explanation: "Debian-style multiarch directories and dynamic loaders are named after one architecture (/usr/lib/x86_64-linux-gnu, /lib/ld-linux-aarch64.so.1), and so are other paths (/usr/lib/jvm/java-17-openjdk-amd64, /etc/ld-musl-x86_64.path, build/lib.linux-x86_64-cpython-311). In a stage built for every target platform, the path does not exist on the others.",
            fix: "Ask the system in RUN ($(dpkg-architecture -qDEB_HOST_MULTIARCH) or $(gcc -print-multiarch)), or map TARGETARCH to the name in the stage; for a directory such as JAVA_HOME, link it to a name without the architecture in RUN."),
        format: {
            let what = $0.multiarch ? "the \($0.architecture) multiarch path" : "a path named after \($0.architecture)"
            return "\"\($0.path)\" is \(what); the stage is built for every target platform, where it has another name"
        })

    public static let buildArchProbe = LintRuleDefinition<(probe: String, stage: String)>(
        rule: LintRule(
            id: "build-arch-probe", title: "Architecture probe in a $BUILDPLATFORM stage", severity: .warning,
            explanation: "A stage on $BUILDPLATFORM runs natively on the build machine. `uname -m`, `dpkg --print-architecture` and the like report the build machine's architecture there, not the architecture of the image being built.",
            fix: "Declare `ARG TARGETARCH` (and TARGETVARIANT) in the stage and use it for the target. If the build machine's architecture is meant (a build tool), use $BUILDARCH instead, which says so."),
        format: { "`\($0.probe)` runs on the build machine in stage \($0.stage) ($BUILDPLATFORM), so it reports the build architecture, not the target's" })

    public static let packageArchPin = LintRuleDefinition<(what: String, architecture: String, stage: String)>(
        rule: LintRule(
            id: "package-arch-pin", title: "Package manager or compiler pinned to one architecture", severity: .error,
            explanation: "`apt-get install libfoo:amd64`, `dpkg --add-architecture i386`, `yum install glibc.i686`, `GOARCH=amd64` and `--platform=linux/amd64` given to a tool inside RUN all ask for one architecture by name. In a stage built for every target platform (and, for GOARCH, in a $BUILDPLATFORM stage that cross-compiles for the images) every image then gets that architecture's packages or binaries.",
            fix: "Drop the pin (apt installs the target's architecture by default), or derive it: GOARCH=$TARGETARCH after `ARG TARGETARCH`, --platform=$TARGETPLATFORM, or map TARGETARCH to the tool's naming."),
        format: { "\($0.what) pins \($0.architecture) in stage \($0.stage), which is built for every target platform" })

    public static let archProbeNaming = LintRuleDefinition<(use: String, probe: String, prints: String)>(
        rule: LintRule(
            id: "arch-probe-naming", title: "Architecture probe output used in another naming", severity: .warning,
            explanation: "`uname -m` prints x86_64 and aarch64 on Linux where Go and Docker say amd64 and arm64; `dpkg --print-architecture` prints Debian's names (amd64, armhf, i386). Using the output as the other naming (GOARCH=$(uname -m), --platform=linux/$(uname -m), a case arm `amd64)` on `uname -m`) fails, or silently takes another branch, on the platforms whose names differ.",
            fix: "Map the output first: `case \"$(uname -m)\" in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; *) echo unsupported >&2; exit 1 ;; esac`, or use $TARGETARCH (after `ARG TARGETARCH`), which already has Go's names."),
        format: { "\($0.use) treats the output of `\($0.probe)` as a Go/Docker architecture name, but it prints \($0.prints)" })

    public static let archCaseFallback = LintRuleDefinition<(subject: String, architecture: String, token: String)>(
        rule: LintRule(
            id: "arch-case-fallback", title: "Architecture mapping falls back to one architecture", severity: .warning,
            explanation: "A `case` (or if/else) that maps the architecture and picks amd64 (x86_64, x64) in its `*)` or `else` branch gives every platform it does not list the amd64 build: an arm/v7, ppc64le or s390x image builds without error and fails with `exec format error` when it runs.",
            fix: "Let the fallback fail: `*) echo \"unsupported architecture: $TARGETARCH\" >&2; exit 1 ;;`."),
        format: { "the fallback branch of the mapping of \($0.subject) picks \($0.architecture) (\"\($0.token)\") for every architecture it does not list, so an unlisted platform silently gets the \($0.architecture) build" })

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
