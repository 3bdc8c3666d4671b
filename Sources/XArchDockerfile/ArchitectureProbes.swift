/// Commands that ask the machine they run on for its architecture.
enum ArchitectureProbes {
    static let probes = ["uname -m", "uname -p", "uname -i", "uname --machine", "dpkg --print-architecture",
                         "dpkg-architecture", "apk --print-arch", "$(arch)", "`arch`", "%{_arch}", "go env GOARCH",
                         "gcc -dumpmachine", "gcc -print-multiarch"]

    /// The first probe in `text` and its offset.
    static func first(in text: String) -> (String, Int)? {
        var best: (String, Int)?
        let scalars = text.scalars
        for probe in probes {
            let needle = probe.scalars
            guard needle.count <= scalars.count else { continue }
            for i in 0...(scalars.count - needle.count) where scalars[i] == needle[0] {
                if Array(scalars[i..<(i + needle.count)]) == needle {
                    if best == nil || i < best!.1 { best = (probe, i) }
                    break
                }
            }
        }
        return best
    }

    /// Whether `text` refers to `$NAME` or `${NAME…}`.
    static func references(_ name: String, in text: String) -> Bool {
        text.contains("$" + name) || text.contains("${" + name)
    }

    /// Whether shell text derives the architecture itself (a probe or a TARGET* variable), in which case
    /// architecture names in it are most likely a mapping table.
    static func isArchitectureAware(_ text: String) -> Bool {
        first(in: text) != nil || ["TARGETARCH", "TARGETPLATFORM", "TARGETVARIANT"].contains { references($0, in: text) }
    }
}
