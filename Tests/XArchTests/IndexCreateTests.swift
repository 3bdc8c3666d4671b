import Foundation
import Testing
import XArch
import XArchContent
import XArchIndex
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

@Suite("index create")
struct IndexCreateTests {
    static let three = ["linux/amd64", "linux/arm64", "linux/arm/v7"]

    @Test func singleImagesAreMergedByDigestWithTheirConfigsPlatforms() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            let images = try await IndexFixture.perArch(Self.three, in: store)
            let report = try await IndexEditor.create(IndexFixture.sources(store, ["1.2-amd64", "1.2-arm64", "1.2-armv7"]),
                                                      destination: store, tag: "1.2")
            let document = try await store.manifest(.tag("1.2"))
            let index = try #require(document.index)
            #expect(document.mediaType == .ociIndex && report.digest == document.digest.description)
            #expect(index.manifests.map(\.digest) == images.map(\.digest))
            #expect(index.manifests.map { $0.platform?.formatted } == Self.three)
            #expect(index.manifests.map(\.size) == images.map(\.size))
            #expect(report.platforms.map(\.platformSource) == [.config, .config, .config])
            #expect(report.platforms.map(\.source) == ["1.2-amd64", "1.2-arm64", "1.2-armv7"].map { "oci:\(dir)/app:\($0)" })
            // Children keep their bytes: every entry is read back by digest unchanged.
            for entry in index.manifests {
                #expect(try await store.manifest(.digest(entry.digest)).digest == entry.digest)
            }
            #expect(report.manifests == .init() && report.blobs == .init(), "nothing is copied within one layout")
        }
    }

    /// The request budget: K tags of the destination repository cost K manifest reads, K config reads
    /// (their platforms) and one index write — no existence check, no other read.
    @Test func kTagsOfTheDestinationRepositoryCostKReadsKConfigsAndOneWrite() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let layout = try OCILayout.create(at: "\(dir)/app")
            let specs = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le",
                         "linux/s390x", "linux/riscv64"]
            try await IndexFixture.perArch(specs, in: layout)
            let repository = IndexRepository(layout)
            let tags = try specs.map { IndexFixture.tag(try Platform(parsing: $0)) }
            let report = try await IndexEditor.create(IndexFixture.sources(repository, tags), destination: repository, tag: "1.2")
            #expect(repository.log.counts == ["manifest": 8, "blob": 8, "putManifest": 1])
            #expect(report.requests == ["GET": 16, "PUT": 1])
            #expect(repository.log.arguments("manifest").sorted() == tags.sorted())
        }
    }

    @Test func anIndexIsFlattenedWithItsAttestationsNextToAnImage() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let s390x = try await IndexFixture.perArch(["linux/s390x"], in: source).first
            let report = try await IndexEditor.create(IndexFixture.sources(source, ["multi", "1.2-s390x"]),
                                                      destination: destination, tag: "merged")
            let index = try await IndexFixture.index(destination, "merged")
            let children = built.children.map(\.digest) + [try #require(s390x).digest]
            #expect(index.manifests.map(\.digest) == children + built.attestations.map(\.digest))
            #expect(index.manifests.prefix(4).map(\.platform) == built.children.map(\.platform), "descriptors kept as they were")
            #expect(index.manifests.suffix(2) == built.attestations, "attestation entries keep their annotations")
            #expect(index.annotations == nil, "a new index: the source index's annotations are not copied")
            #expect(report.platforms.map(\.attestations.count) == [1, 1, 0, 0, 0])
            #expect(report.manifests.copied == 7, "every child was copied before the index")
            let files = try CopyFixture.blobFiles(destination.path)
            for digest in children + built.attestations.map(\.digest) + [built.shared.digest] {
                #expect(files[digest.encoded] != nil, "\(digest) is in the destination")
            }
        }
    }

    @Test func aDuplicatePlatformIsRefusedNamingBothSources() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            try await IndexFixture.perArch(["linux/amd64"], in: store, prefix: "a-")
            try await IndexFixture.perArch(["linux/amd64"], in: store, prefix: "b-", seed: "other")
            let sources = IndexFixture.sources(store, ["a-amd64", "b-amd64"])
            await #expect { try await IndexEditor.create(sources, destination: store, tag: "x") } throws: { error in
                let message = (error as? XArchError)?.message ?? ""
                return message.contains("linux/amd64 is given twice") && message.contains("a-amd64") && message.contains("b-amd64")
                    && message.contains("--allow-duplicates")
            }
            #expect(try await store.manifestDescriptor(.tag("x")) == nil)
            let report = try await IndexEditor.create(sources, destination: store, tag: "x",
                                                      options: IndexOptions(allowDuplicates: true))
            #expect(report.platforms.map(\.platform) == ["linux/amd64", "linux/amd64"])
        }
    }

    @Test func theSameImageTwiceIsOneEntry() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            try await IndexFixture.perArch(Self.three, in: store)
            let three = try await IndexEditor.create(IndexFixture.sources(store, ["1.2-amd64", "1.2-arm64", "1.2-armv7"]),
                                                     destination: store, tag: "three")
            let report = try await IndexEditor.create(IndexFixture.sources(store, ["three", "1.2-arm64"]), destination: store,
                                                      tag: "again")
            #expect(report.repeats == 1 && report.digest == three.digest)
        }
    }

    @Test func aPlatformSubsetKeepsThoseAndTheirAttestations() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let options = IndexOptions(platforms: [try Platform(parsing: "linux/arm64"), try Platform(parsing: "linux/386")])
            let report = try await IndexEditor.create(IndexFixture.sources(source, ["multi"]), destination: destination,
                                                      tag: "two", options: options)
            let index = try await IndexFixture.index(destination, "two")
            #expect(index.manifests.map(\.digest) == [built.children[1].digest, built.children[3].digest, built.attestations[1].digest])
            #expect(report.platforms.map(\.platform) == ["linux/arm64", "linux/386"])
            let none = IndexOptions(platforms: [try Platform(parsing: "linux/riscv64")])
            await #expect { try await IndexEditor.create(IndexFixture.sources(source, ["multi"]), destination: destination,
                                                         tag: "none", options: none) } throws: { error in
                (error as? XArchError)?.code == .checkFailed && "\(error)".contains("linux/riscv64") && "\(error)".contains("linux/arm/v7")
            }
        }
    }

    @Test func aDryRunWritesNothingAndReturnsTheIndex() async throws {
        try await CopyFixture.withLayouts { source, _, built in
            let missing = "\(source.path)-nowhere"
            let report = try await IndexEditor.create(IndexFixture.sources(source, ["multi"]),
                                                      destination: try ImageLocation(parsing: "oci:\(missing):v1"), resolver: StoreResolver(session: TestSession.shared),
                                                      options: IndexOptions(dryRun: true))
            #expect(report.dryRun && !FileManager.default.fileExists(atPath: missing))
            let document = try ManifestDocument(bytes: Array(report.document.utf8), declaredType: .ociIndex)
            #expect(document.digest.description == report.digest)
            #expect(document.index?.manifests.count == built.children.count + built.attestations.count)
        }
    }

    @Test func aTemplatedSourceOfAnotherPlatformIsRefused() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            let amd64 = try await IndexFixture.image(try Platform(parsing: "linux/amd64"), in: store, content: "x", mediaType: .ociManifest)
            try await store.putManifest(amd64, bytes: try await store.manifest(.digest(amd64.digest)).bytes, tag: "1.2-arm64")
            let source = IndexSource(store: store, reference: .tag("1.2-arm64"), name: "app:1.2-arm64",
                                     expectedPlatform: try Platform(parsing: "linux/arm64"))
            await #expect { try await IndexEditor.create([source], destination: store, tag: "1.2") } throws: { error in
                "\(error)".contains("app:1.2-arm64 was named for linux/arm64 by the template but is an image for linux/amd64")
            }
        }
    }
}
