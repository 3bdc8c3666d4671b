import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

/// A header value and the challenges it must parse to.
struct ChallengeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let header: String
    let expected: [AuthChallenge]
    var testDescription: String { name }

    init(_ name: String, _ header: String, _ expected: [AuthChallenge]) {
        self.name = name
        self.header = header
        self.expected = expected
    }
}

private func bearer(_ parameters: [String: String]) -> AuthChallenge {
    AuthChallenge(scheme: "bearer", parameters: parameters)
}

let challengeCases: [ChallengeCase] = [
    // Headers as real registries send them.
    ChallengeCase("Docker Hub",
                  #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
                  [bearer(["realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                           "scope": "repository:library/alpine:pull"])]),
    ChallengeCase("Docker Hub insufficient_scope",
                  #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:o/r:pull,push",error="insufficient_scope""#,
                  [bearer(["realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                           "scope": "repository:o/r:pull,push", "error": "insufficient_scope"])]),
    ChallengeCase("GHCR", #"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull""#,
                  [bearer(["realm": "https://ghcr.io/token", "service": "ghcr.io", "scope": "repository:user/image:pull"])]),
    ChallengeCase("GCR", #"Bearer realm="https://gcr.io/v2/token",service="gcr.io",scope="repository:google-containers/pause:pull""#,
                  [bearer(["realm": "https://gcr.io/v2/token", "service": "gcr.io",
                           "scope": "repository:google-containers/pause:pull"])]),
    ChallengeCase("Artifact Registry", #"Bearer realm="https://us-docker.pkg.dev/v2/token",service="us-docker.pkg.dev""#,
                  [bearer(["realm": "https://us-docker.pkg.dev/v2/token", "service": "us-docker.pkg.dev"])]),
    ChallengeCase("Quay", #"Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:coreos/etcd:pull""#,
                  [bearer(["realm": "https://quay.io/v2/auth", "service": "quay.io", "scope": "repository:coreos/etcd:pull"])]),
    ChallengeCase("ECR", #"Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com""#,
                  [AuthChallenge(scheme: "basic", parameters: ["realm": "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",
                                                               "service": "ecr.amazonaws.com"])]),
    ChallengeCase("Harbor", #"Bearer realm="https://harbor.example.com/service/token",service="harbor-registry",scope="repository:library/nginx:pull""#,
                  [bearer(["realm": "https://harbor.example.com/service/token", "service": "harbor-registry",
                           "scope": "repository:library/nginx:pull"])]),
    ChallengeCase("ACR", #"Bearer realm="https://example.azurecr.io/oauth2/token",service="example.azurecr.io""#,
                  [bearer(["realm": "https://example.azurecr.io/oauth2/token", "service": "example.azurecr.io"])]),
    ChallengeCase("distribution htpasswd", #"Basic realm="Registry Realm""#,
                  [AuthChallenge(scheme: "basic", parameters: ["realm": "Registry Realm"])]),
    ChallengeCase("distribution token", #"Bearer realm="http://127.0.0.1:5001/auth",service="Docker registry",scope="registry:catalog:*""#,
                  [bearer(["realm": "http://127.0.0.1:5001/auth", "service": "Docker registry", "scope": "registry:catalog:*"])]),
    ChallengeCase("several scopes in one", #"Bearer realm="https://r/t",scope="repository:a:pull repository:b:pull,push""#,
                  [bearer(["realm": "https://r/t", "scope": "repository:a:pull repository:b:pull,push"])]),
    // RFC 7235 §4.1 example: two challenges in one field, escapes, token values.
    ChallengeCase("RFC 7235 example", #"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#,
                  [AuthChallenge(scheme: "newauth", parameters: ["realm": "apps", "type": "1", "title": #"Login to "apps""#]),
                   AuthChallenge(scheme: "basic", parameters: ["realm": "simple"])]),
    ChallengeCase("Basic then Bearer", #"Basic realm="b", Bearer realm="https://a/t",service="s""#,
                  [AuthChallenge(scheme: "basic", parameters: ["realm": "b"]), bearer(["realm": "https://a/t", "service": "s"])]),
    ChallengeCase("case-insensitive names", #"BEARER Realm="https://a/t",SERVICE="S""#,
                  [bearer(["realm": "https://a/t", "service": "S"])]),
    ChallengeCase("whitespace everywhere", "  Bearer \t realm = \"https://a/t\" ,  service\t=\t\"s\" , ",
                  [bearer(["realm": "https://a/t", "service": "s"])]),
    ChallengeCase("token values", "Bearer realm=apps,service=registry.example",
                  [bearer(["realm": "apps", "service": "registry.example"])]),
    ChallengeCase("unquoted URL value (lenient)", "Bearer realm=https://a/t?x=1,service=registry",
                  [bearer(["realm": "https://a/t?x=1", "service": "registry"])]),
    ChallengeCase("token68 that looks like a parameter", "Basic realm=",
                  [AuthChallenge(scheme: "basic", token68: "realm=")]),
    ChallengeCase("comma inside quotes", #"Bearer realm="https://a/t",scope="repository:o/r:pull,push,delete""#,
                  [bearer(["realm": "https://a/t", "scope": "repository:o/r:pull,push,delete"])]),
    ChallengeCase("escaped backslash and quote", #"Basic realm="a\\b\"c""#,
                  [AuthChallenge(scheme: "basic", parameters: ["realm": #"a\b"c"#])]),
    ChallengeCase("empty quoted value", #"Bearer realm="""#, [bearer(["realm": ""])]),
    ChallengeCase("empty list elements", #", ,Bearer realm="x",, ,service="y",,"#,
                  [bearer(["realm": "x", "service": "y"])]),
    ChallengeCase("scheme alone", "Negotiate", [AuthChallenge(scheme: "negotiate")]),
    ChallengeCase("schemes alone", "Negotiate, NTLM", [AuthChallenge(scheme: "negotiate"), AuthChallenge(scheme: "ntlm")]),
    ChallengeCase("token68", "Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggS+",
                  [AuthChallenge(scheme: "negotiate", token68: "YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggS+")]),
    ChallengeCase("token68 with padding and slash", "Foo ab/c+d==, Basic realm=\"r\"",
                  [AuthChallenge(scheme: "foo", token68: "ab/c+d=="), AuthChallenge(scheme: "basic", parameters: ["realm": "r"])]),
    ChallengeCase("UTF-8 in quotes", "Basic realm=\"Régistre ☃\"",
                  [AuthChallenge(scheme: "basic", parameters: ["realm": "Régistre ☃"])]),
    ChallengeCase("comma right after scheme", #"Bearer,realm="x""#, [bearer(["realm": "x"])]),
]

@Test(arguments: challengeCases)
func parsesChallenge(_ c: ChallengeCase) throws {
    #expect(try AuthChallenge.parse(c.header) == c.expected)
}

/// Headers that must be refused with one clear error, never a crash.
let malformedChallenges: [(String, String)] = [
    ("empty", ""),
    ("only whitespace", "   \t "),
    ("only commas", ",,, , ,"),
    ("unterminated quote", #"Bearer realm="https://auth.docker.io/token"#),
    ("unterminated after escape", #"Bearer realm="abc\"#),
    ("parameter before scheme", #"realm="x", Bearer"#),
    ("missing comma between parameters", #"Bearer realm="x" service="y""#),
    ("missing comma between challenges", #"Basic realm="a" Bearer realm="b""#),
    ("missing value", "Bearer realm=, service=\"y\""),
    ("value at end missing", "Bearer realm=\"x\", service="),
    ("double equals", "Bearer realm==\"x\""),
    ("quote in the scheme", "\"Bearer\" realm=x"),
    ("control character in quotes", "Bearer realm=\"a\u{01}b\""),
    ("newline in quotes", "Bearer realm=\"a\nb\""),
    ("duplicate parameter", #"Bearer realm="a",Realm="b""#),
    ("parameter after token68", #"Negotiate abc==, realm="x""#),
    ("stray character", "Bearer realm=\"x\";"),
    ("scheme then quoted string", #"Bearer "x""#),
    ("two schemes without comma", "Bearer Basic realm=x"),
    ("lone equals", "="),
    ("NUL byte", "Bearer realm=\u{0}"),
]

@Test(arguments: malformedChallenges.map(\.1))
func refusesMalformedChallenge(_ header: String) {
    expectXArchError(.authentication, containing: ["WWW-Authenticate", "malformed"]) {
        _ = try AuthChallenge.parse(header)
    }
}

@Test func refusesHugeHeader() {
    let header = "Bearer realm=\"" + String(repeating: "a", count: 2_000_000) + "\""
    expectXArchError(.authentication, containing: ["more than"]) { _ = try AuthChallenge.parse(header) }
}

@Test func parsesLargeValidHeaderJustUnderTheCap() throws {
    let scopes = (0..<1500).map { "repository:org/r\($0):pull" }.joined(separator: " ")
    let header = #"Bearer realm="https://a/t",service="s",scope=""# + scopes + "\""
    #expect(header.utf8.count < AuthChallenge.maximumHeaderLength)
    let parsed = try AuthChallenge.parse(header)
    #expect(parsed.count == 1)
    #expect(try RegistryScope.parseList(#require(parsed[0].scope)).count == 1500)
}

@Test func manyCommasAndChallengesStayLinear() throws {
    let header = String(repeating: ", ", count: 20_000) + "Basic"
    #expect(try AuthChallenge.parse(header) == [AuthChallenge(scheme: "basic")])
    let many = Array(repeating: #"Basic realm="r""#, count: 2000).joined(separator: ", ")
    #expect(try AuthChallenge.parse(many).count == 2000)
}

@Test func accessorsAndSchemeRecognition() throws {
    let challenges = try AuthChallenge.parse(
        #"Basic realm="b", Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#)
    #expect(challenges.map(\.isBasic) == [true, false])
    #expect(challenges.map(\.isBearer) == [false, true])
    let bearer = challenges[1]
    #expect(bearer.realm == "https://auth.docker.io/token")
    #expect(bearer.service == "registry.docker.io")
    #expect(bearer.scope == "repository:library/alpine:pull")
    #expect(bearer.error == nil)
    #expect(challenges[0].service == nil)
}

@Test func parsesSeveralFields() throws {
    let parsed = try AuthChallenge.parse(fields: [#"Basic realm="a""#, #"Bearer realm="b""#])
    #expect(parsed.map(\.scheme) == ["basic", "bearer"])
}

@Test func initializerLowercasesNames() {
    let challenge = AuthChallenge(scheme: "BeArEr", parameters: ["Realm": "X"])
    #expect(challenge.scheme == "bearer")
    #expect(challenge.parameters == ["realm": "X"])
}

@Test func randomBytesNeverCrash() {
    var generator = SeededGenerator(seed: 42)
    let alphabet = Array(" \t,=\"\\abcXYZ/+~.-!#0129é\u{01}".unicodeScalars)
    for _ in 0..<3000 {
        let length = Int(generator.next() % 40)
        var text = ""
        for _ in 0..<length { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
        do {
            let parsed = try AuthChallenge.parse(text)
            #expect(!parsed.isEmpty)
        } catch let error as XArchError {
            #expect(error.code == .authentication)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Test func prefersBearerThenBasic() throws {
    #expect(AuthChallenge.preferred(try AuthChallenge.parse(#"Basic realm="b", Bearer realm="t""#))?.realm == "t")
    #expect(AuthChallenge.preferred(try AuthChallenge.parse(#"Negotiate, Basic realm="b""#))?.realm == "b")
    #expect(AuthChallenge.preferred(try AuthChallenge.parse("Negotiate abc=")) == nil)
    #expect(AuthChallenge.preferred([]) == nil)
}
