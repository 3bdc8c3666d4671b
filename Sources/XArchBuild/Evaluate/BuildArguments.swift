import XArchDockerfile
import XArchModel

/// The build arguments of one platform's build: the automatic platform arguments, the `--build-arg`
/// values, and the global `ARG`s declared before the first `FROM` (Dockerfile reference, ARG:
/// "Automatic platform ARGs in the global scope" and "Scope").
struct BuildArguments: Sendable {
    /// `--build-arg` values, which override defaults.
    let overrides: [String: String]
    /// The global scope: automatic platform arguments and the global `ARG`s, as evaluated.
    private(set) var global: [String: String]

    /// The automatic arguments for a build of `target` on `build` (BuildKit: `TARGETPLATFORM`,
    /// `TARGETOS`, `TARGETARCH`, `TARGETVARIANT`, `BUILDPLATFORM`, `BUILDOS`, `BUILDARCH`,
    /// `BUILDVARIANT`), from the normalized platforms: `linux/arm/v7` gives `TARGETVARIANT=v7`,
    /// `linux/arm64` an empty `TARGETVARIANT`.
    static func automatic(target: Platform, build: Platform) -> [String: String] {
        var values: [String: String] = [:]
        for (prefix, platform) in [("TARGET", target.normalized), ("BUILD", build.normalized)] {
            values[prefix + "PLATFORM"] = platform.formatted
            values[prefix + "OS"] = platform.os
            values[prefix + "ARCH"] = platform.architecture
            values[prefix + "VARIANT"] = platform.variant
        }
        return values
    }

    init(target: Platform, build: Platform, overrides: [String: String]) {
        self.overrides = overrides
        var global = Self.automatic(target: target, build: build)
        // A --build-arg may override an automatic argument, as BuildKit allows.
        for (name, value) in overrides where global[name] != nil { global[name] = value }
        self.global = global
    }

    /// Evaluates the global `ARG`s (before the first `FROM`) in order: each default is expanded with the
    /// arguments declared before it, also on the same line, and a `--build-arg` wins over it.
    mutating func declareGlobals(_ declarations: [ArgDeclaration], expander: WordExpander) throws {
        for declaration in declarations {
            if let value = overrides[declaration.name] {
                global[declaration.name] = value
            } else if let rawDefault = declaration.defaultValue {
                global[declaration.name] = try expander.expand(rawDefault, global)
            }
        }
    }

    /// The value a stage-local `ARG name[=default]` takes (BuildKit's `dispatchArg`): the
    /// `--build-arg`, else the default expanded in `environment`, else (without a default) the global
    /// argument of the same name; nil when none applies.
    func stageValue(name: String, rawDefault: String?, expander: WordExpander,
                    environment: [String: String]) throws -> String? {
        if let override = overrides[name] { return override }
        if let rawDefault { return try expander.expand(rawDefault, environment) }
        return global[name]
    }
}
