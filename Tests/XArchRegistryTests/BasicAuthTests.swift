import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

@Test func basicHeaderValues() throws {
    // RFC 7617 §2 example.
    #expect(try BasicAuth.headerValue(username: "Aladdin", password: "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    // RFC 7617 §2.1 example (UTF-8).
    #expect(try BasicAuth.headerValue(username: "test", password: "123\u{A3}") == "Basic dGVzdDoxMjPCow==")
    #expect(try BasicAuth.headerValue(username: "u", password: "a:b:c") == "Basic " + base64Text("u:a:b:c"))
    #expect(try BasicAuth.headerValue(username: "u", password: "") == "Basic " + base64Text("u:"))
    #expect(try BasicAuth.headerValue(for: RegistryCredentials(username: "u", password: "p")) == "Basic dTpw")
    #expect(try BasicAuth.headerValue(for: RegistryCredentials(identityToken: "t")) == nil)
}

@Test func basicRefusesInvalidUserIDs() {
    expectXArchError(.credentials, containing: ["':'"]) { _ = try BasicAuth.headerValue(username: "a:b", password: "p") }
    expectXArchError(.credentials, containing: ["control"]) { _ = try BasicAuth.headerValue(username: "a\nb", password: "p") }
    expectXArchError(.credentials, containing: ["control"]) { _ = try BasicAuth.headerValue(username: "a", password: "p\r\n") }
}

@Test func credentialsNeverPrintSecrets() {
    let all = RegistryCredentials(username: "alice", password: "SECRET-P", identityToken: "SECRET-I", registryToken: "SECRET-R")
    var dumped = ""
    dump(all, to: &dumped)
    var mirrored = ""
    print(all, to: &mirrored)
    for text in ["\(all)", String(describing: all), String(reflecting: all), dumped, mirrored, "\([all])", "\(Optional(all) as Any)"] {
        #expect(!text.contains("SECRET"), "\(text)")
        #expect(text.contains("alice"), "\(text)")
    }
    #expect(all.description == "RegistryCredentials(username: alice, password: <redacted>, identityToken: <redacted>, "
                + "registryToken: <redacted>)")
    #expect(RegistryCredentials(identityToken: "x").description == "RegistryCredentials(username: <none>, identityToken: <redacted>)")
}

@Test func credentialsTreatEmptyAsAbsent() {
    let c = RegistryCredentials(username: "", password: "", identityToken: "", registryToken: "")
    #expect(c == RegistryCredentials())
    #expect(c.isEmpty)
    #expect(RegistryCredentials(username: "u").isEmpty)
    #expect(!RegistryCredentials(registryToken: "t").isEmpty)
}
