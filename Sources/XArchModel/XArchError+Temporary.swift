extension XArchError {
    /// Whether trying again later may succeed: a broken connection or a registry that is temporarily
    /// unavailable (codes `network` and `unavailable`, set by the registry client).
    public var isTemporary: Bool { code.rawValue == "network" || code.rawValue == "unavailable" }
}
