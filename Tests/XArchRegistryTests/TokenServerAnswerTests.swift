import Testing
import XArchContent
import XArchModel
@testable import XArchRegistry

/// What a token server answers is bounded, and an answer past the bound is reported as the token
/// server's, with its URL (issue 18, "Memory and errors").
@Suite struct TokenServerAnswerTests {
    /// Answers a registry request with a Bearer challenge, and the token request with `tokenBody`.
    final class TokenScript: RegistryTransport, @unchecked Sendable {
        let tokenBody: [UInt8]
        var seen: [String] = []
        init(tokenBody: [UInt8]) { self.tokenBody = tokenBody }
        func send(_ request: RegistryRequest) async throws -> RegistryResponse {
            seen.append(request.url)
            if request.url.hasPrefix("https://auth.example/") {
                return RegistryResponse(status: 200, headers: [], body: ByteStream(bytes: tokenBody), url: request.url)
            }
            let challenge = #"Bearer realm="https://auth.example/token",service="registry.example""#
            return RegistryResponse(status: 401, headers: [("WWW-Authenticate", challenge)], body: ByteStream(bytes: []), url: request.url)
        }
    }

    @Test func anOversizedTokenAnswerNamesTheTokenServer() async throws {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: TokenResponse.maximumBodySize + 1)
        let script = TokenScript(tokenBody: huge)
        let request = RegistryRequest(method: "GET", url: "https://registry.example/v2/app/manifests/1", scope: "repository:app:pull")
        await #expect { _ = try await AuthTransport(script, credentials: nil).send(request) } throws: { error in
            let message = (error as? XArchError)?.message ?? "\(error)"
            return message.contains("the token server of registry.example at https://auth.example/token")
                && message.contains("more than \(TokenResponse.maximumBodySize) bytes")
        }
        #expect(script.seen.contains { $0.hasPrefix("https://auth.example/token") }, "\(script.seen)")
    }
}
