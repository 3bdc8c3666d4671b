import XArchModel

/// One resource scope of a token request (distribution token-scope spec, "Resource Scope Grammar"):
///
///     resourcescope := resourcetype ":" resourcename ":" action [ "," action ]*
///     resourcetype  := resourcetypevalue [ "(" resourcetypevalue ")" ]
///
/// `repository:library/alpine:pull,push`, `registry:catalog:*`. The resource name may itself contain
/// `:` (a `host:port/…` prefix), so the type ends at the first `:` and the actions start after the last.
/// Actions are kept sorted and without duplicates, so equal scopes compare and hash equal.
public struct RegistryScope: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// An action on a resource: an open set, so scopes with actions xarch does not know still parse.
    public struct Action: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
        /// The action as written in a scope: `pull`, `push`, `delete`, `*`.
        public let rawValue: String
        /// An action; any text, so that unknown actions survive a round trip.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }
        /// Orders by raw value, the canonical order of actions in a scope.
        public static func < (a: Action, b: Action) -> Bool { a.rawValue < b.rawValue }

        /// Read access: manifests, blobs, tags.
        public static let pull = Action(rawValue: "pull")
        /// Write access: uploads and manifest puts.
        public static let push = Action(rawValue: "push")
        /// Deletion of manifests and blobs.
        public static let delete = Action(rawValue: "delete")
        /// Every action; used by `registry:catalog:*`.
        public static let all = Action(rawValue: "*")
    }

    /// The resource type: `repository`, `registry`, or a typed form such as `repository(plugin)`.
    public let resourceType: String
    /// The resource name: a repository path such as `library/alpine`, or `catalog`.
    public let resourceName: String
    /// The actions, sorted and deduplicated.
    public let actions: [Action]

    /// A scope; `actions` are sorted and deduplicated, empty actions dropped.
    public init(resourceType: String, resourceName: String, actions: some Sequence<Action>) {
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.actions = Set(actions.filter { !$0.rawValue.isEmpty }).sorted()
    }

    /// `repository:NAME:ACTIONS`, the scope for a repository (distribution token spec,
    /// "Requesting a Token"). `name` is the repository path without the registry host.
    public static func repository(_ name: String, actions: some Sequence<Action>) -> RegistryScope {
        RegistryScope(resourceType: "repository", resourceName: name, actions: actions)
    }

    /// `registry:catalog:*`, the scope for listing repositories (`GET /v2/_catalog`).
    public static let catalog = RegistryScope(resourceType: "registry", resourceName: "catalog", actions: [.all])

    /// The scope as sent to a token server: `repository:library/alpine:pull,push`.
    public var description: String {
        "\(resourceType):\(resourceName):\(actions.map(\.rawValue).joined(separator: ","))"
    }

    /// Orders by type, then name, then actions, so a set of scopes has one canonical order.
    public static func < (a: RegistryScope, b: RegistryScope) -> Bool {
        if a.resourceType != b.resourceType { return a.resourceType < b.resourceType }
        if a.resourceName != b.resourceName { return a.resourceName < b.resourceName }
        return a.description < b.description
    }

    /// Whether this scope grants at least `other`: the same resource, and every action of `other`
    /// (or `*`).
    public func covers(_ other: RegistryScope) -> Bool {
        guard resourceType == other.resourceType, resourceName == other.resourceName else { return false }
        return actions.contains(.all) || Set(other.actions).isSubset(of: Set(actions))
    }

    /// This scope with `other`'s actions added when both name the same resource; `nil` otherwise.
    public func merging(_ other: RegistryScope) -> RegistryScope? {
        guard resourceType == other.resourceType, resourceName == other.resourceName else { return nil }
        return RegistryScope(resourceType: resourceType, resourceName: resourceName, actions: actions + other.actions)
    }

    /// One scope per resource with the union of its actions, in canonical order:
    /// `[repo:a:pull, repo:a:push]` becomes `[repo:a:pull,push]`.
    public static func merge(_ scopes: some Sequence<RegistryScope>) -> [RegistryScope] {
        var byResource: [String: RegistryScope] = [:]
        for scope in scopes {
            let key = "\(scope.resourceType)\u{0}\(scope.resourceName)"
            byResource[key] = byResource[key].flatMap { $0.merging(scope) } ?? scope
        }
        return byResource.values.sorted()
    }

    /// Parses one scope, such as `repository:library/alpine:pull,push` or
    /// `repository:localhost:5000/app:pull`.
    public static func parse(_ text: String) throws -> RegistryScope {
        guard let firstColon = text.firstIndex(of: ":"), let lastColon = text.lastIndex(of: ":"),
              firstColon < lastColon else {
            throw invalid(text, "it needs the form TYPE:NAME:ACTIONS")
        }
        let type = String(text[..<firstColon])
        let name = String(text[text.index(after: firstColon)..<lastColon])
        let actionText = text[text.index(after: lastColon)...]
        guard isResourceType(type) else { throw invalid(text, "the resource type \"\(type)\" is not valid") }
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(isNameScalar) else {
            throw invalid(text, "the resource name is empty or contains a character that is not allowed")
        }
        let actions = actionText.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        for action in actions where !(action == "*" || action.unicodeScalars.allSatisfy(isActionScalar)) {
            throw invalid(text, "the action \"\(action)\" is not valid")
        }
        return RegistryScope(resourceType: type, resourceName: name, actions: actions.map(Action.init(rawValue:)))
    }

    /// Parses a space-separated list of scopes, as found in a challenge's `scope` parameter or an
    /// OAuth2 `scope` form field (distribution token spec: `scope := resourcescope [ ' ' resourcescope ]*`).
    public static func parseList(_ text: String) throws -> [RegistryScope] {
        try text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { try parse(String($0)) }
    }

    private static func invalid(_ text: String, _ reason: String) -> XArchError {
        XArchError(.authentication, "The token scope \"\(text.prefix(200))\" is not valid: \(reason) "
                       + "(distribution token-scope grammar).")
    }

    /// `resourcetypevalue [ "(" resourcetypevalue ")" ]` with `resourcetypevalue := /[a-z0-9]+/`.
    private static func isResourceType(_ type: String) -> Bool {
        func isValue(_ s: Substring) -> Bool {
            !s.isEmpty && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
        guard let open = type.firstIndex(of: "(") else { return isValue(type[...]) }
        guard type.hasSuffix(")") else { return false }
        let inner = type[type.index(after: open)..<type.index(before: type.endIndex)]
        return isValue(type[..<open]) && isValue(inner)
    }

    /// Characters of a resource name: the repository-name alphabet plus a `host:port` prefix
    /// (letters of either case, digits, `._-/:`).
    private static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || "._-/:[]".unicodeScalars.contains(s)
    }

    /// `action := /[a-z]*/`; `*` is handled apart.
    private static func isActionScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s)
    }
}

/// The cache key of a registry token (distribution token spec: a token is granted for a service and
/// a set of scopes): the registry host, the `service` of its challenge, and the scopes, merged per
/// resource and sorted so that the same access always maps to the same key.
public struct TokenKey: Hashable, Sendable, CustomStringConvertible {
    /// The registry host with an optional port, lowercased: `ghcr.io`, `localhost:5000`.
    public let registry: String
    /// The `service` parameter of the Bearer challenge (empty when the challenge has none).
    public let service: String
    /// The scopes, one per resource, in canonical order.
    public let scopes: [RegistryScope]

    /// A key; `registry` is lowercased and `scopes` merged and sorted.
    public init(registry: String, service: String?, scopes: some Sequence<RegistryScope>) {
        self.registry = registry.lowercased()
        self.service = service ?? ""
        self.scopes = RegistryScope.merge(scopes)
    }

    /// For logs: `ghcr.io service=ghcr.io scope=repository:o/r:pull`. Contains no secret.
    public var description: String {
        "\(registry) service=\(service) scope=\(scopes.map(\.description).joined(separator: " "))"
    }
}
