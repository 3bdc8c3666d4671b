import Foundation
import XArchModel

/// A registry's error answer (distribution-spec spec.md, "Error Codes"): `{"errors":[{code,message,detail}]}`.
struct RegistryErrorBody: Decodable {
    struct Entry: Decodable {
        let code: String?
        let message: String?
    }
    let errors: [Entry]?

    /// One sentence for a failed request: what was asked, what the registry said, the status.
    static func error(for response: RegistryResponse, request: RegistryRequest, what: String,
                      registry: String) async -> XArchError {
        let bytes = (try? await response.body.collect(limit: 64 * 1024)) ?? []
        let entries = (try? JSONDecoder().decode(RegistryErrorBody.self, from: Data(bytes)))?.errors ?? []
        let said = entries.map { e in
            [e.code, e.message].compactMap { $0 }.joined(separator: ": ")
        }.filter { !$0.isEmpty }.joined(separator: "; ")
        let detail = said.isEmpty ? "" : " (\(said.prefix(300)))"
        let status = response.status
        switch status {
        case 404:
            return XArchError(.notFound, "\(what) not found in \(registry)\(detail)")
        case 401:
            return XArchError(.authentication, "\(registry) requires authentication for \(what)\(detail); run `xarch login \(registry)` or check the credentials")
        case 403:
            return XArchError(.authentication, "\(registry) denied access to \(what)\(detail); the credentials lack permission")
        case 429:
            return XArchError(.unavailable, "\(registry) is rate-limiting requests (HTTP 429) for \(what)\(detail); try again later")
        case 408, 500...599:
            return XArchError(.unavailable, "\(registry) answered HTTP \(status) to \(request.method) \(what)\(detail); it may be overloaded, try again later")
        default:
            return XArchError(.registry, "\(registry) answered HTTP \(status) to \(request.method) \(what)\(detail)")
        }
    }
}
