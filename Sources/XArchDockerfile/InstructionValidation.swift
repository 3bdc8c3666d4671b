/// The checks BuildKit makes when it turns parsed instructions into commands (`instructions/parse.go`):
/// argument counts, flags, stage names, heredoc placement. A Dockerfile that passes the parser can still
/// fail here, before anything is built.
enum InstructionValidation {
    static func validate(_ instruction: Instruction) throws {
        let args = instruction.arguments
        let name = instruction.keyword.value.uppercased()
        func fail(_ message: String) -> DockerfileSyntaxError { DockerfileSyntaxError(message, at: instruction.keyword.range) }
        guard instruction.isKnown else { throw DockerfileSyntaxError("unknown instruction: \(instruction.keyword.value)", at: instruction.keyword.range) }
        let healthcheckNone = instruction.command == "healthcheck" && args.first?.value.uppercased() == "NONE"
        if instruction.command != "stopsignal" && !healthcheckNone { try BuilderFlags.validate(instruction) }
        switch instruction.command {
        case "env", "label", "arg", "expose", "volume":
            guard !args.isEmpty else { throw fail("\(name) requires at least one argument") }
            if instruction.command == "env" || instruction.command == "label" {
                for key in stride(from: 0, to: args.count, by: 3) where args[key].value.isEmpty {
                    throw DockerfileSyntaxError("\(name) names can not be blank", at: args[key].position)
                }
            }
            if instruction.command == "arg", let blank = args.first(where: { $0.value.hasPrefix("=") }) {
                throw DockerfileSyntaxError("ARG names can not be blank", at: blank.position)
            }
            if instruction.command == "volume", let empty = args.first(where: { $0.value.allSatisfy(\.isWhitespace) }) {
                throw DockerfileSyntaxError("VOLUME specified can not be an empty string", at: empty.position)
            }
        case "maintainer", "workdir", "user", "stopsignal":
            guard args.count == 1 else { throw fail("\(name) requires exactly one argument") }
        case "add", "copy":
            guard args.count >= 2 else {
                throw fail("\(name) requires at least two arguments, but only one was provided. Destination could not be determined")
            }
            if let dest = args.last, (try? ParserState.heredoc(fromWord: dest.value, at: dest.position)) != nil {
                throw DockerfileSyntaxError("\(name) cannot accept a heredoc as a destination", at: dest.position)
            }
        case "from":
            try validateFrom(instruction)
        case "onbuild":
            guard let trigger = instruction.trigger else { throw fail("ONBUILD requires at least one argument") }
            switch trigger.command {
            case "onbuild": throw DockerfileSyntaxError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", at: trigger.keyword.range)
            case "maintainer", "from":
                throw DockerfileSyntaxError("\(trigger.command.uppercased()) isn't allowed as an ONBUILD trigger", at: trigger.keyword.range)
            default: try validate(trigger)
            }
        case "healthcheck":
            try validateHealthcheck(instruction)
        case "shell":
            guard !args.isEmpty else { throw fail("SHELL requires at least one argument") }
            guard instruction.isJSON else { throw fail("SHELL requires the arguments to be in JSON form") }
        default:
            break
        }
    }

    /// `FROM image [AS name]`: one or three arguments, `AS` in any case, a valid lowercase stage name.
    static func validateFrom(_ instruction: Instruction) throws {
        let args = instruction.arguments
        if args.count == 3 && args[1].value.lowercased() == "as" {
            let name = args[2].value.lowercased().unicodeScalars
            let valid = name.first.map { ("a"..."z").contains($0) } == true
                && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
            guard valid else {
                throw DockerfileSyntaxError("invalid name for build stage: \(GoQuote.quote(args[2].value)), name can't start with a number or contain symbols",
                                            at: args[2].range)
            }
        } else if args.count != 1 {
            throw DockerfileSyntaxError("FROM requires either one or three arguments", at: instruction.keyword.range)
        }
    }

    static func validateHealthcheck(_ instruction: Instruction) throws {
        let args = instruction.arguments
        guard let type = args.first else {
            throw DockerfileSyntaxError("HEALTHCHECK requires at least one argument", at: instruction.keyword.range)
        }
        switch type.value.uppercased() {
        case "NONE":
            guard args.count == 1 else { throw DockerfileSyntaxError("HEALTHCHECK NONE takes no arguments", at: type.range) }
        case "CMD":
            guard args.count > 1 else { throw DockerfileSyntaxError("Missing command after HEALTHCHECK CMD", at: type.range) }
        default:
            throw DockerfileSyntaxError("Unknown type \(GoQuote.quote(type.value.uppercased())) in HEALTHCHECK (try CMD)", at: type.range)
        }
    }
}
