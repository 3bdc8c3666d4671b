import Foundation
import XArchModel

/// Which platform a stage's commands run on and produce, as far as the Dockerfile alone tells.
public enum StagePlatform: Sendable, Hashable {
    /// The target platform of the build: no `--platform` (or `--platform=$TARGETPLATFORM`).
    case target(explicit: Bool)
    /// The build machine's platform: `--platform=$BUILDPLATFORM` (or `$BUILDOS/$BUILDARCH`).
    case build
    /// A platform written as a constant: `--platform=linux/amd64`.
    case constant(String)
    /// A platform that comes from a global `ARG` default (`--platform=$PLATFORM`); may be overridden.
    case argumentDefault(String)
    /// Anything else (unset variables, mixtures).
    case unknown

    /// Whether the stage is built once per target platform.
    public var isTarget: Bool { if case .target = self { return true } else { return false } }
}

/// How a stage got its platform: from its own `--platform`, or from the stage it is based on.
public struct ResolvedStagePlatform: Sendable, Hashable {
    public var platform: StagePlatform
    /// The stage whose `--platform` decided, when it is not this stage itself.
    public var inheritedFrom: Int?
}

extension DockerfileStages {
    /// Stand-ins for the automatic platform variables, so expansion shows where they end up.
    static func sentinel(_ name: String) -> String { "\u{27EA}\(name)\u{27EB}" }

    /// The global `ARG` defaults with the automatic platform variables set to stand-ins.
    var symbolicGlobalEnvironment: ShellEnvironment {
        var environment = ShellEnvironment()
        for name in Self.automaticPlatformArgs { environment[name] = Self.sentinel(name) }
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        for arg in globalArgs {
            guard let value = arg.defaultValue else { continue }
            environment[arg.name] = (try? lexer.expandWord(value, environment: environment)) ?? value
        }
        return environment
    }

    /// The stage this stage's `FROM` names, if it names an earlier stage rather than an image.
    public func baseStage(of stage: BuildStage) -> BuildStage? {
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        let base = (try? lexer.expandWord(stage.base.value, environment: globalArgDefaults)) ?? stage.base.value
        return self.stage(namedInFrom: base, before: stage.index)
    }

    /// The platform a stage runs on: its own `--platform`, else its base stage's, else the target's.
    public func platform(of stage: BuildStage) -> ResolvedStagePlatform {
        if let flag = stage.platform { return ResolvedStagePlatform(platform: classify(flag.value), inheritedFrom: nil) }
        if let base = baseStage(of: stage) {
            let inherited = platform(of: base)
            return ResolvedStagePlatform(platform: inherited.platform, inheritedFrom: inherited.inheritedFrom ?? base.index)
        }
        return ResolvedStagePlatform(platform: .target(explicit: false), inheritedFrom: nil)
    }

    /// Classifies a `--platform` value.
    func classify(_ value: String) -> StagePlatform {
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        guard let expansion = try? lexer.expand(value, environment: symbolicGlobalEnvironment) else { return .unknown }
        if !expansion.unmatched.isEmpty { return .unknown }
        let text = expansion.result
        if !text.contains("\u{27EA}") {
            return expansion.matched.isEmpty ? .constant(text) : .argumentDefault(text)
        }
        var remainder = text
        var kinds: Set<String> = []
        for name in Self.automaticPlatformArgs where remainder.contains(Self.sentinel(name)) {
            kinds.insert(String(name.prefix(5)))
            remainder = remainder.replacingOccurrences(of: Self.sentinel(name), with: "")
        }
        guard remainder.allSatisfy({ $0 == "/" }), kinds.count == 1 else { return .unknown }
        return kinds.first == "BUILD" ? .build : .target(explicit: true)
    }
}
