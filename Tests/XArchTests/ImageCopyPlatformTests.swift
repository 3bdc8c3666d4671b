import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("copy with a platform filter")
struct ImageCopyPlatformTests {
    static func platforms(_ specs: [String]) throws -> [Platform] { try specs.map { try Platform(parsing: $0) } }

    @Test func aFilterMakesAReducedIndexKeepingTheAttestationsOfKeptPlatforms() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "two",
                                                  options: CopyOptions(platforms: try Self.platforms(["linux/arm64", "linux/amd64"])))
            #expect(report.platforms == ["linux/amd64", "linux/arm64"], "in index order")
            #expect(report.digest == built.index.digest.description)
            let root = try await destination.manifest(.tag("two"))
            #expect(report.filteredIndexDigest == root.digest.description)
            #expect(report.destinationDigest == root.digest.description)
            #expect(root.digest != built.index.digest)
            let original = try await source.manifest(.tag("multi")).index!
            let reduced = try #require(root.index)
            #expect(reduced.manifests == [built.children[0], built.children[1]] + built.attestations,
                    "the kept entries, unchanged and in their original order")
            #expect(reduced.mediaType == original.mediaType)
            #expect(reduced.annotations == original.annotations)
            #expect(reduced.unknownFields == original.unknownFields)
            #expect(reduced.unknownFields["x-test-extension"] != nil)
            #expect(root.bytes == (try CanonicalJSON.encode(reduced)), "new content is canonical JSON")
            for child in reduced.manifests {
                #expect(try await destination.manifest(.digest(child.digest)).bytes
                        == (try await source.manifest(.digest(child.digest))).bytes)
            }
            let files = try CopyFixture.blobFiles(destination.path)
            for dropped in built.children[2...] { #expect(files[dropped.digest.encoded] == nil) }
            #expect(report.manifests.copied == 5, "reduced index, 2 images, 2 attestations")
        }
    }

    @Test func aPlatformWithoutAttestationsKeepsNone() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            _ = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "armv7",
                                         options: CopyOptions(platforms: try Self.platforms(["linux/arm/v7"])))
            #expect(try await destination.manifest(.tag("armv7")).index?.manifests == [built.children[2]])
        }
    }

    @Test func aFilterKeepingEverythingKeepsTheIndexBytes() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "all",
                                                  options: CopyOptions(platforms: try Self.platforms(CopyFixture.platforms)))
            #expect(report.filteredIndexDigest == nil)
            #expect(try await destination.manifestDescriptor(.tag("all"))?.digest == built.index.digest)
        }
    }

    @Test func aFilterThatMatchesNothingNamesWhatExists() async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            await #expect {
                try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "none",
                                         options: CopyOptions(platforms: try Self.platforms(["linux/s390x", "linux/riscv64"])))
            } throws: { error in
                guard let error = error as? XArchError, error.code == .checkFailed else { return false }
                return error.message.contains("linux/s390x, linux/riscv64")
                    && error.message.contains("linux/amd64, linux/arm64, linux/arm/v7, linux/386")
            }
            let tags = try await destination.tags()
            #expect(tags.isEmpty)
        }
    }

    /// `strictPlatforms: false` keeps every entry containerd's `Only` matcher of a requested platform
    /// accepts; strict keeps only the normalized platform itself.
    @Test(arguments: [
        ("linux/arm64", true, ["linux/arm64"]),
        ("linux/arm64", false, ["linux/arm64", "linux/arm/v7"]),
        ("aarch64", true, ["linux/arm64"]),
        ("linux/amd64", true, ["linux/amd64"]),
        ("linux/amd64", false, ["linux/amd64", "linux/386"]),
        ("linux/arm/v8", false, ["linux/arm/v7"]),
        ("armhf", true, ["linux/arm/v7"]),
    ] as [(String, Bool, [String])])
    func strictAndOnlyMatching(platform: String, strict: Bool, expected: [String]) async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "t",
                                                  options: CopyOptions(platforms: try Self.platforms([platform]),
                                                                       strictPlatforms: strict))
            #expect(report.platforms == expected)
        }
    }

    @Test func strictMatchingRefusesACompatibleVariant() async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            await #expect {
                try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "t",
                                         options: CopyOptions(platforms: try Self.platforms(["linux/arm/v8"])))
            } throws: { ($0 as? XArchError)?.code == .checkFailed }
        }
    }

    @Test func entriesWithoutAPlatformAreJudgedByTheirConfig() async throws {
        let dir = try TestImages.temporaryDirectory("xarch-copy")
        defer { TestImages.cleanup(dir) }
        let source = try OCILayout.create(at: "\(dir)/src")
        var entries: [Descriptor] = []
        for (i, spec) in ["linux/amd64", "linux/arm64", "linux/ppc64le"].enumerated() {
            entries.append(try await CopyFixture.image(try Platform(parsing: spec), base: [], seed: UInt64(i + 1),
                                                       in: source, describePlatform: false))
        }
        try await CopyFixture.index(entries, tag: "bare", in: source)
        let destination = try OCILayout.create(at: "\(dir)/dst")
        let report = try await ImageCopy.copy(from: source, reference: .tag("bare"), to: destination, tag: nil,
                                              options: CopyOptions(platforms: try Self.platforms(["linux/arm64"])))
        #expect(report.platforms == ["linux/arm64"])
        #expect(try await destination.manifest(.tag("bare")).index?.manifests == [entries[1]])
        await #expect {
            try await ImageCopy.copy(from: source, reference: .tag("bare"), to: destination, tag: "x",
                                     options: CopyOptions(platforms: try Self.platforms(["linux/s390x"])))
        } throws: { ($0 as? XArchError)?.message.contains("linux/amd64, linux/arm64, linux/ppc64le") == true }
    }

    @Test func aNestedIndexIsFilteredInTurn() async throws {
        let dir = try TestImages.temporaryDirectory("xarch-copy")
        defer { TestImages.cleanup(dir) }
        let source = try OCILayout.create(at: "\(dir)/src")
        let amd64 = try await CopyFixture.image(try Platform(parsing: "linux/amd64"), base: [], seed: 1, in: source)
        let arm64 = try await CopyFixture.image(try Platform(parsing: "linux/arm64"), base: [], seed: 2, in: source)
        let riscv = try await CopyFixture.image(try Platform(parsing: "linux/riscv64"), base: [], seed: 3, in: source)
        let nested = try await CopyFixture.index([amd64, arm64], tag: nil, in: source)
        try await CopyFixture.index([nested, riscv], tag: "outer", in: source)
        let destination = try OCILayout.create(at: "\(dir)/dst")
        let report = try await ImageCopy.copy(from: source, reference: .tag("outer"), to: destination, tag: "outer",
                                              options: CopyOptions(platforms: try Self.platforms(["linux/arm64"])))
        #expect(report.platforms == ["linux/arm64"])
        let outer = try #require(try await destination.manifest(.tag("outer")).index)
        #expect(outer.manifests.count == 1)
        #expect(outer.manifests[0].digest != nested.digest, "the nested index is reduced too")
        let inner = try await destination.manifest(.digest(outer.manifests[0].digest))
        #expect(inner.index?.manifests == [arm64])
        #expect(inner.descriptor.size == outer.manifests[0].size)
    }

    @Test func aSecondFilteredCopyIsUpToDate() async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            let options = CopyOptions(platforms: try Self.platforms(["linux/arm64"]))
            let first = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "arm",
                                                 options: options)
            let counting = CopyCountingStore(layout: destination)
            let second = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "arm",
                                                  options: options)
            #expect(second.upToDate)
            #expect(second.destinationDigest == first.destinationDigest)
            #expect(counting.log.counts == ["manifestDescriptor": 1], "only the tag lookup")
        }
    }

    @Test func aFilterOnASingleImageIsACheck() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let image = ManifestReference.digest(built.children[1].digest)
            let report = try await ImageCopy.copy(from: source, reference: image, to: destination, tag: "arm64",
                                                  options: CopyOptions(platforms: try Self.platforms(["linux/arm64/v8"])))
            #expect(report.platforms == ["linux/arm64"])
            #expect(report.filteredIndexDigest == nil)
            await #expect {
                try await ImageCopy.copy(from: source, reference: image, to: destination, tag: "amd64",
                                         options: CopyOptions(platforms: try Self.platforms(["linux/amd64"])))
            } throws: { error in
                guard let error = error as? XArchError else { return false }
                return error.code == .checkFailed && error.message.contains("linux/arm64") && error.message.contains("linux/amd64")
            }
        }
    }
}
