import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchIndex
import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("index add, remove, annotate")
struct IndexEditTests {
    @Test func addAppendsEntriesAndKeepsTheIndexAsItWas() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "multi")
            let riscv = try #require(try await IndexFixture.perArch(["linux/riscv64"], in: source).first)
            let report = try await IndexEditor.add(IndexFixture.sources(source, ["1.2-riscv64"]), to: destination, tag: "multi")
            let index = try await IndexFixture.index(destination, "multi")
            let before = try #require(try await source.manifest(.tag("multi")).index)
            #expect(Array(index.manifests.dropLast()) == before.manifests, "the old entries stay as they were, in place")
            #expect(index.manifests.last?.digest == riscv.digest && index.manifests.last?.platform?.formatted == "linux/riscv64")
            #expect(index.annotations == before.annotations && index.unknownFields == before.unknownFields)
            #expect(report.previousDigest == built.index.digest.description && report.digest != report.previousDigest)
            #expect(report.platforms.count == 5 && report.manifests.copied == 1)
        }
    }

    @Test func addRefusesAPlatformTheIndexHasUnlessReplacing() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "multi")
            let newer = try #require(try await IndexFixture.perArch(["linux/amd64"], in: source, seed: "newer").first)
            let sources = IndexFixture.sources(source, ["1.2-amd64"])
            await #expect { try await IndexEditor.add(sources, to: destination, tag: "multi") } throws: { error in
                "\(error)".contains("has linux/amd64 already") && "\(error)".contains("--replace")
            }
            let report = try await IndexEditor.add(sources, to: destination, tag: "multi", options: IndexOptions(replace: true))
            let index = try await IndexFixture.index(destination, "multi")
            #expect(!index.manifests.contains { $0.digest == built.children[0].digest })
            #expect(!index.manifests.contains { $0.digest == built.attestations[0].digest }, "its attestation went with it")
            #expect(index.manifests.contains { $0.digest == newer.digest })
            #expect(report.removed.map(\.digest) == [built.children[0].digest.description])
        }
    }

    @Test func removeTakesThePlatformAndItsAttestations() async throws {
        try await CopyFixture.withLayouts { source, _, built in
            let report = try await IndexEditor.remove(platforms: [try Platform(parsing: "linux/arm64")], from: source, tag: "multi")
            let index = try await IndexFixture.index(source, "multi")
            let expected = [built.children[0], built.children[2], built.children[3], built.attestations[0]].map(\.digest)
            #expect(index.manifests.map(\.digest) == expected)
            #expect(report.previousDigest == built.index.digest.description)
            #expect(report.removed.map(\.platform) == ["linux/arm64"])
            #expect(index.annotations?["org.opencontainers.image.source"] == "https://example.test/app")
        }
    }

    @Test func removeOfAMissingPlatformOrOfEveryPlatformIsRefused() async throws {
        try await CopyFixture.withLayouts { source, _, _ in
            await #expect { try await IndexEditor.remove(platforms: [try Platform(parsing: "linux/s390x")], from: source,
                                                         tag: "multi") } throws: { error in
                (error as? XArchError)?.code == .checkFailed && "\(error)".contains("linux/arm/v7")
            }
            let all = try CopyFixture.platforms.map { try Platform(parsing: $0) }
            await #expect { try await IndexEditor.remove(platforms: all, from: source, tag: "multi") } throws: { error in
                "\(error)".contains("without any platform")
            }
        }
    }

    @Test func annotateSetsIndexAndEntryFieldsAndSaysWhenNothingChanged() async throws {
        try await CopyFixture.withLayouts { source, _, built in
            let change = IndexAnnotation(platforms: [try Platform(parsing: "linux/arm/v7")],
                                         descriptorAnnotations: ["com.example.tier": "edge"], osVersion: "6.1",
                                         osFeatures: ["neon"])
            let options = IndexOptions(annotations: [AnnotationKey.version: "1.2.0", "org.opencontainers.image.source": ""])
            let report = try await IndexEditor.annotate(change, in: source, tag: "multi", options: options)
            let index = try await IndexFixture.index(source, "multi")
            #expect(index.annotations == [AnnotationKey.version: "1.2.0"], "set one, removed one")
            let arm = index.manifests[2]
            #expect(arm.digest == built.children[2].digest && arm.annotations == ["com.example.tier": "edge"])
            #expect(arm.platform?.osVersion == "6.1" && arm.platform?.osFeatures == ["neon"] && arm.platform?.variant == "v7")
            #expect(index.manifests[0] == built.children[0], "other entries are untouched")
            #expect(!report.unchanged)
            let again = try await IndexEditor.annotate(change, in: source, tag: "multi", options: options)
            #expect(again.unchanged && again.digest == report.digest)
        }
    }

    @Test func editingAnImageOrAMissingTagSaysWhatToDo() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let store = try OCILayout.create(at: "\(dir)/app")
            try await IndexFixture.perArch(["linux/amd64"], in: store)
            let platforms = [try Platform(parsing: "linux/amd64")]
            await #expect { try await IndexEditor.remove(platforms: platforms, from: store, tag: "1.2-amd64") } throws: { error in
                "\(error)".contains("is a single image, not an index") && "\(error)".contains("xarch index create")
            }
            await #expect { try await IndexEditor.remove(platforms: platforms, from: store, tag: "nope") } throws: { error in
                (error as? XArchError)?.code == .notFound && "\(error)".contains("xarch index create")
            }
        }
    }
}
