import Foundation
import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

/// A temporary docker config directory with a `bin` directory of fake credential helpers on PATH.
struct HelperFixture {
    let dir: AuthTestDirectory
    var configPath: String { dir.file("docker/config.json") }
    var logPath: String { dir.file("helper.log") }
    var environment: [String: String] {
        ["PATH": dir.file("bin") + ":/usr/bin:/bin", "HELPER_LOG": logPath, "HELPER_DIR": dir.path, "HOME": dir.path]
    }

    init() throws { dir = try AuthTestDirectory() }

    func config(_ json: String) throws { try dir.write("docker/config.json", json) }

    func helper(_ name: String, _ body: String, mode: Int = 0o755) throws {
        try dir.write("bin/docker-credential-\(name)", "#!/bin/sh\n" + body + "\n", mode: mode)
    }

    func store(timeout: TimeInterval = 20) -> CredentialStore {
        CredentialStore(configPath: configPath, environment: environment, helperTimeout: timeout)
    }

    func log() -> String { (try? dir.read("helper.log")) ?? "" }
}

/// A helper in the docker-credential-helpers style: answers for ghcr.io and token.example.com,
/// "not found" otherwise; `store` and `erase` are logged with their input.
let keychainHelper = #"""
input="$(cat)"
echo "$1 $input" >> "$HELPER_LOG"
case "$1" in
  get)
    case "$input" in
      ghcr.io) echo '{"ServerURL":"ghcr.io","Username":"helperuser","Secret":"helper-secret"}' ;;
      token.example.com) echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"IDENTITY"}' ;;
      https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hub","Secret":"hubpw"}' ;;
      empty.example.com) echo '{"ServerURL":"empty.example.com","Username":"","Secret":""}' ;;
      *) echo "credentials not found in native keychain"; exit 1 ;;
    esac ;;
  store) exit 0 ;;
  erase) [ "$input" = "gone.example.com" ] && { echo "credentials not found in native keychain"; exit 1; }; exit 0 ;;
  *) exit 2 ;;
esac
"""#

/// Tests that run helper programs. Serialized: a helper script written while another test spawns a
/// process can be briefly held open by that child, and `exec` of it then fails with ETXTBSY.
@Suite(.serialized)
struct CredentialHelperTests {
    @Test func readsFromCredsStoreHelper() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("keychain", keychainHelper)
        try f.config(#"{"credsStore": "keychain", "auths": {"quay.io": {"auth": "\#(base64Text("q:inline"))"}}}"#)
        let store = f.store()
        #expect(try store.credentials(for: "ghcr.io") == RegistryCredentials(username: "helperuser", password: "helper-secret"))
        #expect(try store.credentials(for: "token.example.com") == RegistryCredentials(identityToken: "IDENTITY"))
        #expect(try store.credentials(for: "registry-1.docker.io") == RegistryCredentials(username: "hub", password: "hubpw"))
        #expect(try store.credentials(for: "empty.example.com") == nil)
        #expect(try store.credentials(for: "unknown.example.com") == nil)
        // Not in the helper: the inline entry is used.
        #expect(try store.credentials(for: "quay.io") == RegistryCredentials(username: "q", password: "inline"))
        #expect(f.log().contains("get https://index.docker.io/v1/"))
    }

    @Test func credHelpersOverrideCredsStore() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("keychain", keychainHelper)
        try f.helper("other", #"cat > /dev/null; echo '{"ServerURL":"x","Username":"other","Secret":"o"}'"#)
        try f.config(#"{"credsStore": "other", "credHelpers": {"ghcr.io": "keychain"}}"#)
        #expect(try f.store().credentials(for: "ghcr.io")?.username == "helperuser")
        #expect(try f.store().credentials(for: "quay.io")?.username == "other")
    }

    @Test func missingOrNonExecutableHelperMeansAnonymous() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("noexec", "echo '{}'", mode: 0o644)
        try f.config(#"{"credsStore": "absent", "credHelpers": {"gcr.io": "noexec"}, "auths": {"quay.io": {"auth": "\#(base64Text("q:p"))"}}}"#)
        #expect(try f.store().credentials(for: "ghcr.io") == nil)
        #expect(try f.store().credentials(for: "gcr.io") == nil)
        #expect(try f.store().credentials(for: "quay.io") == RegistryCredentials(username: "q", password: "p"))
    }

    @Test func failingHelperIsAClearError() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("broken", #"cat > /dev/null; echo "error getting credentials: keychain locked"; echo "more" >&2; exit 3"#)
        try f.helper("garbage", "cat > /dev/null; echo 'not json'")
        try f.helper("stderronly", "cat > /dev/null; echo 'boom on stderr' >&2; exit 1")
        try f.config(#"{"credHelpers": {"a.io": "broken", "b.io": "garbage", "c.io": "stderronly", "d.io": "../../bin/sh"}}"#)
        expectXArchError(.credentials, containing: ["docker-credential-broken", "a.io", "exit status 3", "keychain locked"]) {
            _ = try f.store().credentials(for: "a.io")
        }
        expectXArchError(.credentials, containing: ["docker-credential-garbage", "not its JSON"]) {
            _ = try f.store().credentials(for: "b.io")
        }
        expectXArchError(.credentials, containing: ["docker-credential-stderronly", "boom on stderr"]) {
            _ = try f.store().credentials(for: "c.io")
        }
        expectXArchError(.credentials, containing: ["not a valid helper name"]) {
            _ = try f.store().credentials(for: "d.io")
        }
    }

    @Test func slowHelperTimesOut() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("slow", "cat > /dev/null; sleep 30; echo '{}'")
        try f.config(#"{"credsStore": "slow"}"#)
        expectXArchError(.credentials, containing: ["docker-credential-slow", "did not answer", "ghcr.io"]) {
            _ = try f.store(timeout: 1).credentials(for: "ghcr.io")
        }
    }

    @Test func helperThatIgnoresStdinDoesNotHurt() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("deaf", #"echo '{"ServerURL":"x","Username":"u","Secret":"s"}'"#)
        try f.config(#"{"credsStore": "deaf"}"#)
        #expect(try f.store().credentials(for: "ghcr.io") == RegistryCredentials(username: "u", password: "s"))
        try f.store().store(RegistryCredentials(username: "u", password: "p"), for: "ghcr.io")
    }

    @Test func helperGetsTheEnvironment() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("env", #"cat > /dev/null; printf '{"ServerURL":"x","Username":"%s","Secret":"s"}' "$MY_VAR""#)
        try f.config(#"{"credsStore": "env"}"#)
        var environment = f.environment
        environment["MY_VAR"] = "from-env"
        let store = CredentialStore(configPath: f.configPath, environment: environment)
        #expect(try store.credentials(for: "ghcr.io")?.username == "from-env")
    }

    @Test func storeAndEraseGoToTheHelper() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("keychain", keychainHelper)
        let original = #"{"credsStore": "keychain", "auths": {"ghcr.io": {"auth": "\#(base64Text("stale:stale"))"}}}"#
        try f.config(original)
        let location = try f.store().store(RegistryCredentials(username: "me", password: "pw"), for: "ghcr.io")
        #expect(location == .helper("keychain"))
        try f.store().store(RegistryCredentials(username: "me", identityToken: "IDT"), for: "docker.io")
        #expect(f.log().contains(#"store {"ServerURL":"ghcr.io","Username":"me","Secret":"pw"}"#)
                || f.log().contains(#""Secret":"pw""#))
        #expect(f.log().contains(#""Username":"<token>""#) && f.log().contains(#""Secret":"IDT""#))
        #expect(f.log().contains("https:\\/\\/index.docker.io\\/v1\\/") || f.log().contains("https://index.docker.io/v1/"))
        #expect(try f.dir.read("docker/config.json") == original)

        try f.store().erase(for: "ghcr.io")
        #expect(f.log().contains("erase ghcr.io"))
        // The stale inline entry is removed too, so it cannot come back as a fallback.
        #expect(try DockerConfig.load(path: f.configPath)?.authEntries.isEmpty == true)
        try f.store().erase(for: "gone.example.com")
    }

    @Test func helperStoreFailureNeverShowsTheSecret() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("echoing", #"input="$(cat)"; echo "cannot store $input"; exit 1"#)
        try f.config(#"{"credsStore": "echoing"}"#)
        let error = expectXArchError(.credentials, containing: ["docker-credential-echoing", "store"]) {
            try f.store().store(RegistryCredentials(username: "me", password: "TOPSECRET"), for: "ghcr.io")
        }
        #expect(!(error?.message.contains("TOPSECRET") ?? true))
        expectXArchError(.credentials, containing: ["registry token"]) {
            try f.store().store(RegistryCredentials(registryToken: "RT"), for: "ghcr.io")
        }
    }

    @Test func storeWithMissingHelperIsAnError() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.config(#"{"credsStore": "absent"}"#)
        expectXArchError(.credentials, containing: ["docker-credential-absent", "not on PATH"]) {
            try f.store().store(RegistryCredentials(username: "u", password: "p"), for: "ghcr.io")
        }
        expectXArchError(.credentials, containing: ["docker-credential-absent"]) { try f.store().erase(for: "ghcr.io") }
    }

    @Test func launchRetriesWhileTheHelperIsBusy() throws {
        let f = try HelperFixture()
        defer { f.dir.remove() }
        try f.helper("busy", #"cat > /dev/null; echo '{"ServerURL":"x","Username":"u","Secret":"s"}'"#)
        try f.config(#"{"credsStore": "busy"}"#)
        // Hold the program open for writing, as an installer would: exec fails with ETXTBSY until closed.
        let fd = open(f.dir.file("bin/docker-credential-busy"), O_WRONLY)
        #expect(fd >= 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.03) { close(fd) }
        #expect(try f.store().credentials(for: "ghcr.io") == RegistryCredentials(username: "u", password: "s"))
    }
}
