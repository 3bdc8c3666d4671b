import Testing
import XArchModel

/// `URLUserinfo.removed(from:)`: the one place that drops `user:password@` from URLs (registry
/// redaction, git remotes in provenance).
@Suite struct URLUserinfoTests {
    @Test(arguments: [
        ("https://user:token@git.example/team/app.git", "https://git.example/team/app.git"),
        ("https://token@git.example/app", "https://git.example/app"),
        ("http://a:b@127.0.0.1:5000/v2/?x=1", "http://127.0.0.1:5000/v2/?x=1"),
        ("https://git.example/path/with@sign", "https://git.example/path/with@sign"),
        ("git@github.com:team/app.git", "git@github.com:team/app.git"),
        ("/relative/path", "/relative/path"),
        ("https://p%40ss:w@host", "https://host"),
    ])
    func userinfoIsRemoved(input: String, expected: String) {
        #expect(URLUserinfo.removed(from: input) == expected)
    }
}
