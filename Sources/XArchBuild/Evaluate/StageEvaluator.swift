import XArchDockerfile
import XArchModel

/// Evaluates a Dockerfile's stages for one target platform, without running anything: each
/// instruction changes the stage's config or adds a planned layer. Only the stages the target needs
/// are evaluated (its base stage and `COPY --from` stages, transitively), as BuildKit skips the others,
/// so a `RUN` in an unused stage does not stop the build.
struct StageEvaluator {
    let stages: DockerfileStages
    /// Expansion with the Dockerfile's escape character.
    let expander: WordExpander
    let context: BuildContext
    let resolver: BaseImageResolver
    /// Where base image layers and ADD archives are spooled when a COPY needs their files.
    let spool: SpoolStore
    let target: Platform
    let build: Platform
    /// Runs RUN instructions; nil: RUN is refused.
    let runner: BuildRunner?
    /// `--secret`s for `RUN --mount=type=secret`.
    var secrets: [String: BuildSecret] = [:]
    /// `--no-cache-filter`: stages whose RUNs do not use kept results.
    var noCacheStages: Set<String> = []
    /// `created` of history entries: `SOURCE_DATE_EPOCH` as RFC 3339.
    let created: String
    private(set) var arguments: BuildArguments
    private var results: [Int: StageState] = [:]
    private var inProgress: Set<Int> = []

    init(stages: DockerfileStages, context: BuildContext, resolver: BaseImageResolver,
         spool: SpoolStore, target: Platform, build: Platform, buildArguments: [String: String], created: String,
         runner: BuildRunner? = nil) throws {
        self.stages = stages
        self.expander = stages.expander
        self.context = context
        self.resolver = resolver
        self.spool = spool
        self.target = target.normalized
        self.build = build.normalized
        self.created = created
        self.runner = runner
        var arguments = BuildArguments(target: self.target, build: self.build, overrides: buildArguments)
        try arguments.declareGlobals(stages.globalArgs, expander: expander)
        self.arguments = arguments
    }

    /// The finished state of `stage` (evaluated once, then remembered).
    mutating func evaluate(_ stage: BuildStage) async throws -> StageState {
        if let done = results[stage.index] { return done }
        guard inProgress.insert(stage.index).inserted else {
            throw stage.from.fail("\(stage.displayName) depends on itself")
        }
        var state = try await start(stage)
        for instruction in stage.instructions {
            try await apply(instruction, to: &state, in: stage)
        }
        inProgress.remove(stage.index)
        results[stage.index] = state
        return state
    }

    /// `FROM [--platform=P] image [AS name]`: the image and the platform expand with the global
    /// arguments only; a name of an earlier stage continues from that stage.
    private mutating func start(_ stage: BuildStage) async throws -> StageState {
        let from = stage.from
        guard let written = from.arguments.first?.value else { throw from.fail("FROM requires an image") }
        let image = try expander.expand(written, arguments.global)
        guard !image.isEmpty else { throw from.fail("FROM names no image (\"\(written)\" expands to nothing)") }
        var platform = target
        if let spec = from.flag("platform")?.value {
            let expanded = try expander.expand(spec, arguments.global)
            do {
                platform = try Platform(parsing: expanded).normalized
            } catch let error as XArchError {
                throw from.fail("FROM --platform=\(expanded): \(error.message)")
            }
        }
        if let earlier = stages.stage(namedInFrom: image, before: stage.index) {
            // The config and files carry over; ARGs and "CMD was set here" belong to the earlier stage.
            var state = try await evaluate(earlier)
            state.arguments = [:]
            state.commandSet = false
            return state
        }
        if image.lowercased() == "scratch" { return .scratch(platform) }
        let resolved: ResolvedImage
        do {
            resolved = try await resolver.resolve(image, platform: platform)
        } catch let error as XArchError {
            throw XArchError(error.code, "Dockerfile line \(from.line): \(error.message)", cause: error)
        }
        var state = try StageState.image(resolved, platform: platform)
        try await runTriggers(of: resolved, on: &state, in: stage)
        return state
    }

    /// The base image's `ONBUILD` triggers run first, in order, as if written after the `FROM`
    /// (Dockerfile reference, ONBUILD); a trigger xarch cannot run (RUN) stops the build, naming it.
    private mutating func runTriggers(of image: ResolvedImage, on state: inout StageState,
                                      in stage: BuildStage) async throws {
        for text in image.config.config?.onBuild ?? [] {
            do {
                let trigger = try Instruction.onbuildTrigger(text, reportedAt: stage.from.line)
                try await apply(trigger, to: &state, in: stage)
            } catch let error as XArchError {
                throw XArchError(error.code, "the ONBUILD trigger \"\(text)\" of base image \(image.name): \(error.message)", cause: error)
            }
        }
    }

    /// Applies one instruction of a stage's body.
    private mutating func apply(_ instruction: Instruction, to state: inout StageState,
                                in stage: BuildStage) async throws {
        switch instruction.command {
        case "copy", "add":
            try await copy(instruction, into: &state, stage: stage)
            state.record(instruction.original, created: created, emptyLayer: false)
            return
        case "run":
            try await run(instruction, into: &state, stage: stage)
            return
        case "workdir":
            try await workdir(instruction, &state)
            return
        default:
            try configure(instruction, &state)
        }
        state.record(instruction.original, created: created, emptyLayer: true)
    }

    /// The current stage's view of a `--from` value: an earlier stage, or an image for this stage's platform.
    mutating func source(from reference: String, stage: BuildStage, state: StageState,
                         instruction: Instruction) async throws -> any SourceTree {
        if let earlier = stages.stage(named: reference, before: stage.index) {
            let state = try await evaluate(earlier)
            if !state.layerDirectories.isEmpty, let runner {
                // A stage that ran something: its files are the overlay stack its RUNs saw, plus their layers.
                return DirectoryStack(name: earlier.displayName, directories: try await layerDirectories(of: state),
                                      mapping: runner.mapping)
            }
            return StageTree(name: earlier.displayName, state: state, base: try await baseTree(of: state))
        }
        if stages.stage(named: reference) != nil {
            throw instruction.fail("--from=\(reference) names a later stage; a stage can only copy from the stages before it")
        }
        if Int(reference) != nil { throw instruction.fail("--from=\(reference): there is no stage #\(reference)") }
        do {
            let image = try await resolver.resolve(reference, platform: state.platform)
            return StageTree(name: "image \(reference)", state: try .image(image, platform: state.platform),
                             base: try await spool.tree(of: image))
        } catch let error as XArchError {
            throw XArchError(error.code, "Dockerfile line \(instruction.line): \(error.message)", cause: error)
        }
    }

    /// What exists in the image a stage is built on (its layers read, nothing kept); nil for `scratch`.
    func baseListing(of state: StageState) async throws -> ArchiveTree? {
        for layer in state.layers {
            if case .base(_, _, let image) = layer { return try await spool.listing(of: image) }
        }
        return nil
    }

    /// The file system of the image a stage is built on (read and spooled on first use); nil for `scratch`.
    func baseTree(of state: StageState) async throws -> ArchiveTree? {
        for layer in state.layers {
            if case .base(_, _, let image) = layer { return try await spool.tree(of: image) }
        }
        return nil
    }
}
