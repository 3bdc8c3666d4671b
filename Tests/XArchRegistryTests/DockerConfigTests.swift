import Foundation
import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

/// A key as written in config.json and the host it reduces to.
let keyHostnames: [(String, String)] = [
    ("ghcr.io", "ghcr.io"),
    ("GHCR.IO", "ghcr.io"),
    ("https://ghcr.io", "ghcr.io"),
    ("https://ghcr.io/", "ghcr.io"),
    ("http://localhost:5000/v2/", "localhost:5000"),
    ("localhost:5000", "localhost:5000"),
    ("https://index.docker.io/v1/", "index.docker.io"),
    ("quay.io/org/repo", "quay.io"),
    ("https://user@registry.example.com:8443/path?x#y", "registry.example.com:8443"),
    ("[::1]:5000", "[::1]:5000"),
    ("  ghcr.io ", "ghcr.io"),
    ("", ""),
]

@Test(arguments: keyHostnames.map(\.0))
func normalizesKeys(_ key: String) throws {
    let expected = try #require(keyHostnames.first { $0.0 == key }).1
    #expect(DockerConfig.hostname(fromKey: key) == expected)
}

@Test(arguments: ["docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/", "DOCKER.IO"])
func dockerHubUsesTheLegacyKey(_ registry: String) {
    #expect(DockerConfig.isDockerHub(registry))
    #expect(DockerConfig.serverAddress(for: registry) == "https://index.docker.io/v1/")
}

@Test func otherRegistriesUseTheirHost() {
    #expect(DockerConfig.serverAddress(for: "ghcr.io") == "ghcr.io")
    #expect(DockerConfig.serverAddress(for: "https://Quay.io/") == "quay.io")
    #expect(!DockerConfig.isDockerHub("docker.io.example.com"))
}

@Test func matchingKeysPreferExactThenSorted() {
    let keys = ["https://ghcr.io", "ghcr.io", "http://ghcr.io/v2/", "gcr.io", "ghcr.io.evil.com"]
    #expect(DockerConfig.matchingKeys(in: keys, for: "ghcr.io") == ["ghcr.io", "http://ghcr.io/v2/", "https://ghcr.io"])
    let hub = ["docker.io", "https://index.docker.io/v1/", "registry-1.docker.io", "https://index.docker.io/v2/", "quay.io"]
    #expect(DockerConfig.matchingKeys(in: hub, for: "docker.io")
            == ["https://index.docker.io/v1/", "docker.io", "https://index.docker.io/v2/", "registry-1.docker.io"])
    #expect(DockerConfig.matchingKeys(in: ["localhost:5000"], for: "localhost:5001").isEmpty)
    #expect(DockerConfig.matchingKeys(in: [""], for: "").isEmpty)
}

private func config(_ json: String) throws -> DockerConfig { try DockerConfig.decode(Data(json.utf8)) }

@Test func readsInlineCredentialsOfEveryShape() throws {
    let c = try config("""
    {"auths": {
      "https://index.docker.io/v1/": {"auth": "\(base64Text("hubuser:hub:pass:word"))"},
      "ghcr.io": {"username": "gh", "password": "ghp_x"},
      "https://quay.io": {"auth": "\(base64Text("quser:qpass"))", "email": "q@example.com"},
      "id.example.com": {"auth": "\(base64Text("someone:"))", "identitytoken": "ID-TOKEN"},
      "rt.example.com": {"registrytoken": "REG-TOKEN"},
      "empty.example.com": {},
      "nopad.example.com": {"auth": "\(base64Text("ab:c").replacingOccurrences(of: "=", with: ""))"},
      "nul.example.com": {"auth": "\(base64Text("u:p\u{0}\u{0}"))"},
      "case.example.com": {"Auth": "\(base64Text("cu:cp"))", "IdentityToken": "CI"}
    }}
    """)
    #expect(try c.inlineCredentials(for: "docker.io") == RegistryCredentials(username: "hubuser", password: "hub:pass:word"))
    #expect(try c.inlineCredentials(for: "registry-1.docker.io")?.username == "hubuser")
    #expect(try c.inlineCredentials(for: "ghcr.io") == RegistryCredentials(username: "gh", password: "ghp_x"))
    #expect(try c.inlineCredentials(for: "quay.io") == RegistryCredentials(username: "quser", password: "qpass"))
    #expect(try c.inlineCredentials(for: "id.example.com") == RegistryCredentials(username: "someone", identityToken: "ID-TOKEN"))
    #expect(try c.inlineCredentials(for: "rt.example.com") == RegistryCredentials(registryToken: "REG-TOKEN"))
    #expect(try c.inlineCredentials(for: "empty.example.com") == nil)
    #expect(try c.inlineCredentials(for: "unknown.example.com") == nil)
    #expect(try c.inlineCredentials(for: "nopad.example.com") == RegistryCredentials(username: "ab", password: "c"))
    #expect(try c.inlineCredentials(for: "nul.example.com") == RegistryCredentials(username: "u", password: "p"))
    #expect(try c.inlineCredentials(for: "case.example.com") == RegistryCredentials(username: "cu", password: "cp", identityToken: "CI"))
}

@Test func emptyEntryDoesNotHideALaterMatch() throws {
    let c = try config("""
    {"auths": {"ghcr.io": {}, "https://ghcr.io": {"auth": "\(base64Text("u:p"))"}}}
    """)
    #expect(try c.inlineCredentials(for: "ghcr.io") == RegistryCredentials(username: "u", password: "p"))
}

@Test(arguments: ["!!!notbase64", base64Text("no-colon"), base64Text(":password-only")])
func refusesBadAuthFields(_ auth: String) throws {
    let c = try config(#"{"auths": {"ghcr.io": {"auth": "\#(auth)"}}}"#)
    expectXArchError(.credentials, containing: ["ghcr.io", "auth"]) { _ = try c.inlineCredentials(for: "ghcr.io") }
}

@Test func readsHelpers() throws {
    let c = try config(#"{"credsStore": "desktop", "credHelpers": {"gcr.io": "gcloud", "https://123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login", "docker.io": "hub", "x.io": ""}}"#)
    #expect(c.credentialsStore == "desktop")
    #expect(c.helperName(for: "gcr.io") == "gcloud")
    #expect(c.helperName(for: "123.dkr.ecr.us-east-1.amazonaws.com") == "ecr-login")
    #expect(c.helperName(for: "index.docker.io") == "hub")
    #expect(c.helperName(for: "ghcr.io") == "desktop")
    #expect(c.helperName(for: "x.io") == "desktop")
    #expect(try config("{}").helperName(for: "ghcr.io") == nil)
    #expect(try config(#"{"credsStore": ""}"#).helperName(for: "ghcr.io") == nil)
}

@Test(arguments: ["", "  \n", "{}", #"{"auths": null}"#, #"{"auths": "weird"}"#, #"{"auths": {"ghcr.io": 5}}"#])
func toleratesConfigsWithoutUsableAuths(_ json: String) throws {
    #expect(try config(json).inlineCredentials(for: "ghcr.io") == nil)
}

@Test(arguments: ["{", "[]", "null", "\"x\"", #"{"auths": {}} trailing"#])
func refusesInvalidConfig(_ json: String) {
    expectXArchError(.credentials, containing: ["JSON object"]) { _ = try config(json) }
}

@Test func storingKeepsEverythingElse() throws {
    let original = """
    {"auths": {"https://ghcr.io": {"auth": "\(base64Text("old:old"))", "email": "me@example.com"}, "quay.io": {"auth": "\(base64Text("q:q"))"}},
     "proxies": {"default": {"httpProxy": "http://proxy:3128"}}, "HttpHeaders": {"X-Meta": "1"},
     "plugins": {"x": {"k": "v"}}, "psFormat": "table {{.ID}}", "number": 1.5, "int": 42, "flag": true, "nothing": null,
     "unicode": "ünï ☃", "list": [1, "two", {"three": 3}]}
    """
    let updated = try config(original).storing(RegistryCredentials(username: "new", password: "p:w"), for: "ghcr.io")
    let text = String(decoding: try updated.encoded(), as: UTF8.self)
    let expected = try authJSONObject(original).mutableCopy() as! NSMutableDictionary
    let auths = (expected["auths"] as! NSDictionary).mutableCopy() as! NSMutableDictionary
    auths["https://ghcr.io"] = ["auth": base64Text("new:p:w"), "email": "me@example.com"]
    expected["auths"] = auths
    #expect(try authJSONObject(text) == expected)
    #expect(try config(text).inlineCredentials(for: "ghcr.io") == RegistryCredentials(username: "new", password: "p:w"))
}

@Test func storingUsesCanonicalKeysAndTokens() throws {
    var c = try config("{}").storing(RegistryCredentials(username: "u", password: "p"), for: "registry-1.docker.io")
    c = try c.storing(RegistryCredentials(username: "u", identityToken: "IT"), for: "localhost:5000")
    c = try c.storing(RegistryCredentials(registryToken: "RT"), for: "https://r.example.com/v2/")
    let auths = c.authEntries
    #expect(auths["https://index.docker.io/v1/"] == ["auth": .string(base64Text("u:p"))])
    #expect(auths["localhost:5000"] == ["auth": .string(base64Text("u:")), "identitytoken": .string("IT")])
    #expect(auths["r.example.com"] == ["registrytoken": .string("RT")])
    #expect(try c.inlineCredentials(for: "localhost:5000") == RegistryCredentials(username: "u", identityToken: "IT"))
}

@Test func storingRefusesWhatItCannotWrite() throws {
    expectXArchError(.credentials, containing: ["':'"]) {
        _ = try config("{}").storing(RegistryCredentials(username: "a:b", password: "p"), for: "ghcr.io")
    }
    expectXArchError(.credentials, containing: ["no password"]) {
        _ = try config("{}").storing(RegistryCredentials(username: "a"), for: "ghcr.io")
    }
    expectXArchError(.credentials, containing: ["auths"]) {
        _ = try config(#"{"auths": []}"#).storing(RegistryCredentials(username: "a", password: "p"), for: "ghcr.io")
    }
}

@Test func removingCredentialsStripsOnlySecrets() throws {
    let c = try config("""
    {"auths": {"ghcr.io": {"auth": "\(base64Text("a:b"))"}, "https://ghcr.io": {"auth": "\(base64Text("a:b"))", "email": "e"},
               "quay.io": {"auth": "\(base64Text("q:q"))"}}, "credsStore": "x"}
    """)
    let removed = try #require(try c.removingCredentials(for: "ghcr.io"))
    #expect(removed.authEntries == ["https://ghcr.io": ["email": .string("e")], "quay.io": ["auth": .string(base64Text("q:q"))]])
    #expect(removed.credentialsStore == "x")
    #expect(try removed.removingCredentials(for: "gcr.io") == nil)
    #expect(try config("{}").removingCredentials(for: "ghcr.io") == nil)
}
