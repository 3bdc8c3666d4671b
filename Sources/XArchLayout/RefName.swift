import XArchModel

/// The `org.opencontainers.image.ref.name` annotation of `index.json` entries: the tags of a layout
/// (image-layout.md, "index.json file"; annotations.md, "Pre-Defined Annotation Keys").
///
/// Reading rules, chosen to read what skopeo, umoci and buildah write:
/// - An exact match wins. When several entries carry the same name (other tools can write that; xarch
///   never does), the **first** in `index.json` is used, as containers/image's `oci:` transport does.
/// - Only when nothing matches exactly, a name that is a full reference (`docker.io/library/app:1.0`,
///   `app:1.0`, as some exporters write) matches on its tag (`1.0`). If such tag matches point at
///   different manifests the tag is ambiguous and an error lists the names, so the full name is used.
/// - `tags()` lists the names exactly as stored.
enum RefName {
    /// Entries whose name is exactly `tag`, in index order.
    static func exactMatches(_ tag: String, in index: ImageIndex) -> [Descriptor] {
        index.manifests.filter { $0.annotations?[AnnotationKey.refName] == tag }
    }

    /// Entries whose name is a full reference with tag `tag`, in index order.
    static func referenceMatches(_ tag: String, in index: ImageIndex) -> [Descriptor] {
        index.manifests.filter { entry in
            guard let name = entry.annotations?[AnnotationKey.refName] else { return false }
            return Self.tag(ofReference: name) == tag
        }
    }

    /// The entries `tag` names, by the rules above: exact matches, else full-reference matches.
    static func matches(_ tag: String, in index: ImageIndex) -> [Descriptor] {
        let exact = exactMatches(tag, in: index)
        return exact.isEmpty ? referenceMatches(tag, in: index) : exact
    }

    /// The tag part of a full reference (`host:5000/repo:tag@sha256:…` → `tag`), or nil when `name`
    /// has no tag after its last `/` (a bare tag such as `latest` has none either).
    static func tag(ofReference name: String) -> String? {
        let withoutDigest = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let lastComponent = withoutDigest.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let colon = lastComponent.lastIndex(of: ":") else { return nil }
        let tag = lastComponent[lastComponent.index(after: colon)...]
        return tag.isEmpty ? nil : String(tag)
    }

    /// The sorted, unique names of `index`.
    static func names(in index: ImageIndex) -> [String] {
        Array(Set(index.manifests.compactMap { $0.annotations?[AnnotationKey.refName] })).sorted()
    }

    /// Checks a name to be written against annotations.md's grammar for `ref.name`:
    /// `component ("/" component)*`, `component ::= alphanum (separator alphanum)*`,
    /// `alphanum ::= [A-Za-z0-9]+`, `separator ::= [-._:@+] | "--"`.
    static func validate(_ name: String) throws {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, name.utf8.count <= 4096, components.allSatisfy(isComponent) else {
            throw XArchError(.invalidInput, "invalid tag \"\(name.prefix(100))\": a layout tag is letters and digits joined by single '-', '.', '_', ':', '@', '+' or \"--\", in '/'-separated parts (OCI annotations.md, org.opencontainers.image.ref.name)")
        }
    }

    private static func isComponent(_ component: Substring) -> Bool {
        var pendingSeparator: [UInt8] = []
        var sawAlphanumeric = false
        for c in component.utf8 {
            if isAlphanumeric(c) {
                guard pendingSeparator.isEmpty || isSeparator(pendingSeparator), sawAlphanumeric || pendingSeparator.isEmpty else {
                    return false
                }
                pendingSeparator = []
                sawAlphanumeric = true
            } else if "-._:@+".utf8.contains(c) {
                guard sawAlphanumeric else { return false }
                pendingSeparator.append(c)
            } else {
                return false
            }
        }
        return sawAlphanumeric && pendingSeparator.isEmpty
    }

    private static func isSeparator(_ run: [UInt8]) -> Bool {
        run.count == 1 || run == Array("--".utf8)
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
    }
}
