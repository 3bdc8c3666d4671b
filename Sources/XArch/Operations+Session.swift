import XArchAudit
import XArchContent
import XArchDockerfile
import XArchModel
import XArchRegistry
import XArchVerify

// The operations for a registry session: each opens its locations with `StoreResolver(session:)`, the
// one resolver. Library users with stores of their own call the `resolver:` forms.

extension Inspection {
    /// `inspect(_:resolver:referrers:)` with registry repositories opened by `session`.
    public static func inspect(_ location: ImageLocation, session: RegistrySession,
                               referrers: Bool = false) async throws -> (InspectReport, ManifestDocument) {
        try await inspect(location, resolver: StoreResolver(session: session), referrers: referrers)
    }
}

extension Resolution {
    /// `resolve(_:platform:strict:resolver:)` with registry repositories opened by `session`.
    public static func resolve(_ location: ImageLocation, platform: Platform, strict: Bool,
                               session: RegistrySession) async throws -> ResolveReport {
        try await resolve(location, platform: platform, strict: strict, resolver: StoreResolver(session: session))
    }
}

extension Verification {
    /// `verify(_:options:resolver:)` with registry repositories opened by `session`.
    public static func verify(_ location: ImageLocation, options: VerifyOptions = .init(),
                              session: RegistrySession) async throws -> VerifyReport {
        try await verify(location, options: options, resolver: StoreResolver(session: session))
    }
}

extension DockerfileLint {
    /// `lint(files:options:resolver:)` with base images looked up through `session`.
    public static func lint(files: [String], options: Options, session: RegistrySession) async throws -> [Finding] {
        try await lint(files: files, options: options, resolver: StoreResolver(session: session))
    }
}

extension Audit {
    /// `audit(_:options:resolver:)` with images looked up through `session`.
    public static func audit(_ paths: [String], options: Options, session: RegistrySession) async throws -> AuditReport {
        try await audit(paths, options: options, resolver: StoreResolver(session: session))
    }
}
