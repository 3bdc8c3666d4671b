import Foundation
import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

@Test func buildsDockerHubTokenURL() throws {
    let url = try TokenRequest.url(realm: "https://auth.docker.io/token", service: "registry.docker.io",
                                   scopes: [.repository("library/alpine", actions: [.pull])], registryUsesTLS: true)
    #expect(url.absoluteString
            == "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Falpine%3Apull")
}

@Test func buildsURLWithSeveralScopesAccountAndOffline() throws {
    let url = try TokenRequest.url(
        realm: "https://ghcr.io/token", service: "ghcr.io",
        scopes: [.repository("o/r", actions: [.push]), .repository("o/base", actions: [.pull]), .repository("o/r", actions: [.pull])],
        account: "me@example.com", offlineToken: true, registryUsesTLS: true)
    #expect(url.absoluteString == "https://ghcr.io/token?service=ghcr.io&scope=repository%3Ao%2Fbase%3Apull"
                + "&scope=repository%3Ao%2Fr%3Apull%2Cpush&account=me%40example.com&offline_token=true&client_id=xarch")
}

@Test func keepsRealmQueryAndDropsFragment() throws {
    let url = try TokenRequest.url(realm: "https://auth.example.com/v2/token?tenant=a%20b#frag", service: "svc name",
                                   scopes: [.catalog], registryUsesTLS: true)
    #expect(url.absoluteString == "https://auth.example.com/v2/token?tenant=a%20b&service=svc%20name&scope=registry%3Acatalog%3A%2A")
}

@Test func realmWithoutParametersIsUnchanged() throws {
    let url = try TokenRequest.url(realm: "HTTPS://auth.example.com:8443/token", service: nil, scopes: [], registryUsesTLS: true)
    #expect(url.absoluteString == "https://auth.example.com:8443/token")
}

@Test func plainHTTPRealmAllowedForPlainHTTPRegistry() throws {
    let url = try TokenRequest.url(realm: "http://127.0.0.1:5001/auth", service: "Docker registry",
                                   scopes: [.repository("a", actions: [.pull])], registryUsesTLS: false)
    #expect(url.absoluteString == "http://127.0.0.1:5001/auth?service=Docker%20registry&scope=repository%3Aa%3Apull")
}

@Test func refusesDowngrade() {
    expectXArchError(.authentication, containing: ["downgrade", "http://auth.example.com/token"]) {
        _ = try TokenRequest.url(realm: "http://auth.example.com/token", service: nil, scopes: [], registryUsesTLS: true)
    }
}

@Test(arguments: [
    "", "/token", "auth.example.com/token", "ftp://auth.example.com/token", "file:///etc/passwd",
    "javascript:alert(1)", "https://", "https:///token", "Registry Realm",
])
func refusesNonHTTPRealms(_ realm: String) {
    expectXArchError(.authentication, containing: ["realm"]) {
        _ = try TokenRequest.validatedRealm(realm, registryUsesTLS: true)
    }
}

@Test func refusesRealmWithCredentialsWithoutPrintingThem() throws {
    let error = expectXArchError(.authentication, containing: ["realm"]) {
        _ = try TokenRequest.validatedRealm("https://user:hunter2@auth.example.com/token", registryUsesTLS: true)
    }
    #expect(!(error?.message.contains("hunter2") ?? true))
}

@Test func passwordForm() {
    let body = TokenRequest.passwordForm(username: "me@example.com", password: "p@ss word&=+%",
                                         service: "registry.docker.io",
                                         scopes: [.repository("o/r", actions: [.pull]), .repository("o/r", actions: [.push])],
                                         offline: true)
    #expect(body == "grant_type=password&service=registry.docker.io&client_id=xarch"
                + "&scope=repository%3Ao%2Fr%3Apull%2Cpush&username=me%40example.com&password=p%40ss+word%26%3D%2B%25"
                + "&access_type=offline")
}

@Test func refreshTokenFormWithSeveralScopes() {
    let body = TokenRequest.refreshTokenForm(refreshToken: "r/t+k=", service: "ghcr.io",
                                             scopes: [.repository("b", actions: [.pull]), .repository("a", actions: [.pull, .push])])
    #expect(body == "grant_type=refresh_token&service=ghcr.io&client_id=xarch"
                + "&scope=repository%3Aa%3Apull%2Cpush+repository%3Ab%3Apull&refresh_token=r%2Ft%2Bk%3D")
    #expect(TokenRequest.refreshTokenForm(refreshToken: "x", service: nil, scopes: [])
            == "grant_type=refresh_token&client_id=xarch&refresh_token=x")
}

@Test func percentEncodesUTF8() {
    #expect(TokenRequest.percentEncode("é ~-._") == "%C3%A9%20~-._")
    #expect(TokenRequest.percentEncode("é ~", spaceAsPlus: true) == "%C3%A9+~")
}

@Test func choosesGrantLikeDocker() {
    #expect(TokenGrant.choose(for: nil) == .anonymous)
    #expect(TokenGrant.choose(for: RegistryCredentials()) == .anonymous)
    #expect(TokenGrant.choose(for: RegistryCredentials(username: "u")) == .anonymous)
    #expect(TokenGrant.choose(for: RegistryCredentials(username: "u", password: "p")) == .basic(username: "u", password: "p"))
    #expect(TokenGrant.choose(for: RegistryCredentials(username: "u", password: "p", identityToken: "i")) == .refreshToken("i"))
    #expect(TokenGrant.choose(for: RegistryCredentials(identityToken: "i", registryToken: "r")) == .registryToken("r"))
}

@Test func grantDescriptionsHideSecrets() {
    let grants: [TokenGrant] = [.basic(username: "u", password: "SECRET1"), .refreshToken("SECRET2"), .registryToken("SECRET3")]
    for grant in grants {
        var dumped = ""
        dump(grant, to: &dumped)
        for text in ["\(grant)", String(reflecting: grant), dumped] {
            #expect(!text.contains("SECRET"), "\(text)")
        }
    }
}
