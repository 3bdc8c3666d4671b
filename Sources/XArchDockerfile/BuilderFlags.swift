/// The `--name[=value]` flags an instruction accepts, checked as BuildKit's `BFlags.Parse` checks them.
struct BuilderFlags {
    enum Kind { case string, strings, bool }

    /// Accepted flags per instruction (BuildKit's `instructions/parse.go` and the RUN flag hooks).
    static let accepted: [String: [String: Kind]] = [
        "from": ["platform": .string],
        "copy": ["from": .string, "chown": .string, "chmod": .string, "link": .bool, "parents": .bool, "exclude": .strings],
        "add": ["chown": .string, "chmod": .string, "link": .bool, "keep-git-dir": .bool, "checksum": .string,
                "exclude": .strings, "unpack": .bool],
        "run": ["mount": .strings, "network": .string, "security": .string, "device": .strings],
        "healthcheck": ["interval": .string, "timeout": .string, "start-period": .string, "start-interval": .string,
                        "retries": .string],
    ]

    /// Throws BuildKit's error for the first flag that is unknown, repeated, or lacks its value.
    static func validate(_ instruction: Instruction) throws {
        let accepted = Self.accepted[instruction.command] ?? [:]
        var used: Set<String> = []
        for flag in instruction.flags {
            let body = flag.value.dropFirst(2)
            let name: String
            let value: String?
            if let eq = body.firstIndex(of: "=") {
                name = String(body[..<eq])
                value = String(body[body.index(after: eq)...])
            } else {
                name = String(body)
                value = nil
            }
            guard let kind = accepted[name] else {
                throw DockerfileSyntaxError("unknown flag: \(name)", at: flag.range)
            }
            if !used.insert(name).inserted && kind != .strings {
                throw DockerfileSyntaxError("duplicate flag specified: \(name)", at: flag.range)
            }
            switch kind {
            case .bool:
                if let value {
                    guard !value.isEmpty else { throw DockerfileSyntaxError("missing a value on flag: \(name)", at: flag.range) }
                    guard ["true", "false"].contains(value.lowercased()) else {
                        throw DockerfileSyntaxError("expecting boolean value for flag \(name), not: \(value)", at: flag.range)
                    }
                }
            case .string, .strings:
                guard value != nil else { throw DockerfileSyntaxError("missing a value on flag: \(name)", at: flag.range) }
            }
        }
    }
}
