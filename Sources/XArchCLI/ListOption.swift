import XArchModel

/// List options as users type them (issue 18, "users' option habits"): every option that takes a list
/// takes one value per occurrence, each of which may be a comma list, in every command the same way
/// (`--platform linux/amd64,linux/arm64` = `--platform linux/amd64 --platform linux/arm64`), declared
/// `[String]` so that ArgumentParser keeps every occurrence and never swallows a positional argument.
enum ListOption {
    /// The items of all occurrences, split at commas, trimmed, empty items dropped.
    static func values(_ occurrences: [String]) -> [String] {
        occurrences.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The platforms of all occurrences; one that does not parse throws naming it.
    static func platforms(_ occurrences: [String]) throws -> [Platform] {
        try values(occurrences).map { try Platform(parsing: $0) }
    }
}
