import Foundation
import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

private func decode(_ json: String) throws -> TokenResponse { try TokenResponse.decode(Array(json.utf8)) }

@Test func decodesDistributionTokenResponse() throws {
    let response = try decode(#"{"token":"abc.def","expires_in":300,"issued_at":"2024-05-01T12:00:00Z"}"#)
    #expect(response.token == "abc.def")
    #expect(response.expiresIn == 300)
    #expect(response.issuedAt == Date(timeIntervalSince1970: 1_714_564_800))
    #expect(response.refreshToken == nil)
}

@Test func decodesOAuthResponse() throws {
    let response = try decode(#"{"access_token":"A","refresh_token":"R","expires_in":3600,"scope":"repository:o/r:pull","token_type":"Bearer"}"#)
    #expect(response.token == "A")
    #expect(response.refreshToken == "R")
    #expect(response.expiresIn == 3600)
}

/// Bodies and the token and lifetime they decode to.
let tokenBodies: [(String, String, Int)] = [
    (#"{"token":"t"}"#, "t", 60),
    (#"{"access_token":"a"}"#, "a", 60),
    (#"{"token":"t","access_token":"a"}"#, "a", 60),
    (#"{"token":"t","access_token":""}"#, "t", 60),
    (#"{"token":"t","expires_in":0}"#, "t", 60),
    (#"{"token":"t","expires_in":-5}"#, "t", 60),
    (#"{"token":"t","expires_in":30}"#, "t", 30),
    (#"{"token":"t","expires_in":299.9}"#, "t", 299),
    (#"{"token":"t","expires_in":"300"}"#, "t", 60),
    (#"{"token":"t","expires_in":true}"#, "t", 60),
    (#"{"token":"t","expires_in":1e300}"#, "t", 60),
    (#"{"token":"t","expires_in":null,"issued_at":null,"refresh_token":null}"#, "t", 60),
    (#"{"token":"t","extra":{"nested":[1,2,3]}}"#, "t", 60),
]

@Test(arguments: tokenBodies.map(\.0))
func decodesTokenBodies(_ body: String) throws {
    let c = try #require(tokenBodies.first { $0.0 == body })
    let response = try decode(body)
    #expect(response.token == c.1)
    #expect(response.expiresIn == c.2)
}

@Test func issuedAtVariants() throws {
    #expect(try decode(#"{"token":"t","issued_at":"2024-05-01T12:00:00.123456Z"}"#).issuedAt != nil)
    #expect(try decode(#"{"token":"t","issued_at":"2024-05-01T14:00:00+02:00"}"#).issuedAt
            == Date(timeIntervalSince1970: 1_714_564_800))
    #expect(try decode(#"{"token":"t","issued_at":"yesterday"}"#).issuedAt == nil)
}

@Test(arguments: [
    "", "null", "[]", #""token""#, "{", #"{"token":""}"#, #"{"access_token":"","token":""}"#, #"{"token":42}"#,
    #"{"expires_in":60}"#, "{}", #"{"token":"a\r\nX-Evil: 1"}"#, #"{"token":"a b"}"#,
])
func refusesBadTokenBodies(_ body: String) {
    expectXArchError(.authentication, containing: ["token"]) { _ = try decode(body) }
}

@Test func refusesOversizedBody() {
    let body = Array(#"{"token":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: TokenResponse.maximumBodySize)
        + Array(#""}"#.utf8)
    expectXArchError(.tooLarge, containing: ["more than"]) { _ = try TokenResponse.decode(body) }
}

@Test func acceptsBodyAtTheCap() throws {
    let prefix = Array(#"{"token":"t","pad":""#.utf8), suffix = Array(#""}"#.utf8)
    let padding = [UInt8](repeating: UInt8(ascii: "a"), count: TokenResponse.maximumBodySize - prefix.count - suffix.count)
    #expect(try TokenResponse.decode(prefix + padding + suffix).token == "t")
}

@Test func expiryUsesReceiptTimeAndMargin() {
    let received = Date(timeIntervalSince1970: 1_000_000)
    let long = TokenResponse(token: "t", expiresIn: 300, issuedAt: Date(timeIntervalSince1970: 0))
    #expect(long.expiry(receivedAt: received) == received.addingTimeInterval(290))
    #expect(long.expiry(receivedAt: received, safetyMargin: 0) == received.addingTimeInterval(300))
    #expect(long.expiry(receivedAt: received, safetyMargin: -10) == received.addingTimeInterval(300))
    let short = TokenResponse(token: "t", expiresIn: 4)
    #expect(short.expiry(receivedAt: received) == received.addingTimeInterval(2))
    #expect(TokenResponse(token: "t").expiry(receivedAt: received) == received.addingTimeInterval(50))
}
