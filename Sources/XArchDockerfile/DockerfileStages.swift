import XArchModel

/// The stages of a Dockerfile and the global `ARG`s before the first `FROM`, checked as BuildKit's
/// `instructions.Parse` checks them (unknown instructions, argument counts, flags, stage names,
/// instructions before the first `FROM`).
public struct DockerfileStages: Sendable, Hashable {
    /// The parsed file.
    public var dockerfile: Dockerfile
    /// `ARG` instructions before the first `FROM` (BuildKit's meta args), usable in `FROM` lines.
    public var globalArgs: [ArgDeclaration]
    /// The stages in order; the last one is what a build without `--target` produces.
    public var stages: [BuildStage]

    /// The platform variables BuildKit defines for every build (Dockerfile reference, "Automatic platform ARGs").
    public static let automaticPlatformArgs: [String] = [
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    ]

    public init(_ dockerfile: Dockerfile) throws {
        self.dockerfile = dockerfile
        var globalArgs: [ArgDeclaration] = []
        var stages: [BuildStage] = []
        do {
            for instruction in dockerfile.instructions {
                try InstructionValidation.validate(instruction)
                if instruction.command == "from" {
                    stages.append(Self.stage(instruction, index: stages.count))
                } else if stages.isEmpty {
                    guard instruction.command == "arg" else {
                        throw DockerfileSyntaxError("no build stage in current context", at: instruction.keyword.range)
                    }
                    globalArgs += ArgDeclaration.parse(instruction)
                } else {
                    stages[stages.count - 1].instructions.append(instruction)
                }
            }
        } catch let error as DockerfileSyntaxError {
            throw error.error
        }
        self.globalArgs = globalArgs
        self.stages = stages
    }

    /// Parses and checks Dockerfile text.
    public init(parsing text: String) throws {
        try self.init(DockerfileParser.parse(text))
    }

    private static func stage(_ from: Instruction, index: Int) -> BuildStage {
        let args = from.arguments
        let nameWord = args.count == 3 ? args[2] : nil
        return BuildStage(index: index, from: from, base: args[0], name: nameWord?.value.lowercased(), nameWord: nameWord,
                          platform: from.flag("platform"), instructions: [])
    }

    /// The stage a build without `--target` produces.
    public var finalStage: BuildStage? { stages.last }

    /// The stage with this name (case-insensitive) or index, declared before stage `before` if given.
    public func stage(named label: String, before: Int? = nil) -> BuildStage? {
        let limit = before ?? stages.count
        let lowered = label.lowercased()
        if let found = stages.prefix(limit).first(where: { $0.name == lowered }) { return found }
        if let index = Int(label), index >= 0, index < limit { return stages[index] }
        return nil
    }

    /// The earlier stage a `FROM` names (its image, variables expanded), if it names one: by name only,
    /// as BuildKit resolves `FROM` (a number is an image name there, unlike in `COPY --from`).
    public func stage(namedInFrom image: String, before index: Int) -> BuildStage? {
        Int(image) == nil ? stage(named: image, before: index) : nil
    }

    /// The global `ARG` defaults, each expanded with the ones before it, as BuildKit evaluates them for
    /// `FROM` lines when no `--build-arg` is given. Declarations without a default are left out.
    public var globalArgDefaults: ShellEnvironment {
        var environment = ShellEnvironment()
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        for arg in globalArgs {
            guard let value = arg.defaultValue else { continue }
            environment[arg.name] = (try? lexer.expandWord(value, environment: environment)) ?? value
        }
        return environment
    }
}
