import Foundation
import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

private func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

@Test func storeCreatesDirectoryAndFilePrivately() throws {
    let dir = try AuthTestDirectory()
    defer { dir.remove() }
    let path = dir.file("new/.docker/config.json")
    let store = CredentialStore(configPath: path, environment: [:])
    #expect(try store.credentials(for: "ghcr.io") == nil)
    #expect(try store.store(RegistryCredentials(username: "u", password: "p"), for: "ghcr.io") == .file(path))
    #expect(try mode(path) == 0o600)
    #expect(try mode(dir.file("new/.docker")) == 0o700)
    #expect(try store.credentials(for: "ghcr.io") == RegistryCredentials(username: "u", password: "p"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("new/.docker")) == ["config.json"])
}

@Test func storePreservesTheRestOfAnExistingFile() throws {
    let dir = try AuthTestDirectory()
    defer { dir.remove() }
    let original = """
    {
    \t"auths": {"quay.io": {"auth": "\(base64Text("q:q"))"}},
    \t"currentContext": "colima",
    \t"proxies": {"default": {"noProxy": "localhost"}},
    \t"features": {"hooks": "true"},
    \t"futureField": {"deep": [true, false, null, 3, 4.25, "s"]}
    }
    """
    let path = try dir.write("config.json", original, mode: 0o644)
    let store = CredentialStore(configPath: path, environment: [:])
    try store.store(RegistryCredentials(username: "u", password: "p"), for: "docker.io")
    let expected = try authJSONObject(original).mutableCopy() as! NSMutableDictionary
    expected["auths"] = ["quay.io": ["auth": base64Text("q:q")], "https://index.docker.io/v1/": ["auth": base64Text("u:p")]]
    #expect(try authJSONObject(dir.read("config.json")) == expected)
    #expect(try mode(path) == 0o600)
    #expect(try store.credentials(for: "index.docker.io") == RegistryCredentials(username: "u", password: "p"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["config.json"])
}

@Test func eraseRemovesOnlyThatRegistry() throws {
    let dir = try AuthTestDirectory()
    defer { dir.remove() }
    let path = try dir.write("config.json", """
    {"auths": {"https://index.docker.io/v1/": {"auth": "\(base64Text("u:p"))"}, "quay.io": {"auth": "\(base64Text("q:q"))"}}, "x": 1}
    """)
    let store = CredentialStore(configPath: path, environment: [:])
    try store.erase(for: "docker.io")
    #expect(try authJSONObject(dir.read("config.json")) == ["auths": ["quay.io": ["auth": base64Text("q:q")]], "x": 1] as NSDictionary)
    let before = try dir.read("config.json")
    try store.erase(for: "ghcr.io")
    #expect(try dir.read("config.json") == before)
    try CredentialStore(configPath: dir.file("absent.json"), environment: [:]).erase(for: "ghcr.io")
    #expect(!FileManager.default.fileExists(atPath: dir.file("absent.json")))
}

@Test func writesThroughASymlink() throws {
    let dir = try AuthTestDirectory()
    defer { dir.remove() }
    let real = try dir.write("real/config.json", #"{"keep": "me"}"#)
    try FileManager.default.createDirectory(atPath: dir.file("link"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: dir.file("link/config.json"), withDestinationPath: "../real/config.json")
    try CredentialStore(configPath: dir.file("link/config.json"), environment: [:])
        .store(RegistryCredentials(username: "u", password: "p"), for: "ghcr.io")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("link/config.json")) == "../real/config.json")
    let written = try authJSONObject(String(decoding: Data(contentsOf: URL(fileURLWithPath: real)), as: UTF8.self))
    #expect(written == ["keep": "me", "auths": ["ghcr.io": ["auth": base64Text("u:p")]]] as NSDictionary)
}

@Test func invalidFileIsAClearErrorAndIsNotOverwritten() throws {
    let dir = try AuthTestDirectory()
    defer { dir.remove() }
    let path = try dir.write("config.json", "{ not json")
    let store = CredentialStore(configPath: path, environment: [:])
    expectXArchError(.credentials, containing: [path, "JSON"]) { _ = try store.credentials(for: "ghcr.io") }
    expectXArchError(.credentials, containing: [path]) {
        try store.store(RegistryCredentials(username: "u", password: "p"), for: "ghcr.io")
    }
    #expect(try dir.read("config.json") == "{ not json")
    let bad = try dir.write("bad.json", #"{"auths": {"ghcr.io": {"auth": "%%%"}}}"#)
    expectXArchError(.credentials, containing: [bad, "ghcr.io", "base64"]) {
        _ = try CredentialStore(configPath: bad, environment: [:]).credentials(for: "ghcr.io")
    }
}

@Test func refusesEmptyRegistry() {
    expectXArchError(.credentials, containing: ["registry host"]) {
        _ = try CredentialStore(configPath: "/nonexistent/config.json", environment: [:]).credentials(for: "")
    }
}

@Test func defaultPathFollowsDockerConfigThenHome() {
    #expect(CredentialStore.defaultConfigPath(environment: ["DOCKER_CONFIG": "/etc/dc", "HOME": "/home/u"]) == "/etc/dc/config.json")
    #expect(CredentialStore.defaultConfigPath(environment: ["DOCKER_CONFIG": "", "HOME": "/home/u"]) == "/home/u/.docker/config.json")
    #expect(CredentialStore(environment: ["HOME": "/home/u"]).configPath == "/home/u/.docker/config.json")
    #expect(CredentialStore(configPath: "/x/c.json", environment: ["DOCKER_CONFIG": "/etc/dc"]).configPath == "/x/c.json")
}

@Test func readsFromDockerConfigEnvironment() throws {
    let dir = try AuthTestDirectory()
    defer { dir.remove() }
    try dir.write("config.json", #"{"auths": {"ghcr.io": {"auth": "\#(base64Text("e:v"))"}}}"#)
    let store = CredentialStore(environment: ["DOCKER_CONFIG": dir.path])
    #expect(try store.credentials(for: "ghcr.io") == RegistryCredentials(username: "e", password: "v"))
}
