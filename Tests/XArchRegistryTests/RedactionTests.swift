import Testing
@testable import XArchRegistry

/// A URL and its redacted form.
let redactionCases: [(String, String)] = [
    ("https://ghcr.io/v2/o/r/manifests/latest", "https://ghcr.io/v2/o/r/manifests/latest"),
    ("https://user:pass@registry.example.com/v2/", "https://registry.example.com/v2/"),
    ("https://user@registry.example.com", "https://registry.example.com"),
    ("https://u:p%40ss@host:5000/x?y=1", "https://host:5000/x?y=1"),
    ("https://host/path/with@sign", "https://host/path/with@sign"),
    ("https://r.example.com/v2/o/r/blobs/uploads/uuid?_state=abcDEF&digest=sha256:1",
     "https://r.example.com/v2/o/r/blobs/uploads/uuid?_state=REDACTED&digest=sha256:1"),
    ("https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Aa%3Apull&token=xyz",
     "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Aa%3Apull&token=REDACTED"),
    ("https://bucket.s3.amazonaws.com/blob?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef&X-Amz-Security-Token=FQo",
     "https://bucket.s3.amazonaws.com/blob?X-Amz-Algorithm=AWS4&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED"),
    ("https://acct.blob.core.windows.net/c/b?sv=2020&sig=abc%2Bdef&se=2024", "https://acct.blob.core.windows.net/c/b?sv=2020&sig=REDACTED&se=2024"),
    ("https://cdn.example.com/x?Signature=s&Expires=1&Key-Pair-Id=k", "https://cdn.example.com/x?Signature=REDACTED&Expires=1&Key-Pair-Id=k"),
    ("https://storage.googleapis.com/b/o?X-Goog-Signature=aa&x-goog-date=1", "https://storage.googleapis.com/b/o?X-Goog-Signature=REDACTED&x-goog-date=1"),
    ("https://idp/cb?code=C0DE&state=s#frag", "https://idp/cb?code=REDACTED&state=s#frag"),
    ("https://h/p?access_token=a&ACCESS_TOKEN=b&refresh_token=c", "https://h/p?access_token=REDACTED&ACCESS_TOKEN=REDACTED&refresh_token=REDACTED"),
    ("https://h/p?%5Fstate=a&to%6Ben=b", "https://h/p?%5Fstate=REDACTED&to%6Ben=REDACTED"),
    ("https://h/p?token&token=&x==&&", "https://h/p?token=REDACTED&token=REDACTED&x==&&"),
    ("https://h/p?tokens=keep&mytoken=keep", "https://h/p?tokens=keep&mytoken=keep"),
    ("not a url ?token=1", "not a url ?token=REDACTED"),
    ("", ""),
    ("https://h/p?#?token=x", "https://h/p?#?token=x"),
    ("https://u:p@[::1]:5000/v2/?_state=x", "https://[::1]:5000/v2/?_state=REDACTED"),
]

@Test(arguments: redactionCases.map(\.0))
func redactsURL(_ input: String) throws {
    let expected = try #require(redactionCases.first { $0.0 == input }).1
    #expect(Redaction.url(input) == expected)
}

@Test func redactsHeaders() {
    let headers: [(String, String)] = [
        ("Authorization", "Bearer eyJhbGciOi"),
        ("proxy-authorization", "Basic dTpw"),
        ("Cookie", "session=1"),
        ("SET-COOKIE", "session=2; HttpOnly"),
        ("X-Registry-Auth", "e30="),
        ("Location", "https://bucket.s3.amazonaws.com/b?X-Amz-Signature=sig&a=1"),
        ("WWW-Authenticate", #"Bearer realm="https://auth.docker.io/token""#),
        ("Content-Type", "application/json"),
        ("Authorization", "Basic second"),
    ]
    let redacted = Redaction.headers(headers)
    #expect(redacted.map(\.0) == headers.map(\.0))
    #expect(redacted.map(\.1) == [
        "REDACTED", "REDACTED", "REDACTED", "REDACTED", "REDACTED",
        "https://bucket.s3.amazonaws.com/b?X-Amz-Signature=REDACTED&a=1",
        #"Bearer realm="https://auth.docker.io/token""#, "application/json", "REDACTED",
    ])
    #expect(Redaction.headers([]).isEmpty)
}
