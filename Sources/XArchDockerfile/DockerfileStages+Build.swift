import XArchModel

/// What a build asks of the stages: the stage `--target` names, the expansion the file's escape
/// character implies, and a base image's `ONBUILD` triggers read as instructions (Dockerfile
/// reference, "Multi-stage builds", "Environment replacement" and ONBUILD).
extension DockerfileStages {
    /// Expands variables with this file's escape character.
    public var expander: WordExpander { WordExpander(escapeToken: dockerfile.escapeToken) }

    /// The stage to build: the one `--target` names (by name in any case, or by index), else the last.
    public func target(_ name: String?) throws -> BuildStage {
        guard let name else {
            guard let last = stages.last else { throw XArchError(.invalidInput, "the Dockerfile has no FROM instruction, so it defines no image") }
            return last
        }
        guard let stage = stage(named: name) else {
            let names = stages.compactMap(\.name)
            let known = names.isEmpty ? "it has no named stages" : "its stages are: \(names.joined(separator: ", "))"
            throw XArchError(.invalidInput, "the target stage \"\(name)\" is not in the Dockerfile; \(known)")
        }
        return stage
    }
}

extension Instruction {
    /// An `ONBUILD` trigger of a base image (`COPY . /app`, as the config's `OnBuild` holds it), parsed
    /// and checked as the instruction it is, and reported at `line` (the `FROM` that inherits it).
    public static func onbuildTrigger(_ text: String, reportedAt line: Int) throws -> Instruction {
        let parsed = try DockerfileStages(parsing: "FROM scratch\n\(text)\n")
        guard let stage = parsed.stages.first, stage.instructions.count == 1, let instruction = stage.instructions.first else {
            throw XArchError(.invalidInput, "the ONBUILD trigger \"\(text)\" is not one instruction")
        }
        return instruction.shifted(byLines: line - instruction.line)
    }
}
