import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchIndex
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

/// `xarch index create|add|remove|annotate` against the real registries of `scripts/test`, with skopeo
/// and buildah as the oracles.
@Suite("index against real registries")
struct IndexIntegrationTests {
    static let all = ["linux/amd64", "linux/arm64/v8", "linux/arm/v7", "linux/arm/v5", "linux/386", "linux/ppc64le",
                      "linux/s390x", "linux/mips64le"]

    /// The native-runner merge: eight per-arch tags become one index that skopeo and buildah read, and a
    /// host of each platform gets its own child.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func perArchBusyboxImagesBecomeOneIndexThePeersRead() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = IT.unique("merge")
        try await IT.withSession { session in
            let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session)
            let report = try await IndexIT.create(pushed.map { "\(registry)/\(repository):\($0.tag)" }, "\(registry)/\(repository):1.35",
                                                  session: session)
            #expect(report.platforms.map(\.digest) == pushed.map(\.child.descriptor.digest.description))
            #expect(report.platforms.map(\.platform) == Self.all && report.platforms.allSatisfy { $0.platformSource == .config })
            #expect(report.blobs == .init() && report.manifests == .init(), "children of the destination repository are there")
            let reference = "docker://\(registry)/\(repository):1.35"
            #expect(try await Skopeo.digest(reference).description == report.digest)
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                try await Skopeo.copyAll(reference, "oci:\(dir)/all:1.35")
                #expect(try await Skopeo.digest("oci:\(dir)/all:1.35").description == report.digest)
                try await Peer.run("skopeo", ["copy", "--quiet", "--src-tls-verify=false", "--override-os", "linux", "--override-arch", "arm64",
                                        "--override-variant", "v8", reference, "oci:\(dir)/arm64:1.35"])
                #expect(try await Skopeo.digest("oci:\(dir)/arm64:1.35") == pushed[1].child.descriptor.digest)
                let listed = try await Buildah.inspect(reference, root: dir)
                #expect(listed == pushed.map { Buildah.Entry(digest: $0.child.descriptor.digest.description,
                                                             platform: $0.child.descriptor.platform?.formatted ?? "") })
            }
        }
    }

    /// The request budget, from the registry's own log: K single-arch tags of one repository cost K
    /// manifest GETs, at most K config GETs and one index PUT — nothing more.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_LOG"))
    func kTagsCostKManifestGetsKConfigGetsAndOneIndexPut() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let logPath = try Integration.require("XARCH_TEST_REGISTRY_LOG")
        let repository = IT.unique("budget")
        let pushed = try await IT.withSession { session in
            try await IndexIT.pushPerArch(registry, repository: repository, session: session)
        }
        let options = IT.options()
        let report = try await IT.withSession(options) { session in
            try await IndexIT.create(pushed.map { "\(registry)/\(repository):\($0.tag)" }, "\(registry)/\(repository):1.35",
                                     session: session)
        }
        let k = pushed.count
        let lines = try await AccessLog(path: logPath).settle(userAgent: options.userAgent) { lines in
            lines.contains { $0.method == "PUT" && $0.path == "/v2/\(repository)/manifests/1.35" }
        }
        let manifestGets = lines.filter { $0.method == "GET" && $0.path.hasPrefix("/v2/\(repository)/manifests/1.35-") }
        let configGets = lines.filter { $0.method == "GET" && $0.path.hasPrefix("/v2/\(repository)/blobs/sha256:") }
        let indexPuts = lines.filter { $0.method == "PUT" && $0.path == "/v2/\(repository)/manifests/1.35" }
        #expect(manifestGets.count == k && Set(manifestGets.map(\.path)).count == k)
        #expect(configGets.count <= k)
        #expect(indexPuts.count == 1 && indexPuts.allSatisfy { $0.status == 201 })
        #expect(lines.count == manifestGets.count + configGets.count + 1, "nothing more: \(lines.map(\.description))")
        #expect(report.requests == ["GET": manifestGets.count + configGets.count, "PUT": 1])
    }

    /// An index and an image from two other repositories of the destination registry: every blob is
    /// mounted, none uploaded, and each child is written before the index.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_LOG"))
    func anIndexAndAnImageFromTwoRepositoriesAreMountedNotUploaded() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let logPath = try Integration.require("XARCH_TEST_REGISTRY_LOG")
        let part = IT.unique("part"), single = IT.unique("single"), merged = IT.unique("merged")
        let options = IT.options()
        try await IT.withSession(options) { session in
            let (_, children) = try await BusyboxFixture.read(registry, session: session)
            let platforms = [try Platform(parsing: "linux/amd64"), try Platform(parsing: "linux/arm64")]
            _ = try await IT.copy("\(registry)/\(BusyboxFixture.repository):\(BusyboxFixture.tag)", "\(registry)/\(part):two",
                                  session: session, options: CopyOptions(platforms: platforms))
            let s390x = try await IndexIT.pushPerArch(registry, repository: single, session: session, only: ["linux/s390x"])
            let report = try await IndexIT.create(["\(registry)/\(part):two", "\(registry)/\(single):\(s390x[0].tag)"],
                                                  "\(registry)/\(merged):1.35", session: session)
            let used = [children[0], children[1], children[6]]
            #expect(report.platforms.map(\.digest) == used.map(\.descriptor.digest.description))
            #expect(report.blobs.mounted == BusyboxFixture.blobs(used).count && report.blobs.copied == 0)
            #expect(report.manifests.copied == 3)
            let lines = try await AccessLog(path: logPath).settle(userAgent: options.userAgent) { lines in
                lines.contains { $0.method == "PUT" && $0.path == "/v2/\(merged)/manifests/1.35" }
            }
            let mine = lines.filter { $0.path.hasPrefix("/v2/\(merged)/") }
            #expect(!mine.contains { ["PATCH", "PUT"].contains($0.method) && $0.path.contains("/blobs/uploads") }, "nothing uploaded")
            let mounts = mine.filter { $0.method == "POST" && $0.path.contains("mount=") }
            #expect(mounts.count == BusyboxFixture.blobs(used).count && mounts.allSatisfy { $0.status == 201 })
            let puts = mine.filter { $0.method == "PUT" && $0.path.contains("/manifests/") }
            #expect(puts.last?.path == "/v2/\(merged)/manifests/1.35" && puts.count == 4, "children first, the index last")
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                try await Skopeo.copyAll("docker://\(registry)/\(merged):1.35", "oci:\(dir)/m:1.35")
                #expect(try await Skopeo.digest("oci:\(dir)/m:1.35").description == report.digest)
            }
        }
    }

    /// Sources in one registry, the index in another: children (and their blobs) are copied first.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY2"))
    func acrossTwoRegistriesTheChildrenAreCopiedFirst() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let second = try Integration.require("XARCH_TEST_REGISTRY2")
        let repository = IT.unique("cross-src"), destination = IT.unique("cross-index")
        try await IT.withSession { session in
            let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session,
                                                       only: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"])
            let report = try await IndexIT.create(pushed.map { "\(registry)/\(repository):\($0.tag)" },
                                                  "\(second)/\(destination):1.35", session: session)
            let blobs = BusyboxFixture.blobs(pushed.map(\.child))
            #expect(report.blobs.copied == blobs.count && report.blobs.bytesCopied == blobs.reduce(0) { $0 + $1.size })
            #expect(report.manifests.copied == 3)
            for item in pushed {
                let digest = item.child.descriptor.digest
                #expect(try await Skopeo.digest("docker://\(second)/\(destination)@\(digest)") == digest)
            }
            #expect(try await Skopeo.digest("docker://\(second)/\(destination):1.35").description == report.digest)
        }
    }

    /// The same image twice is one entry; two images of one platform are refused, naming both sources,
    /// and nothing is pushed.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func aDuplicatePlatformIsRefusedNamingBothAndNothingIsPushed() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = IT.unique("dup")
        try await IT.withSession { session in
            let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session, only: ["linux/amd64"])
            let amd64 = "\(registry)/\(repository):\(pushed[0].tag)"
            let fixture = "\(registry)/\(BusyboxFixture.repository)"
            // The OCI fixture's amd64 child is the very image pushed: the same entry, kept once.
            let same = try await IndexIT.create([amd64, "\(fixture):\(BusyboxFixture.tag)"], "\(registry)/\(repository):same",
                                                session: session)
            #expect(same.repeats == 1 && same.platforms.count == 8)
            // The Docker fixture's amd64 child is another image (Docker media types) of the same platform.
            await #expect { try await IndexIT.create([amd64, "\(fixture):docker"], "\(registry)/\(repository):clash",
                                                     session: session) } throws: { error in
                let text = "\(error)"
                return text.contains("linux/amd64 is given twice") && text.contains(amd64) && text.contains("\(fixture):docker")
            }
            let client = session.repository(try ImageReference(parsing: "\(registry)/\(repository)"))
            #expect(try await client.manifestDescriptor(.tag("clash")) == nil, "nothing was pushed")
            let kept = try await IndexIT.create([amd64, "\(fixture):docker"], "\(registry)/\(repository):both", session: session,
                                                options: IndexOptions(allowDuplicates: true))
            #expect(kept.platforms.filter { $0.platform == "linux/amd64" }.count == 2)
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))

    func aSubsetOfAnIndexAndATemplate() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = IT.unique("subset")
        try await IT.withSession { session in
            let (_, children) = try await BusyboxFixture.read(registry, session: session)
            let subset = IndexOptions(platforms: [try Platform(parsing: "linux/arm/v7"), try Platform(parsing: "linux/ppc64le")])
            let report = try await IndexIT.create(["\(registry)/\(BusyboxFixture.repository):\(BusyboxFixture.tag)"],
                                                  "\(registry)/\(repository):two", session: session, options: subset)
            #expect(report.platforms.map(\.digest) == [children[2], children[5]].map(\.descriptor.digest.description))
            #expect(try await Skopeo.digest("docker://\(registry)/\(repository):two").description == report.digest)

            let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session,
                                                       only: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"])
            let platforms = try ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"].map { try Platform(parsing: $0) }
            let sources = try IndexSource.templated("\(registry)/\(repository):1.35-{arch}{variant}", platforms: platforms, resolver: StoreResolver(session: session))
            #expect(sources.map(\.name) == pushed.map { "\(registry)/\(repository):\($0.tag)" })
            let templated = try await IndexEditor.create(sources, destination: try ImageLocation(parsing: "\(registry)/\(repository):1.35"),
                                                         resolver: StoreResolver(session: session))
            #expect(templated.platforms.map(\.digest) == pushed.map(\.child.descriptor.digest.description))
        }
    }

    /// A Docker manifest list of the fixture's Docker images; OCI children are refused.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func aDockerManifestListSkopeoReads() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = IT.unique("docker-list")
        try await IT.withSession { session in
            let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session, fixtureTag: "docker",
                                                       only: ["linux/amd64", "linux/arm64/v8"])
            let sources = pushed.map { "\(registry)/\(repository):\($0.tag)" }
            let report = try await IndexIT.create(sources, "\(registry)/\(repository):list", session: session,
                                                  options: IndexOptions(format: .docker))
            #expect(report.mediaType == MediaType.dockerManifestList.rawValue)
            let raw = try await Skopeo.raw("docker://\(registry)/\(repository):list")
            #expect(Digest.of(raw).description == report.digest)
            let list = try ManifestDocument(bytes: raw, declaredType: nil)
            #expect(list.mediaType == .dockerManifestList && list.index?.manifests.allSatisfy { $0.mediaType == .dockerManifest } == true)
            // skopeo picks the arm64 child (an OCI layout copy would convert it, so its layers are compared).
            let info = try await Peer.run("skopeo", ["inspect", "--tls-verify=false", "--override-os", "linux", "--override-arch", "arm64",
                                               "--override-variant", "v8", "docker://\(registry)/\(repository):list"])
            let arm64 = pushed[1].child.manifest
            #expect(info.contains("\"Architecture\": \"arm64\"") && arm64.layers.allSatisfy { info.contains($0.digest.description) })
            let oci = try await IndexIT.pushPerArch(registry, repository: repository, session: session, only: ["linux/s390x"])
            await #expect { try await IndexIT.create(sources + ["\(registry)/\(repository):\(oci[0].tag)"], "\(registry)/\(repository):bad",
                                                     session: session, options: IndexOptions(format: .docker)) } throws: { error in
                "\(error)".contains("only hold Docker schema 2 manifests") && "\(error)".contains("linux/s390x")
            }
        }
    }

    /// The request budget of edits, from the registry's log: `index add` of one single-arch tag reads
    /// the index, the tag's manifest and its config and writes the index once; `remove` and `annotate`
    /// read the index and write it, nothing else (the children are in the repository already).
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_LOG"))
    func editsCostOneIndexReadAndOneWrite() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let logPath = try Integration.require("XARCH_TEST_REGISTRY_LOG")
        let repository = IT.unique("edit-budget")
        let index = "/v2/\(repository)/manifests/1.35"
        let target = try ImageLocation(parsing: "\(registry)/\(repository):1.35")
        let tags = try await IT.withSession { session in
            let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session,
                                                       only: ["linux/amd64", "linux/arm64/v8", "linux/s390x"])
            let tags = pushed.map { "\(registry)/\(repository):\($0.tag)" }
            _ = try await IndexIT.create(Array(tags.prefix(2)), target.description, session: session)
            return tags
        }
        /// Runs `edit` with a user agent of its own and returns its requests as "METHOD PATH".
        func requests(_ edit: (RegistrySession) async throws -> Void) async throws -> [String] {
            let options = IT.options()
            try await IT.withSession(options) { session in try await edit(session) }
            let lines = try await AccessLog(path: logPath).settle(userAgent: options.userAgent) { lines in
                lines.contains { $0.method == "PUT" && $0.path == index }
            }
            return lines.map { "\($0.method) \($0.path)" }
        }
        let add = try await requests { session in
            _ = try await IndexEditor.add([try IndexSource.open(try ImageLocation(parsing: tags[2]), resolver: StoreResolver(session: session))],
                                          to: target, resolver: StoreResolver(session: session))
        }
        #expect(add.count == 4 && add.filter { $0.hasPrefix("PUT") } == ["PUT \(index)"], "\(add)")
        #expect(add.contains("GET \(index)") && add.contains("GET /v2/\(repository)/manifests/1.35-s390x"), "\(add)")
        #expect(add.filter { $0.hasPrefix("GET /v2/\(repository)/blobs/sha256:") }.count == 1, "\(add)")
        let remove = try await requests { session in
            _ = try await IndexEditor.remove(platforms: [try Platform(parsing: "linux/arm64")], from: target, resolver: StoreResolver(session: session))
        }
        #expect(remove == ["GET \(index)", "PUT \(index)"])
        let annotate = try await requests { session in
            _ = try await IndexEditor.annotate(IndexAnnotation(platforms: [], descriptorAnnotations: [:]), in: target,
                                               resolver: StoreResolver(session: session), options: IndexOptions(annotations: ["com.example.k": "v"]))
        }
        #expect(annotate == ["GET \(index)", "PUT \(index)"])
    }

    /// add, remove and annotate write the edited index under the same tag; skopeo reads each result.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func editsInPlace() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = IT.unique("edit")
        try await IT.withSession { session in
            let pushed = try await IndexIT.pushPerArch(registry, repository: repository, session: session,
                                                       only: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"])
            let tags = pushed.map { "\(registry)/\(repository):\($0.tag)" }
            let target = try ImageLocation(parsing: "\(registry)/\(repository):1.35")
            let created = try await IndexIT.create(Array(tags.prefix(2)), target.description, session: session)
            let added = try await IndexEditor.add([try IndexSource.open(try ImageLocation(parsing: tags[2]), resolver: StoreResolver(session: session))],
                                                  to: target, resolver: StoreResolver(session: session))
            #expect(added.previousDigest == created.digest && added.platforms.count == 3)
            let removed = try await IndexEditor.remove(platforms: [try Platform(parsing: "linux/arm64")], from: target, resolver: StoreResolver(session: session))
            #expect(removed.previousDigest == added.digest && removed.platforms.map(\.platform) == ["linux/amd64", "linux/arm/v7"])
            let annotated = try await IndexEditor.annotate(
                IndexAnnotation(platforms: [try Platform(parsing: "linux/amd64")], descriptorAnnotations: ["com.example.note": "x86"]),
                in: target, resolver: StoreResolver(session: session), options: IndexOptions(annotations: [AnnotationKey.revision: "abc"]))
            let raw = try await Skopeo.raw("docker://\(registry)/\(repository):1.35")
            #expect(Digest.of(raw).description == annotated.digest && annotated.previousDigest == removed.digest)
            let index = try #require(try ManifestDocument(bytes: raw, declaredType: nil).index)
            #expect(index.annotations == [AnnotationKey.revision: "abc"])
            #expect(index.manifests.first?.annotations == ["com.example.note": "x86"])
        }
    }
}

/// Helpers of the index integration tests.
enum IndexIT {
    struct Pushed {
        let tag: String
        let child: BusyboxFixture.Child
    }

    /// `xarch index create -t DESTINATION SOURCE…` through the library.
    static func create(_ sources: [String], _ destination: String, session: RegistrySession,
                       options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let inputs = try sources.map { try IndexSource.open(try ImageLocation(parsing: $0), resolver: StoreResolver(session: session)) }
        return try await IndexEditor.create(inputs, destination: try ImageLocation(parsing: destination), resolver: StoreResolver(session: session),
                                            options: options)
    }

    /// The children of the fixture index `fixtureTag` pushed as single-arch tags `1.35-<arch><variant>` of
    /// `repository` (copied by digest: blobs mounted), as native CI runners push them; `only` picks platforms.
    static func pushPerArch(_ registry: String, repository: String, session: RegistrySession, fixtureTag: String = BusyboxFixture.tag,
                            only: [String]? = nil) async throws -> [Pushed] {
        let client = session.repository(try ImageReference(parsing: "\(registry)/\(BusyboxFixture.repository)"))
        let index = try #require(try await client.manifest(.tag(fixtureTag)).index)
        var pushed: [Pushed] = []
        for entry in index.manifests {
            let platform = try #require(entry.platform)
            guard only?.contains(platform.formatted) ?? true else { continue }
            let tag = "1.35-\(platform.architecture)\(platform.variant)"
            _ = try await IT.copy("\(registry)/\(BusyboxFixture.repository)@\(entry.digest)", "\(registry)/\(repository):\(tag)",
                                  session: session)
            let image = try #require(try await client.manifest(.digest(entry.digest)).image)
            pushed.append(Pushed(tag: tag, child: BusyboxFixture.Child(descriptor: entry, manifest: image)))
        }
        return pushed
    }
}

/// buildah, the manifest-list oracle, with private storage (vfs) in a test directory.
enum Buildah {
    struct Entry: Hashable, CustomStringConvertible {
        let digest: String
        let platform: String
        var description: String { "\(platform) \(digest)" }
    }

    /// The entries buildah sees in the index at `reference` (`buildah manifest create --all` of it, then
    /// `buildah manifest inspect`), in order.
    static func inspect(_ reference: String, root: String) async throws -> [Entry] {
        let storage = ["--root", "\(root)/buildah/root", "--runroot", "\(root)/buildah/run", "--storage-driver", "vfs"]
        let list = "xarch-check-\(UUID().uuidString.prefix(8).lowercased())"
        try await Peer.run("buildah", storage + ["manifest", "create", "--all", "--tls-verify=false", list, reference])
        let text = try await Peer.run("buildah", storage + ["manifest", "inspect", list])
        _ = try? await Peer.run("buildah", storage + ["manifest", "rm", list])
        let index = try ManifestDocument(bytes: Array(text.utf8), declaredType: nil)
        return (index.index?.manifests ?? []).map { Entry(digest: $0.digest.description, platform: $0.platform?.formatted ?? "") }
    }
}
