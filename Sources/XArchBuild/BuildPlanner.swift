import Foundation
import XArchArchive
import XArchContent
import XArchDockerfile
import XArchModel

/// The planning step of a build: the target stage evaluated for every platform, before anything is
/// written (see `ImageBuild`).
struct BuildPlanner {
    struct Plan: Sendable {
        /// One final state per platform, in the order the platforms were given (or offered).
        var states: [StageState]
        /// Platforms `all` left out, with the reason.
        var skipped: [String: String]
        var unusedArguments: [String]
    }

    let options: BuildOptions
    /// The parsed Dockerfile, checked for a build (`BuildPlanner.dockerfile(at:)`).
    let stages: DockerfileStages
    let context: BuildContext
    let resolver: BaseImageResolver
    let spool: SpoolStore
    /// Runs RUN instructions; nil: RUN is refused.
    var runner: BuildRunner? = nil

    func plan() async throws -> Plan {
        let target = try stages.target(options.target)
        for name in options.noCacheStages where stages.stage(named: name) == nil && Int(name).map({ $0 < 0 || $0 >= stages.stages.count }) ?? true {
            throw XArchError(.invalidInput, "--no-cache-filter \(name): there is no such stage (\(stages.stages.map { $0.name ?? String($0.index) }.joined(separator: ", ")))")
        }
        var states: [StageState] = []
        var skipped: [String: String] = [:]
        // Platforms are evaluated in parallel (their RUNs run at once, up to --jobs); results keep the
        // order of the platforms, and the first error stops the others.
        if let platforms = options.platforms {
            var seen: Set<Platform> = []
            let unique = platforms.map(\.normalized).filter { seen.insert($0).inserted }
            for platform in unique {
                if let reason = Self.unsupported(platform) { throw XArchError(.unsupported, "\(platform.formatted): \(reason)") }
            }
            states = try await BoundedConcurrency.map(unique, limit: options.jobs) { platform in
                try await self.evaluate(target, for: platform)
            }
        } else {
            let (candidates, fromScratch) = try await allPlatforms(target)
            let runnable = candidates.filter { platform in
                guard let reason = Self.unsupported(platform) else { return true }
                skipped[platform.formatted] = reason
                return false
            }
            let outcomes = try await BoundedConcurrency.map(runnable, limit: options.jobs) { platform -> (Platform, StageState?, String?) in
                do {
                    return (platform, try await self.evaluate(target, for: platform), nil)
                } catch let error as XArchError where fromScratch && error.code == .missingSource {
                    // The reason without the platform `evaluate` put in front of it.
                    if let inner = error.cause as? XArchError, inner.code == error.code { return (platform, nil, inner.message) }
                    return (platform, nil, error.message)
                }
            }
            for (platform, state, reason) in outcomes {
                if let state { states.append(state) } else { skipped[platform.formatted] = reason }
            }
            guard !states.isEmpty else {
                throw XArchError(.missingSource, "--platform all found no platform whose COPY sources all exist in the context (tried \(candidates.map(\.formatted).joined(separator: ", ")))")
            }
        }
        try checkDistinct(states)
        return Plan(states: states, skipped: skipped, unusedArguments: unusedArguments())
    }

    /// Why xarch build cannot build for `platform`, or nil when it can.
    static func unsupported(_ platform: Platform) -> String? {
        guard platform.os == "windows" else { return nil }
        return "xarch build writes Linux layers; a Windows image needs its layers laid out under Files/ and Hives/, which it does not write"
    }

    /// The target stage for `platform`, with `--label`s and `created` applied.
    private func evaluate(_ target: BuildStage, for platform: Platform) async throws -> StageState {
        var evaluator = try StageEvaluator(stages: stages, context: context, resolver: resolver,
                                           spool: spool, target: platform, build: options.buildPlatform,
                                           buildArguments: options.buildArguments, created: options.created, runner: runner)
        evaluator.secrets = options.secrets
        evaluator.noCacheStages = options.noCacheStages
        var state: StageState
        do {
            state = try await evaluator.evaluate(target)
        } catch let error as XArchError where error.code == .missingSource && !error.message.contains(platform.formatted) {
            // `COPY bin/${TARGETARCH}/app` names a file per platform: say which platform lacks it.
            throw error.context(platform.formatted)
        }
        if !options.labels.isEmpty {
            state.container.labels = (state.container.labels ?? [:]).merging(options.labels) { $1 }
        }
        state.config.created = options.created
        return state
    }

    /// `--platform all`: the platforms of the image at the root of the target's `FROM` chain, or for
    /// `FROM scratch` the scratch candidates (true in the second element).
    private func allPlatforms(_ target: BuildStage) async throws -> ([Platform], Bool) {
        let arguments = BuildArguments(target: options.buildPlatform, build: options.buildPlatform,
                                       overrides: options.buildArguments)
        var global = arguments
        try global.declareGlobals(stages.globalArgs, expander: stages.expander)
        var stage = target
        while true {
            guard let written = stage.from.arguments.first?.value else { throw stage.from.fail("FROM requires an image") }
            let image = try stages.expander.expand(written, global.global)
            if let earlier = stages.stage(namedInFrom: image, before: stage.index) {
                stage = earlier
                continue
            }
            if image.lowercased() == "scratch" { return (BuildOptions.scratchCandidates, true) }
            var seen: Set<Platform> = []
            let offered = try await resolver.platforms(of: image).map(\.normalized).filter { seen.insert($0).inserted }
            return (offered, false)
        }
    }

    /// Two platforms must not give the same image platform (a final stage `FROM --platform=$BUILDPLATFORM`
    /// would): an index cannot hold two entries for one platform.
    private func checkDistinct(_ states: [StageState]) throws {
        var seen: [Platform: Int] = [:]
        for (i, state) in states.enumerated() {
            let platform = state.config.platform.normalized
            if let first = seen[platform] {
                throw XArchError(.invalidInput, "the images for \(states[first].platform.formatted) and \(state.platform.formatted) both say they are for \(platform.formatted): the final stage pins its platform (FROM --platform=…), so the index would hold one platform twice; build the final stage for $TARGETPLATFORM")
            }
            seen[platform] = i
        }
    }

    /// `--build-arg` names no `ARG` declares (automatic platform arguments count as declared).
    private func unusedArguments() -> [String] {
        var declared = Set(BuildArguments.automatic(target: options.buildPlatform, build: options.buildPlatform).keys)
        for declaration in stages.globalArgs { declared.insert(declaration.name) }
        for instruction in stages.stages.flatMap(\.instructions) where instruction.command == "arg" {
            for declaration in ArgDeclaration.parse(instruction) { declared.insert(declaration.name) }
        }
        return options.buildArguments.keys.filter { !declared.contains($0) }.sorted()
    }

    /// Reads, parses and checks the Dockerfile at `path` for a build; errors name the file.
    static func dockerfile(at path: String) throws -> DockerfileStages {
        try readDockerfile(at: path).stages
    }

    /// The Dockerfile at `path`, parsed, and the digest of the bytes parsed (for provenance: read once,
    /// so the digest is of what was built).
    static func readDockerfile(at path: String) throws -> (stages: DockerfileStages, digest: Digest) {
        let data = try POSIXFile.readFile(path, limit: DockerfileParser.maximumFileSize, what: "the Dockerfile",
                                          streams: true, lineLimit: DockerfileParser.maximumLineLength)
        do {
            return (try dockerfile(text: String(decoding: data, as: UTF8.self)), Digest.of(data))
        } catch let error as XArchError {
            throw XArchError(error.code, "\(path): \(error.message)", cause: error)
        }
    }

    /// Parses and checks Dockerfile text for a build: besides the parser's checks, it needs a `FROM`,
    /// only `--platform` on a `FROM`, and stage names used once.
    static func dockerfile(text: String) throws -> DockerfileStages {
        let parsed = try DockerfileStages(parsing: text)
        guard !parsed.stages.isEmpty else {
            throw XArchError(.invalidInput, "the Dockerfile has no FROM instruction, so it defines no image")
        }
        var seen: Set<String> = []
        for stage in parsed.stages {
            try stage.from.checkFlags(["platform"])
            guard let name = stage.name else { continue }
            guard seen.insert(name).inserted else { throw stage.from.fail("the stage name \"\(name)\" is used twice") }
        }
        return parsed
    }
}
