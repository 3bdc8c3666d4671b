import XArchModel

/// `arch-specific-tag`: an architecture in a base image's tag or in the last component of its name
/// (`alpine:arm64v8-3.20`, `…/dotnet/runtime:8.0-bookworm-slim-amd64`, `manylinux2014_x86_64`,
/// `static-debian12:latest-${GOARCH}` with a constant `ARG GOARCH` default) in a stage built for every
/// target platform. Such tags name one platform's image; the multi-platform tag is the one without it.
extension LintContext {
    func imageTagFindings() -> [Finding] {
        imageUses().compactMap { use in
            guard stages.platform(of: use.stage).platform.isTarget, use.image.lowercased() != "scratch", !use.image.contains("$"),
                  let reference = try? ImageReference(parsing: use.image) else { return nil }
            let name = reference.repository.split(separator: "/").last.map(String.init) ?? reference.repository
            for (part, text) in [("tag", reference.tag ?? ""), ("name", name)] {
                guard let (token, architecture) = Self.architecture(in: text) else { continue }
                var via = ""
                if use.written.contains("$"), !Self.hasArchitecture(use.written, token) {
                    via = " (from the default of a global ARG; a --build-arg may change it)"
                }
                let finding = LintRules.archSpecificTag.finding((use.image, part, text, architecture, via), file: file, at: use.range)
                return byDesign(finding, architecture: architecture)
            }
            return nil
        }
    }

    /// The first architecture name in a tag or name component, with Docker Hub's namespace spellings
    /// (`arm64v8`, `arm32v7`) as words too.
    static func architecture(in text: String) -> (String, String)? {
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            if let platform = architectureNamespaces[String(word)], word.count > 5 {
                return (String(word), String(platform.dropFirst("linux/".count)))
            }
        }
        guard let token = ArchitectureNames.find(in: text.scalars).first else { return nil }
        return (token.text, token.architecture)
    }

    private static func hasArchitecture(_ written: String, _ token: String) -> Bool {
        written.lowercased().contains(token.lowercased())
    }
}
