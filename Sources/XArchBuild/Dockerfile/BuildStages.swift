import XArchModel

/// A Dockerfile split into the global `ARG`s and its stages (Dockerfile reference, FROM and
/// "Understand how ARG and FROM interact"), as the parser splits it (`DockerfileAdapter`): every `FROM`
/// starts a stage, named by `AS name` (lowercased, as BuildKit does) and also reachable by its index.
struct BuildStages: Sendable {
    struct Stage: Sendable {
        let index: Int
        /// The lowercase name after `AS`, if any.
        let name: String?
        let from: BuildInstruction
        let body: [BuildInstruction]

        /// `stage builder` / `stage #0`, for messages.
        var displayName: String { name.map { "stage \($0)" } ?? "stage #\(index)" }
    }

    let globalArguments: [BuildInstruction]
    let stages: [Stage]

    /// The global `ARG`s and the stages, as the parser split them; stage names must be unique.
    init(globalArguments: [BuildInstruction], stages: [Stage]) throws {
        guard !stages.isEmpty else {
            throw XArchError(.invalidInput, "the Dockerfile has no FROM instruction, so it defines no image")
        }
        var seen: Set<String> = []
        for stage in stages {
            try stage.from.checkFlags(["platform"])
            guard let name = stage.name else { continue }
            guard seen.insert(name).inserted else { throw stage.from.fail("the stage name \"\(name)\" is used twice") }
        }
        self.globalArguments = globalArguments
        self.stages = stages
    }

    /// The stage a `--target` or `--from` names: by name (any case) or by index; nil when none.
    func stage(named reference: String, before limit: Int? = nil) -> Stage? {
        let candidates = stages.prefix(limit ?? stages.count)
        if let number = Int(reference) { return candidates.first { $0.index == number } }
        let lowered = reference.lowercased()
        return candidates.first { $0.name == lowered }
    }

    /// The stage to build: `--target`, else the last one.
    func target(_ name: String?) throws -> Stage {
        guard let name else { return stages[stages.count - 1] }
        guard let stage = stage(named: name) else {
            let names = stages.compactMap(\.name)
            let known = names.isEmpty ? "it has no named stages" : "its stages are: \(names.joined(separator: ", "))"
            throw XArchError(.invalidInput, "the target stage \"\(name)\" is not in the Dockerfile; \(known)")
        }
        return stage
    }
}
