import XArch
import XArchContent
import XArchModel
import XArchRegistry

/// One registry session for the whole test process (never shut down: it lives as long as the process).
enum TestSession {
    static let shared = RegistrySession()
}

extension Resolution {
    static func resolve(_ location: ImageLocation, platform: Platform, strict: Bool) async throws -> ResolveReport {
        try await resolve(location, platform: platform, strict: strict, session: TestSession.shared)
    }
}

extension OpenedImage {
    static func open(_ location: ImageLocation) throws -> OpenedImage {
        try StoreResolver(session: TestSession.shared).open(location)
    }
}
