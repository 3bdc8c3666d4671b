import Foundation
import Testing
import XArchModel
import XArchTestSupport

/// `xarch build --provenance`: an SLSA Provenance v1 statement per platform, stored as BuildKit stores
/// attestations (issue 17). The layouts are read here by hand (index.json, blobs), not through xarch.
@Suite("build --provenance")
struct ProvenanceTests {
    static let hello = BuildCommandTests.hello
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let checker = "\(repositoryRoot)/scripts/lib/check-slsa-provenance.py"

    /// One layout's image as written: the root index, its platform entries and attestation entries,
    /// and each attestation's statement.
    struct Written {
        let indexDigest: String
        let platforms: [[String: Any]]
        let attestations: [[String: Any]]
        /// Attested manifest digest → (attestation manifest, statement bytes).
        let statements: [String: (manifest: [String: Any], bytes: Data)]

        func statement(of digest: String) throws -> [String: Any] {
            let bytes = try #require(statements[digest]?.bytes, "no attestation for \(digest)")
            return try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        }
    }

    static func blob(_ layout: String, _ digest: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: "\(layout)/blobs/sha256/\(digest.dropFirst("sha256:".count))"))
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func read(_ layout: String, tag: String) throws -> Written {
        let top = try object(Data(contentsOf: URL(fileURLWithPath: "\(layout)/index.json")))
        let entries = top["manifests"] as? [[String: Any]] ?? []
        let root = try #require(entries.first { ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == tag })
        let indexDigest = try #require(root["digest"] as? String)
        let index = try object(blob(layout, indexDigest))
        let manifests = index["manifests"] as? [[String: Any]] ?? []
        let isAttestation = { (e: [String: Any]) in (e["annotations"] as? [String: String])?["vnd.docker.reference.type"] == "attestation-manifest" }
        var statements: [String: (manifest: [String: Any], bytes: Data)] = [:]
        for entry in manifests where isAttestation(entry) {
            let subject = try #require((entry["annotations"] as? [String: String])?["vnd.docker.reference.digest"])
            let manifest = try object(blob(layout, try #require(entry["digest"] as? String)))
            let layer = try #require((manifest["layers"] as? [[String: Any]])?.first)
            statements[subject] = (manifest, try blob(layout, try #require(layer["digest"] as? String)))
        }
        return Written(indexDigest: indexDigest, platforms: manifests.filter { !isAttestation($0) },
                       attestations: manifests.filter(isAttestation), statements: statements)
    }

    static func platform(_ entry: [String: Any]) -> String {
        let p = entry["platform"] as? [String: Any] ?? [:]
        return [p["os"], p["architecture"], p["variant"]].compactMap { $0 as? String }.filter { !$0.isEmpty }.joined(separator: "/")
    }

    /// Each platform gets its own statement, in BuildKit's layout; two builds from the same inputs give
    /// the same index digest; secret-looking arguments and secrets never reach the statement.
    @Test func everyPlatformIsAttestedReproduciblyAndWithoutSecrets() async throws {
        try await TestImages.withTemporaryDirectory("provenance") { dir in
            try Data("s3cret-from-a-file\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/secret"))
            var digests: [String] = []
            for run in ["a", "b"] {
                // Options before and after the context, as users type them.
                let r = await CLIRun.run("build", "--provenance", "--platform", "linux/amd64,linux/arm64,linux/riscv64", Self.hello,
                                         "--build-arg", "GREETING=hello", "--build-arg", "NPM_TOKEN=hunter2-token",
                                         "--build-arg", "db_password=hunter3", "--secret", "id=npmrc,src=\(dir)/secret",
                                         "--output", "oci:\(dir)/\(run):v1", "--format", "json")
                #expect(r.code == 0, "\(r.stderr)")
                let report = try Self.object(Data(r.stdout.utf8))
                let written = try Self.read("\(dir)/\(run)", tag: "v1")
                digests.append(written.indexDigest)
                #expect(report["digest"] as? String == written.indexDigest)
                #expect(written.platforms.map(Self.platform) == ["linux/amd64", "linux/arm64", "linux/riscv64"])
                #expect(written.attestations.count == 3)
                // Attestation entries follow the images, one per image, in the images' order.
                let manifests = written.platforms + written.attestations
                #expect(manifests.count == 6)
                for (image, attestation) in zip(written.platforms, written.attestations) {
                    let digest = try #require(image["digest"] as? String)
                    #expect((attestation["annotations"] as? [String: String])?["vnd.docker.reference.digest"] == digest)
                    #expect(Self.platform(attestation) == "unknown/unknown")
                    #expect(attestation["mediaType"] as? String == MediaType.ociManifest.rawValue)
                    let (manifest, bytes) = try #require(written.statements[digest])
                    let layer = try #require((manifest["layers"] as? [[String: Any]])?.first)
                    #expect(layer["mediaType"] as? String == "application/vnd.in-toto+json")
                    #expect((layer["annotations"] as? [String: String])?["in-toto.io/predicate-type"] == "https://slsa.dev/provenance/v1")
                    let statement = try written.statement(of: digest)
                    #expect(statement["_type"] as? String == "https://in-toto.io/Statement/v1")
                    let subject = try #require((statement["subject"] as? [[String: Any]])?.first)
                    #expect((subject["digest"] as? [String: String])?["sha256"] == String(digest.dropFirst(7)))
                    let predicate = try #require(statement["predicate"] as? [String: Any])
                    let definition = try #require(predicate["buildDefinition"] as? [String: Any])
                    let external = try #require(definition["externalParameters"] as? [String: Any])
                    let request = try #require(external["request"] as? [String: Any])
                    #expect(request["platform"] as? String == Self.platform(image))
                    #expect(request["args"] as? [String: String] == ["GREETING": "hello"])
                    #expect(request["redactedArgs"] as? [String] == ["NPM_TOKEN", "db_password"])
                    #expect(request["secrets"] as? [String] == ["npmrc"])
                    let source = try #require(external["configSource"] as? [String: Any])
                    let dockerfile = try Data(contentsOf: URL(fileURLWithPath: "\(Self.hello)/Dockerfile"))
                    #expect((source["digest"] as? [String: String])?["sha256"] == String(Digest.of(Array(dockerfile)).description.dropFirst(7)))
                    #expect(source["name"] as? String == "Dockerfile")
                    let text = String(decoding: bytes, as: UTF8.self)
                    for secret in ["hunter2", "hunter3", "s3cret-from-a-file"] { #expect(!text.contains(secret)) }
                    let images = report["images"] as? [[String: Any]] ?? []
                    let reported = images.first { $0["digest"] as? String == digest }
                    #expect(reported?["provenance"] as? String == attestation["digest"] as? String)
                }
            }
            #expect(digests[0] == digests[1], "two builds from the same inputs attach the same provenance")
            let inspect = await CLIRun.run("inspect", "oci:\(dir)/a:v1")
            #expect(inspect.stdout.components(separatedBy: "└ attestation").count == 4, "\(inspect.stdout)")
        }
    }

    /// The SLSA provenance validates with the in-toto attestation framework's own bindings
    /// (scripts/lib/check-slsa-provenance.py), which also refuse a statement missing a required field.
    @Test(.enabled(if: ProvenanceTests.hasValidator || ProcessInfo.processInfo.environment["XARCH_INTEGRATION"] == "1",
                   "needs python3 with in-toto-attestation (scripts/test installs it)"))
    func theStatementValidatesAsSLSAProvenanceV1() async throws {
        try await TestImages.withTemporaryDirectory("provenance-valid") { dir in
            let r = await CLIRun.run("build", "--provenance", "--builder-id", "https://ci.example/runs/42",
                                     "--platform", "linux/arm64", "--output", "oci:\(dir)/l:v1", Self.hello)
            #expect(r.code == 0, "\(r.stderr)")
            let written = try Self.read("\(dir)/l", tag: "v1")
            let digest = try #require(written.platforms.first?["digest"] as? String)
            let bytes = try #require(written.statements[digest]?.bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            let valid = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", Self.checker], input: text)
            #expect(valid.code == 0 && valid.stdout == "valid\n", "\(valid.stdout)\(valid.stderr)")
            #expect(text.contains("\"id\":\"https://ci.example/runs/42\""))
            // The validator can fail: without the builder's id, or with a field SLSA v1 does not have.
            for broken in [text.replacingOccurrences(of: "\"id\":\"https://ci.example/runs/42\",", with: ""),
                           text.replacingOccurrences(of: "\"buildType\"", with: "\"buildKind\"")] {
                #expect(broken != text)
                let invalid = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", Self.checker], input: broken)
                #expect(invalid.code == 1 && invalid.stdout.hasPrefix("invalid: "), "\(invalid.stdout)\(invalid.stderr)")
            }
        }
    }

    static let hasValidator: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import in_toto_attestation, google.protobuf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Base images are recorded by the digest their name resolved to, with the platform's manifest;
    /// a context in a git checkout is recorded by its commit and its origin without credentials.
    @Test(.requiresTools("git")) func baseImagesAndTheContextsCommitAreResolvedDependencies() async throws {
        try await TestImages.withTemporaryDirectory("provenance-deps") { dir in
            let base = try await TestImages.demo(at: "\(dir)/base")
            let context = "\(dir)/ctx"
            try FileManager.default.createDirectory(atPath: "\(context)/sub", withIntermediateDirectories: true)
            try Data("FROM oci:\(dir)/base:demo\nCOPY sub/file /file\n".utf8).write(to: URL(fileURLWithPath: "\(context)/Dockerfile"))
            try Data("content\n".utf8).write(to: URL(fileURLWithPath: "\(context)/sub/file"))
            let git = { (args: [String]) async throws -> String in
                let r = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["git", "-C", context] + args,
                                                 environment: ["GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example",
                                                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example"])
                #expect(r.code == 0, "git \(args): \(r.stderr)")
                return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            _ = try await git(["init", "-q", "-b", "main"])
            _ = try await git(["remote", "add", "origin", "https://ci-user:ghp_tokenvalue@git.example/team/app.git"])
            _ = try await git(["add", "."])
            _ = try await git(["commit", "-q", "-m", "first"])
            _ = try await git(["pack-refs", "--all"])  // the branch now lives in packed-refs only
            let commit = try await git(["rev-parse", "HEAD"])

            // The context is a subdirectory of the checkout, named with a relative-looking path.
            let r = await CLIRun.run("build", "--provenance", "--platform", "linux/arm64,linux/arm/v7",
                                     "--output", "oci:\(dir)/out:v1", "\(context)/sub/..")
            #expect(r.code == 0, "\(r.stderr)")
            let written = try Self.read("\(dir)/out", tag: "v1")
            let baseIndex = try Self.object(Self.blob("\(dir)/base", base.index.digest.description))
            let baseEntries = baseIndex["manifests"] as? [[String: Any]] ?? []
            for image in written.platforms {
                let platform = Self.platform(image)
                let statement = try written.statement(of: try #require(image["digest"] as? String))
                let definition = (statement["predicate"] as? [String: Any])?["buildDefinition"] as? [String: Any]
                let dependencies = definition?["resolvedDependencies"] as? [[String: Any]] ?? []
                #expect(dependencies.count == 2, "\(dependencies)")
                let baseDependency = try #require(dependencies.first { $0["name"] as? String == "oci:\(dir)/base:demo" })
                #expect((baseDependency["digest"] as? [String: String])?["sha256"] == base.index.digest.encoded)
                let child = baseEntries.first { Self.platform($0) == platform }?["digest"] as? String
                #expect((baseDependency["annotations"] as? [String: String])?["manifest"] == child)
                #expect((baseDependency["annotations"] as? [String: String])?["platform"] == platform)
                let checkout = try #require(dependencies.first { $0["name"] as? String == "context" })
                #expect((checkout["digest"] as? [String: String])?["gitCommit"] == commit)
                #expect(checkout["uri"] as? String == "git+https://git.example/team/app.git")
            }
            for (_, statement) in written.statements {
                #expect(!String(decoding: statement.bytes, as: UTF8.self).contains("ghp_tokenvalue"))
            }
        }
    }

    /// With `--provenance`, a one-platform `--push-by-digest` pushes the index (the attestation needs it),
    /// and `index create --from-metadata` keeps every attestation beside its image.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func pushedByDigestTheAttestationTravelsAndTheMergeKeepsIt() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repo = "\(registry)/xarch-tests/provenance-\(UUID().uuidString.prefix(8).lowercased())"
        try await TestImages.withTemporaryDirectory("provenance-push") { dir in
            var images: [String] = []
            for (platform, file) in [("linux/arm64", "arm64"), ("linux/s390x", "s390x")] {
                let r = await CLIRun.run("build", Self.hello, "--platform", platform, "--provenance", "--push-by-digest", repo,
                                         "--metadata-file", "\(dir)/\(file).json", "--format", "json")
                #expect(r.code == 0, "\(r.stderr)")
                let metadata = try PushByDigestTests.metadata("\(dir)/\(file).json")
                #expect(metadata["mediaType"] as? String == MediaType.ociIndex.rawValue)
                #expect(metadata["platforms"] as? [String] == [platform])
                let report = try Self.object(Data(r.stdout.utf8))
                let image = try #require((report["images"] as? [[String: Any]])?.first)
                images.append(try #require(image["digest"] as? String))
                #expect(image["provenance"] is String)
            }
            let merged = await CLIRun.run("index", "create", "-t", "\(repo):1.0", "--from-metadata", "\(dir)/arm64.json",
                                          "--from-metadata", "\(dir)/s390x.json")
            #expect(merged.code == 0, "\(merged.stderr)")
            let inspect = await CLIRun.run("inspect", "\(repo):1.0", "--format", "json")
            let report = try Self.object(Data(inspect.stdout.utf8))
            let entries = report["platforms"] as? [[String: Any]] ?? []
            #expect(entries.compactMap { $0["digest"] as? String } == images, "\(inspect.stdout)")
            for entry in entries {
                #expect((entry["attestations"] as? [[String: Any]])?.count == 1, "\(entry)")
            }
        }
    }
}
