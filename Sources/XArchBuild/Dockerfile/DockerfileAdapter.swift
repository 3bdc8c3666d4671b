import Foundation
import XArchDockerfile
import XArchModel

/// The one place the build meets the Dockerfile parser (`XArchDockerfile`, BuildKit's parser and
/// shell lexer): it parses and checks the file, splits it into stages, and turns the parser's nodes
/// into `BuildInstruction`s. A change of the parser's API is a change of this file only.
enum DockerfileAdapter {
    /// Reads, parses and checks the Dockerfile at `path`.
    static func parse(file path: String) throws -> ParsedDockerfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XArchError(.notFound, "cannot read the Dockerfile \(path): it does not exist or is not readable")
        }
        do {
            return try parse(text: String(decoding: data, as: UTF8.self))
        } catch let error as XArchError {
            throw XArchError(error.code, "\(path): \(error.message)", cause: error)
        }
    }

    /// Parses and checks Dockerfile text.
    static func parse(text: String) throws -> ParsedDockerfile {
        let checked = try XArchDockerfile.DockerfileStages(DockerfileParser.parse(text))
        let instructions = checked.dockerfile.instructions
        let globals = instructions.prefix { $0.command != "from" }.filter { $0.command == "arg" }.map(convert)
        let stages = checked.stages.map { stage in
            BuildStages.Stage(index: stage.index, name: stage.name, from: convert(stage.from),
                                   body: stage.instructions.map(convert))
        }
        return ParsedDockerfile(stages: try BuildStages(globalArguments: globals, stages: stages),
                                expander: Expander(lexer: ShellLexer(escapeToken: checked.dockerfile.escapeToken)))
    }

    /// An `ONBUILD` trigger of a base image (`COPY . /app`), parsed as the instruction it is, reported
    /// at `line` (the `FROM` that inherits it).
    static func trigger(_ text: String, line: Int) throws -> BuildInstruction {
        let parsed = try parse(text: "FROM scratch\n\(text)\n")
        guard let stage = parsed.stages.stages.first, stage.body.count == 1, var instruction = stage.body.first else {
            throw XArchError(.invalidInput, "the ONBUILD trigger \"\(text)\" is not one instruction")
        }
        instruction.line = line
        return instruction
    }

    static func convert(_ node: Instruction) -> BuildInstruction {
        let flags = node.flags.map { word -> (name: String, value: String) in
            let body = word.value.hasPrefix("--") ? String(word.value.dropFirst(2)) : word.value
            guard let eq = body.firstIndex(of: "=") else { return (body.lowercased(), "true") }
            return (String(body[..<eq]).lowercased(), String(body[body.index(after: eq)...]))
        }
        let heredocs = node.heredocs.map {
            BuildInstruction.Heredoc(name: $0.name, content: $0.effectiveContent, expand: $0.expand)
        }
        return BuildInstruction(command: node.command, flags: flags, arguments: node.arguments.map(\.value),
                                isJSON: node.isJSON, heredocs: heredocs, original: node.original,
                                line: node.position.line, triggerText: node.trigger.map { _ in triggerText(node.original) })
    }

    /// `ONBUILD COPY a b` → `COPY a b`, the text Docker stores in the config's `OnBuild`.
    static func triggerText(_ original: String) -> String {
        let trimmed = original.drop { $0 == " " || $0 == "\t" }
        return String(trimmed.dropFirst("ONBUILD".count).drop { $0 == " " || $0 == "\t" })
    }

    /// BuildKit's shell lexer behind the build's `WordExpanding`.
    struct Expander: WordExpanding {
        let lexer: ShellLexer

        func expand(_ word: String, _ environment: [String: String]) throws -> String {
            try lexer.expandWord(word, environment: ShellEnvironment(environment))
        }

        func words(_ word: String, _ environment: [String: String]) throws -> [String] {
            try lexer.words(word, environment: ShellEnvironment(environment))
        }
    }
}
