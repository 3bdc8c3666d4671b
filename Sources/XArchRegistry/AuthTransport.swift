import Foundation
import XArchModel

/// Placeholder until the auth layer lands: anonymous requests only.
struct AuthTransport: RegistryTransport {
    let next: any RegistryTransport
    init(_ next: any RegistryTransport, credentials: CredentialStore?) { self.next = next }
    func send(_ request: RegistryRequest) async throws -> RegistryResponse { try await next.send(request) }
}

/// Placeholder until the credential store lands.
public struct CredentialStore: Sendable { public init() {} }
