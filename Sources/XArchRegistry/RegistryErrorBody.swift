import Foundation
import XArchModel

/// A registry's error answer (distribution-spec spec.md, "Error Codes"): `{"errors":[{code,message,detail}]}`.
struct RegistryErrorBody: Decodable {
    struct Entry: Decodable {
        let code: String?
        let message: String?
        let detail: JSONValue?
    }
    let errors: [Entry]?

    /// The entries of an error body; none when it is not the distribution spec's JSON.
    static func entries(_ bytes: [UInt8]) -> [RegistryFailure.Entry] {
        let decoded = (try? JSONDecoder().decode(RegistryErrorBody.self, from: Data(bytes)))?.errors ?? []
        return decoded.map { RegistryFailure.Entry(code: $0.code.map(RegistryFailure.Code.init(rawValue:)), message: $0.message, detail: $0.detail) }
    }

    /// One sentence for a failed request: what was asked, what the registry said, the status.
    static func error(for response: RegistryResponse, request: RegistryRequest, what: String,
                      registry: String) async -> XArchError {
        let bytes = (try? await response.body.collect(limit: 64 * 1024)) ?? []
        let status = response.status
        let failure = RegistryFailure(status: status, method: request.method, url: Redaction.url(request.url),
                                      entries: entries(bytes))
        let said = failure.entries.map { e in
            [e.code?.rawValue, e.message].compactMap { $0 }.joined(separator: ": ")
        }.filter { !$0.isEmpty }.joined(separator: "; ")
        let detail = said.isEmpty ? "" : " (\(said.prefix(300)))"
        switch status {
        case 404:
            return XArchError(.notFound, "\(what) not found in \(registry)\(detail)", cause: failure)
        case 401:
            return XArchError(.authentication, "\(registry) requires authentication for \(what)\(detail); run `xarch login \(registry)` or check the credentials", cause: failure)
        case 403:
            return XArchError(.authentication, "\(registry) denied access to \(what)\(detail); the credentials lack permission", cause: failure)
        case 429:
            return XArchError(.unavailable, "\(registry) is rate-limiting requests (HTTP 429) for \(what)\(detail); try again later", cause: failure)
        case 408, 500...599:
            return XArchError(.unavailable, "\(registry) answered HTTP \(status) to \(request.method) \(what)\(detail); it may be overloaded, try again later", cause: failure)
        default:
            return XArchError(.registry, "\(registry) answered HTTP \(status) to \(request.method) \(what)\(detail)", cause: failure)
        }
    }
}
