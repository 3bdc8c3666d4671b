/// BuildKit's build checks (https://docs.docker.com/reference/build-checks/) that cover the same trap
/// as an xarch rule, so a file that silences a check with BuildKit's name in its `# check=` directive
/// (Dockerfile reference, "check") silences xarch's rule too. BuildKit's other checks (style, casing,
/// `MaintainerDeprecated`, …) have no xarch counterpart and are ignored.
enum BuildKitChecks {
    /// BuildKit check name → the xarch rules it covers.
    static let equivalents: [String: [String]] = [
        // "FROM --platform flag should not use a constant value"; BuildKit excuses a stage named after the platform, as xarch.
        "FromPlatformFlagConstDisallowed": ["constant-platform"],
        // "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior".
        "RedundantTargetPlatform": ["redundant-target-platform"],
        // "Variables should be defined before their use": reports $TARGETARCH used without ARG, among others.
        "UndefinedVar": ["undeclared-platform-arg"],
        // "Base image platform does not match expected target platform": what --check-base finds from the registry.
        "InvalidBaseImagePlatform": ["base-missing-platform", "platform-digest-pin"],
    ]

    /// The xarch rule ids a name in `check=skip=` or `# xarch-ignore` stands for: an xarch id stands for
    /// itself, a BuildKit check name for its equivalents (matched without regard to case: lenient).
    static func rules(named name: String) -> [String] {
        if let match = equivalents.first(where: { $0.key.lowercased() == name.lowercased() }) { return match.value }
        return [name]
    }
}
