import XArchModel

/// Templated sources, manifest-tool's `push from-args --template … --platforms …` convenience: one
/// source per platform, named by the template with the platform's parts put in.
///
/// Placeholders: `{os}`, `{arch}`, `{variant}`; the variant is put in as it is, without a separator,
/// and is empty when the platform has none (`app:1.2-{arch}{variant}` gives `app:1.2-amd64`,
/// `app:1.2-arm64`, `app:1.2-armv7`). A template without any `{…}` placeholder is read with
/// manifest-tool's spelling: the upper-case words `OS`, `ARCH` and `VARIANT`. The platform is written as
/// parsed (`aarch64` is `arm64`; `linux/arm` has no variant, `linux/arm/v7` has `v7`).
public enum IndexTemplate {
    static let placeholders = ["{os}", "{arch}", "{variant}"]
    static let bareWords = ["VARIANT", "ARCH", "OS"]

    /// The source name for `platform`.
    public static func render(_ template: String, platform: Platform) -> String {
        let values = ["os": platform.os, "arch": platform.architecture, "variant": platform.variant]
        if template.contains("{") {
            var text = template
            for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
            return text
        }
        var text = template
        for word in bareWords { text = text.replacingOccurrences(of: word, with: values[word.lowercased()] ?? "") }
        return text
    }

    /// One name per platform; a template that names no placeholder, names an unknown one, or gives two
    /// platforms the same name is an error.
    public static func names(_ template: String, platforms: [Platform]) throws -> [(name: String, platform: Platform)] {
        guard !platforms.isEmpty else {
            throw XArchError(.invalidInput, "a template needs the platforms to render it for (--platforms linux/amd64,linux/arm64)")
        }
        if let unknown = unknownPlaceholder(in: template) {
            throw XArchError(.invalidInput, "the template \(template) has the unknown placeholder \(unknown); use {os}, {arch} and {variant}")
        }
        let usesPlaceholder = placeholders.contains { template.contains($0) } || bareWords.contains { template.contains($0) }
        guard usesPlaceholder else {
            throw XArchError(.invalidInput, "the template \(template) has no placeholder, so it names one source for every platform; put {os}, {arch} or {variant} in it")
        }
        let rendered = platforms.map { (name: render(template, platform: $0), platform: $0) }
        var seen: [String: Platform] = [:]
        for item in rendered {
            if let other = seen[item.name] {
                throw XArchError(.invalidInput, "the template \(template) gives \(other.formatted) and \(item.platform.formatted) the same source \(item.name); add {variant} or {os} to it")
            }
            seen[item.name] = item.platform
        }
        return rendered
    }

    /// The first `{…}` that is not a known placeholder.
    static func unknownPlaceholder(in template: String) -> String? {
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return String(rest[open...]) }
            let placeholder = String(rest[open...close])
            if !placeholders.contains(placeholder) { return placeholder }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }
}
