import XArchModel

/// The registry half of linting (`xarch lint --check-base`): which base images to look up for which
/// platforms, and the findings from what the registry answered. The lookups themselves happen outside
/// this module, which stays free of I/O.
public enum BaseImageCheck {
    /// A base image and the platforms a build needs from it.
    public struct Requirement: Sendable, Hashable {
        /// The image as written after global `ARG` expansion: `alpine:3.20`, `oci:./layout:tag`.
        public var image: String
        /// The platforms to resolve: the build's for target stages, the constant for pinned ones.
        public var platforms: [Platform]
        /// Where the image is named.
        public var range: SourceRange
    }

    /// What the registry holds for an image.
    public enum Availability: Sendable, Hashable {
        /// An index with these platforms (attestations excluded).
        case index([Platform])
        /// A single image manifest for this platform.
        case manifest(Platform)
    }

    /// The base images of the stages (not `scratch`, not other stages, not `$BUILDPLATFORM` stages whose
    /// platform is the build machine's), with the platforms each must provide. Images that still hold
    /// variables after global `ARG` expansion are left out.
    public static func requirements(_ stages: DockerfileStages, platforms: [Platform]) -> [Requirement] {
        let lexer = ShellLexer(escapeToken: stages.dockerfile.escapeToken)
        let globals = stages.globalArgDefaults
        var result: [Requirement] = []
        for stage in stages.stages where stages.baseStage(of: stage) == nil {
            guard let image = try? lexer.expandWord(stage.base.value, environment: globals),
                  image.lowercased() != "scratch", !image.isEmpty, !image.contains("$") else { continue }
            let needed: [Platform]
            switch stages.platform(of: stage).platform {
            case .target: needed = platforms
            case .constant(let text), .argumentDefault(let text):
                guard let platform = try? Platform(parsing: text) else { continue }
                needed = [platform]
            case .build, .unknown: continue
            }
            result.append(Requirement(image: image, platforms: needed, range: stage.base.range))
        }
        return result
    }

    /// Findings for one requirement: a digest that pins one platform's manifest, and every needed
    /// platform the image does not provide exactly (containerd `OnlyStrict`: an arm64 build needs arm64).
    public static func findings(_ requirement: Requirement, availability: Availability, pinnedByDigest: Bool,
                                file: String) -> [Finding] {
        var findings: [Finding] = []
        let available: [Platform]
        switch availability {
        case .index(let platforms):
            available = platforms
        case .manifest(let platform):
            available = [platform]
            if pinnedByDigest {
                findings.append(LintRules.platformDigestPin.finding((requirement.image, platform.formatted), file: file,
                                                                    at: requirement.range))
            }
        }
        let names = available.isEmpty ? "no platforms" : available.map(\.formatted).joined(separator: ", ")
        for platform in requirement.platforms {
            let matcher = PlatformMatcher.onlyStrict(platform)
            guard !available.contains(where: { matcher.matches($0) }) else { continue }
            findings.append(LintRules.baseMissingPlatform.finding((requirement.image, platform.formatted, names), file: file,
                                                                  at: requirement.range))
        }
        return findings
    }
}
