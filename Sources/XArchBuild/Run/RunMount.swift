import XArchModel

/// One `RUN --mount=…` (Dockerfile reference, "RUN --mount"), parsed as BuildKit reads it: comma
/// separated `key=value` fields (double quotes protect commas), `type` defaulting to `bind`.
struct RunMount: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// Files at `source` of the build context, or with `from` of an earlier stage or an image;
        /// read-only unless `rw` (writes are then discarded, as in BuildKit; not with `from`).
        case bind(source: String, readWrite: Bool, from: String?)
        /// A directory kept between builds, one per `id` (default: the target) and platform; `sharing`
        /// says what concurrent users of it do (`CacheLease`); `from` (a stage or an image) and `source`
        /// (in it) give what a new, empty cache starts with.
        case cache(id: String, readOnly: Bool, mode: UInt32, uid: UInt32, gid: UInt32, sharing: Sharing,
                   from: String?, source: String)
        case tmpfs(size: String?)
        /// A secret given with `xarch build --secret id=…`; a file at the target and/or a variable `env`.
        case secret(id: String, required: Bool, environment: String?, hasTarget: Bool)
    }

    /// `sharing=` of a cache mount: `shared` (BuildKit's default: used at once by every RUN), `locked`
    /// (one RUN at a time; the others wait), `private` (a RUN that finds it in use gets a fresh one).
    enum Sharing: String, Sendable, Hashable {
        case shared, locked
        case `private`
    }

    var kind: Kind
    /// Absolute (a relative target is taken from the working directory, as BuildKit does).
    var target: String

    /// Parses the value of one `--mount` flag (already expanded).
    static func parse(_ text: String, workingDirectory: String) throws -> RunMount {
        var fields: [String: String] = [:]
        var flags: Set<String> = []
        for field in split(text) {
            if let eq = field.firstIndex(of: "=") {
                let key = field[..<eq].lowercased()
                fields[key] = String(field[field.index(after: eq)...])
            } else {
                flags.insert(field.lowercased())
            }
        }
        func bool(_ key: String) throws -> Bool {
            if flags.contains(key) { return true }
            guard let value = fields[key] else { return false }
            switch value.lowercased() {
            case "true", "1", "": return true
            case "false", "0": return false
            default: throw XArchError(.invalidInput, "--mount \(key)=\(value): expected true or false")
            }
        }
        func number(_ key: String, radix: Int = 10, default value: UInt32) throws -> UInt32 {
            guard let text = fields[key] else { return value }
            guard let parsed = UInt32(text, radix: radix) else { throw XArchError(.invalidInput, "--mount \(key)=\(text) is not a number") }
            return parsed
        }
        let type = fields["type"]?.lowercased() ?? "bind"
        let written = fields["target"] ?? fields["dst"] ?? fields["destination"]
        func absolute(_ path: String) -> String {
            let joined = path.hasPrefix("/") ? path : (workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/") + path
            let clean = CleanPath.clean(joined)
            return clean.isEmpty ? "/" : "/" + clean
        }
        switch type {
        case "bind":
            guard let written else { throw XArchError(.invalidInput, "--mount type=bind needs a target") }
            let readWrite = try bool("rw") || bool("readwrite")
            if let from = fields["from"], readWrite {
                throw XArchError(.unsupported, "--mount type=bind,from=\(from),rw is not supported by xarch build (from= is read-only)")
            }
            return RunMount(kind: .bind(source: fields["source"] ?? fields["src"] ?? ".", readWrite: readWrite, from: fields["from"]),
                            target: absolute(written))
        case "cache":
            guard let written else { throw XArchError(.invalidInput, "--mount type=cache needs a target") }
            let sharing = try fields["sharing"].map { text in
                guard let sharing = Sharing(rawValue: text.lowercased()) else {
                    throw XArchError(.invalidInput, "--mount sharing=\(text): use shared, private or locked")
                }
                return sharing
            } ?? .shared
            let target = absolute(written)
            return RunMount(kind: .cache(id: fields["id"] ?? target, readOnly: try bool("ro") || bool("readonly"),
                                         mode: try number("mode", radix: 8, default: 0o755),
                                         uid: try number("uid", default: 0), gid: try number("gid", default: 0), sharing: sharing,
                                         from: fields["from"], source: fields["source"] ?? fields["src"] ?? "/"),
                            target: target)
        case "tmpfs":
            guard let written else { throw XArchError(.invalidInput, "--mount type=tmpfs needs a target") }
            return RunMount(kind: .tmpfs(size: fields["size"]), target: absolute(written))
        case "secret":
            guard let id = fields["id"] ?? written.map({ CleanPath.base(CleanPath.clean($0)) }), !id.isEmpty else {
                throw XArchError(.invalidInput, "--mount type=secret needs an id")
            }
            let environment = fields["env"]
            let target = written.map(absolute) ?? "/run/secrets/\(id)"
            return RunMount(kind: .secret(id: id, required: try bool("required"), environment: environment,
                                          hasTarget: written != nil || environment == nil),
                            target: target)
        case "ssh":
            throw XArchError(.unsupported, "--mount type=ssh is not supported by xarch build")
        default:
            throw XArchError(.invalidInput, "--mount type=\(type): use bind, cache, tmpfs or secret")
        }
    }

    /// Fields split at commas outside double quotes; quotes removed.
    static func split(_ text: String) -> [String] {
        var out: [String] = [], current = "", quoted = false
        for character in text {
            if character == "\"" { quoted.toggle(); continue }
            if character == ",", !quoted { out.append(current); current = ""; continue }
            current.append(character)
        }
        out.append(current)
        return out.filter { !$0.isEmpty }
    }
}
