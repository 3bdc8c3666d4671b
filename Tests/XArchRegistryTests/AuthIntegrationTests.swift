import Foundation
import Testing
import XArchContent
import XArchModel
import XArchRegistry
import XArchTestSupport

/// Authentication against the real registries `scripts/test` starts: htpasswd Basic, token auth with a
/// token server, a short token lifetime, and a proxy that redirects blob downloads to a foreign host.
@Suite("authentication against real registries", .serialized)
struct AuthIntegrationTests {
    /// `host`, user and password of a registry of `scripts/test` (`PREFIX`, `PREFIX_USER`, `PREFIX_PASSWORD`).
    static func registry(_ prefix: String) throws -> (host: String, user: String, password: String) {
        (try Integration.require(prefix), Integration.value("\(prefix)_USER") ?? "xarch",
         Integration.value("\(prefix)_PASSWORD") ?? "xarch-secret")
    }

    /// A docker config.json holding `user:password` for `host`, in a fresh directory.
    static func config(for host: String, user: String, password: String) throws -> CredentialStore {
        let dir = try TestImages.temporaryDirectoryRemovedAtExit("xarch-docker-config")
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        let json = "{\"auths\":{\"\(host)\":{\"auth\":\"\(auth)\"}}}"
        try json.write(toFile: dir + "/config.json", atomically: false, encoding: .utf8)
        return CredentialStore(configPath: dir + "/config.json", environment: [:])
    }

    static func session(_ credentials: CredentialStore?) -> RegistrySession {
        var options = RegistryOptions()
        options.credentials = credentials
        return RegistrySession(options: options)
    }

    /// Runs `body` with a session of `config`, shut down on every path: a session dropped with a live HTTP
    /// client traps in its deinit and takes the whole test process down.
    @discardableResult
    static func withSession<T>(_ config: CredentialStore?, _ body: (RegistrySession) async throws -> T) async throws -> T {
        let session = Self.session(config)
        let result: Result<T, any Error>
        do { result = .success(try await body(session)) } catch { result = .failure(error) }
        await session.shutdown()
        return try result.get()
    }

    /// Pushes a small one-layer image with `client`; returns its manifest descriptor.
    static func pushImage(_ client: RegistryClient, tag: String, layerSize: Int = 2048) async throws -> Descriptor {
        let layerBytes = (0..<layerSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ tag.utf8.count) }
        let layer = Descriptor(mediaType: .ociLayer, bytes: layerBytes)
        try await client.putBlob(layer, from: ByteStream(bytes: layerBytes))
        let configBytes = try CanonicalJSON.encode(ImageConfig(architecture: "amd64", os: "linux", rootfs: .init(diffIDs: [layer.digest])))
        let config = Descriptor(mediaType: .ociConfig, bytes: configBytes)
        try await client.putBlob(config, from: ByteStream(bytes: configBytes))
        let bytes = try CanonicalJSON.encode(ImageManifest(config: config, layers: [layer]))
        let manifest = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await client.putManifest(manifest, bytes: bytes, tag: tag)
        return manifest
    }

    static func repository() -> String { "auth-tests/r-\(UUID().uuidString.prefix(8).lowercased())" }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY_BASIC"))
    func basicAuthRefusesAnonymousPushAndAcceptsStoredCredentials() async throws {
        let r = try Self.registry("XARCH_TEST_REGISTRY_BASIC")
        let reference = try ImageReference(parsing: "\(r.host)/\(Self.repository())")
        try await Self.withSession(nil) { anonymous in
            await #expect { try await Self.pushImage(anonymous.repository(reference), tag: "v1") } throws: { error in
                (error as? XArchError)?.code == .authentication && "\(error)".contains("xarch login")
            }
        }

        let pushed = try await Self.withSession(try Self.config(for: r.host, user: r.user, password: r.password)) { session in
            try await Self.pushImage(session.repository(reference), tag: "v1")
        }
        let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", "\(r.user):\(r.password)",
                                          "docker://\(reference.registry)/\(reference.repository):v1"])
        #expect(Digest.of(Array(raw.utf8)) == pushed.digest)

        try await Self.withSession(try Self.config(for: r.host, user: r.user, password: "wrong")) { wrong in
            await #expect { try await wrong.ping(r.host) } throws: { error in (error as? XArchError)?.code == .authentication }
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY_TOKEN", "XARCH_TEST_REGISTRY_TOKEN_TOKEN_LOG"))
    func tokenAuthFetchesOneTokenPerScopeAndPullsAnonymously() async throws {
        let r = try Self.registry("XARCH_TEST_REGISTRY_TOKEN"), log = try Integration.require("XARCH_TEST_REGISTRY_TOKEN_TOKEN_LOG")
        let reference = try ImageReference(parsing: "\(r.host)/\(Self.repository())")
        let before = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
        try await Self.withSession(try Self.config(for: r.host, user: r.user, password: r.password)) { session in
            let client = session.repository(reference)
            // Ten images pushed concurrently: the token cache fetches each scope once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<10 { group.addTask { _ = try await Self.pushImage(client, tag: "t\(i)", layerSize: 1000 + i) } }
                try await group.waitForAll()
            }
            #expect(try await client.tags().count == 10)
        }
        let fetches = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count - before
        #expect(fetches >= 1 && fetches <= 2, "one token for pull,push (and at most one for pull), not one per request: \(fetches)")

        try await Self.withSession(nil) { anonymous in
            let document = try await anonymous.repository(reference.with(tag: "t3")).manifest(.tag("t3"))
            #expect(document.image != nil)
            await #expect { try await Self.pushImage(anonymous.repository(reference), tag: "nope") } throws: { error in
                (error as? XArchError)?.code == .authentication
            }
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY_SHORTTTL"))
    func anExpiredTokenIsRefreshed() async throws {
        let r = try Self.registry("XARCH_TEST_REGISTRY_SHORTTTL")
        let reference = try ImageReference(parsing: "\(r.host)/\(Self.repository())")
        try await Self.withSession(try Self.config(for: r.host, user: r.user, password: r.password)) { session in
            let client = session.repository(reference)
            let first = try await Self.pushImage(client, tag: "v1")
            try await Task.sleep(nanoseconds: 4_500_000_000)   // the 3 s token has expired
            let again = try await client.manifest(.tag("v1"))
            #expect(again.digest == first.digest)
            _ = try await Self.pushImage(client, tag: "v2")
        }
    }

    /// A blob download redirected to another host must not carry the registry's token there.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY_TOKEN", "XARCH_TEST_PROXY_TOKEN", "XARCH_TEST_PROXY_TOKEN_CONTROL"))
    func authorizationNeverFollowsARedirectToAnotherHost() async throws {
        let r = try Self.registry("XARCH_TEST_REGISTRY_TOKEN")
        let proxy = try Integration.require("XARCH_TEST_PROXY_TOKEN"), control = try Integration.require("XARCH_TEST_PROXY_TOKEN_CONTROL")
        let repository = Self.repository()
        try await Self.withSession(try Self.config(for: proxy, user: r.user, password: r.password)) { session in
            let client = session.repository(try ImageReference(parsing: "\(proxy)/\(repository)"))
            let manifest = try await Self.pushImage(client, tag: "v1", layerSize: 100_000)
            try await Peer.run("curl", ["-sf", "-X", "DELETE", "\(control)/log"])
            try await Peer.run("curl", ["-sf", "-X", "POST", "\(control)/faults", "-d",
                                  #"{"match": "/\#(repository)/blobs/sha256:", "method": "GET", "fault": "redirect", "times": -1}"#])
            // a quick curl, on every path (an armed redirect would send later tests of this proxy elsewhere)
            defer { _ = try? Peer.run("curl", ["-sf", "-X", "DELETE", "\(control)/faults"]) }

            let image = try #require(try await client.manifest(.digest(manifest.digest)).image)
            var hasher = DigestHasher()
            for try await chunk in try await client.blob(image.layers[0]) { hasher.update(chunk) }
            #expect(hasher.finalize() == image.layers[0].digest)
        }

        let entries = try await Peer.run("curl", ["-sf", "\(control)/log"]).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let foreign = entries.filter { "\($0["listener"] ?? "")" == "foreign" }
        let main = entries.filter { "\($0["listener"] ?? "")" == "main" && "\($0["path"] ?? "")".contains("/blobs/") }
        #expect(!foreign.isEmpty, "the download went to the foreign host: \(entries)")
        #expect(main.contains { ($0["authorization"] as? Bool) == true }, "the registry itself got the token")
        for entry in foreign {
            #expect((entry["authorization"] as? Bool) == false, "Authorization leaked to the foreign host: \(entry)")
        }
    }
}
