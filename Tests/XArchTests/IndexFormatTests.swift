import Foundation
import Testing
import XArch
import XArchContent
import XArchIndex
import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("index media types, annotations and templates")
struct IndexFormatTests {
    @Test func aDockerManifestListOfDockerImages() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            let images = try await IndexFixture.perArch(["linux/amd64", "linux/arm64"], in: store, mediaType: .dockerManifest)
            let report = try await IndexEditor.create(IndexFixture.sources(store, ["1.2-amd64", "1.2-arm64"]), destination: store,
                                                      tag: "1.2", options: IndexOptions(format: .docker))
            let document = try await store.manifest(.tag("1.2"))
            #expect(document.mediaType == .dockerManifestList && report.mediaType == MediaType.dockerManifestList.rawValue)
            #expect(document.index?.manifests.map(\.digest) == images.map(\.digest))
            #expect(document.index?.manifests.allSatisfy { $0.mediaType == .dockerManifest && $0.platform != nil } == true)
        }
    }

    @Test func aDockerManifestListRefusesAnOCIChildNamingIt() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            try await IndexFixture.perArch(["linux/amd64"], in: store, mediaType: .dockerManifest)
            try await IndexFixture.perArch(["linux/arm64"], in: store)
            await #expect { try await IndexEditor.create(IndexFixture.sources(store, ["1.2-amd64", "1.2-arm64"]),
                                                         destination: store, tag: "1.2", options: IndexOptions(format: .docker)) } throws: { error in
                let text = "\(error)"
                return text.contains("only hold Docker schema 2 manifests") && text.contains("linux/arm64")
                    && text.contains("1.2-arm64") && text.contains(MediaType.ociManifest.rawValue)
            }
        }
    }

    @Test func attestationsInADockerListAreRefusedUnlessDropped() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            let image = try await IndexFixture.image(try Platform(parsing: "linux/amd64"), in: store, content: "d", mediaType: .dockerManifest)
            var entry = image
            entry.platform = try Platform(parsing: "linux/amd64")
            try await TestImages.index([entry, try await TestImages.attestation(for: image, in: store)], tag: "built", in: store)
            let sources = IndexFixture.sources(store, ["built"])
            await #expect { try await IndexEditor.create(sources, destination: store, tag: "list",
                                                         options: IndexOptions(format: .docker)) } throws: { error in
                "\(error)".contains("1 attestation manifests") && "\(error)".contains("--drop-attestations")
            }
            let report = try await IndexEditor.create(sources, destination: store, tag: "list",
                                                      options: IndexOptions(format: .docker, dropAttestations: true))
            #expect(report.droppedAttestations == 1)
            #expect(try await IndexFixture.index(store, "list").manifests.map(\.digest) == [image.digest])
        }
    }

    @Test func indexAnnotationsAreSetOnOCIIndexesAndRefusedOnDockerLists() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            try await IndexFixture.perArch(["linux/amd64"], in: store, mediaType: .dockerManifest)
            let annotations = [AnnotationKey.revision: "abc123", AnnotationKey.source: "https://example.test/app"]
            try await IndexEditor.create(IndexFixture.sources(store, ["1.2-amd64"]), destination: store, tag: "oci",
                                         options: IndexOptions(annotations: annotations))
            #expect(try await IndexFixture.index(store, "oci").annotations == annotations)
            await #expect { try await IndexEditor.create(IndexFixture.sources(store, ["1.2-amd64"]), destination: store, tag: "docker",
                                                         options: IndexOptions(format: .docker, annotations: annotations)) } throws: { error in
                "\(error)".contains("Docker manifest list has no annotations")
            }
        }
    }

    @Test(arguments: [
        ("app:1.2-{arch}{variant}", "linux/amd64", "app:1.2-amd64"),
        ("app:1.2-{arch}{variant}", "linux/arm/v7", "app:1.2-armv7"),
        ("app:1.2-{arch}{variant}", "linux/arm64", "app:1.2-arm64"),
        ("app:1.2-{arch}{variant}", "linux/arm64/v8", "app:1.2-arm64v8"),
        ("app:1.2-{os}-{arch}", "windows/amd64", "app:1.2-windows-amd64"),
        ("app:1.2-{arch}", "aarch64", "app:1.2-arm64"),
        ("app:ARCH-1.2", "linux/arm64", "app:arm64-1.2"),
        ("app:OS-ARCHVARIANT", "linux/arm/v6", "app:linux-armv6"),
    ])
    func templatesRender(template: String, platform: String, expected: String) throws {
        #expect(IndexTemplate.render(template, platform: try Platform(parsing: platform)) == expected)
    }

    @Test(arguments: [
        ("linux/arm64", "linux/arm64/v8", true), ("linux/arm64", "linux/arm/v7", false),
        ("linux/arm", "linux/arm/v7", true), ("linux/amd64", "linux/386", false),
        ("windows/amd64", "windows(10.0.20348)/amd64", true), ("windows(10.0.17763)/amd64", "windows(10.0.20348)/amd64", false),
        ("linux/arm/v7", "linux(+neon)/arm/v7", true), ("linux(+neon)/arm/v7", "linux/arm/v7", false),
    ])
    func aPlatformNamesEntriesOfItsOSArchitectureAndVariant(requested: String, entry: String, named: Bool) throws {
        let filter = IndexPlatformFilter([try Platform(parsing: requested)])
        #expect(filter.accepts(try Platform(parsing: entry)) == named)
    }

    @Test(arguments: [
        ("app:1.2", "has no placeholder"),
        ("app:1.2-{cpu}", "unknown placeholder {cpu}"),
        ("app:1.2-{os}", "the same source"),
    ])
    func badTemplatesAreRefused(template: String, problem: String) throws {
        let platforms = [try Platform(parsing: "linux/amd64"), try Platform(parsing: "linux/arm64")]
        #expect { try IndexTemplate.names(template, platforms: platforms) } throws: { "\($0)".contains(problem) }
    }
}
