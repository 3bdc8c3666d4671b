import Foundation
import Testing
import XArch
import XArchLayout
import XArchTestSupport
import XArchModel

@Suite("resolve on OCI layouts")
struct ResolutionTests {
    /// Which demo child each host platform pulls (index: position in amd64, arm64, arm/v7, 386; nil: none).
    @Test(arguments: [
        ("linux/amd64", 0), ("linux/amd64/v3", 0), ("x86_64", 0), ("linux/arm64", 1), ("aarch64", 1),
        ("linux/arm64/v8", 1), ("linux/arm/v7", 2), ("armhf", 2), ("linux/arm/v8", 2), ("linux/386", 3),
        ("i386", 3),
    ] as [(String, Int)])
    func picksTheChildContainerdWouldPull(platform: String, expected: Int) async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let demo = try await TestImages.demo(at: dir)
        let report = try await Resolution.resolve(try ImageLocation(parsing: "oci:\(dir):demo"),
                                                  platform: try Platform(parsing: platform), strict: false, session: TestSession.shared)
        #expect(report.selected?.digest == demo.children[expected].digest.description)
        #expect(report.attestations == 2)
        #expect(report.candidates.count == 4, "attestations are never candidates")
    }

    @Test(arguments: ["linux/arm/v6", "linux/riscv64", "linux/s390x", "windows/amd64"])
    func reportsNoMatchWithTheAvailablePlatforms(platform: String) async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        _ = try await TestImages.demo(at: dir)
        let report = try await Resolution.resolve(try ImageLocation(parsing: "oci:\(dir):demo"),
                                                  platform: try Platform(parsing: platform), strict: false, session: TestSession.shared)
        #expect(report.selected == nil)
        #expect(report.candidates.allSatisfy { !$0.accepted && !$0.reason.isEmpty })
        let error = Resolution.noMatch(report)
        #expect(error.code == .checkFailed)
        #expect(error.message.contains("linux/amd64, linux/arm64, linux/arm/v7, linux/386"))
        #expect(error.message.contains("exec format error"))
    }

    @Test func strictRefusesCompatibleVariants() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        _ = try await TestImages.demo(at: dir)
        let location = try ImageLocation(parsing: "oci:\(dir):demo")
        let loose = try await Resolution.resolve(location, platform: try Platform(parsing: "linux/arm/v8"), strict: false, session: TestSession.shared)
        #expect(loose.selected?.platform == "linux/arm/v7")
        let strict = try await Resolution.resolve(location, platform: try Platform(parsing: "linux/arm/v8"), strict: true, session: TestSession.shared)
        #expect(strict.selected == nil)
    }

    @Test func ranksBetterVariantsFirstAndBreaksTiesByIndexOrder() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let store = try OCILayout.create(at: dir)
        let v5 = try await TestImages.image(try Platform(parsing: "linux/arm/v5"), in: store)
        let v7a = try await TestImages.image(try Platform(parsing: "linux/arm/v7"), in: store, content: "a")
        let v6 = try await TestImages.image(try Platform(parsing: "linux/arm/v6"), in: store)
        let v7b = try await TestImages.image(try Platform(parsing: "linux/arm/v7"), in: store, content: "b")
        try await TestImages.index([v5, v7a, v6, v7b], tag: "arm", in: store)
        let report = try await Resolution.resolve(try ImageLocation(parsing: "oci:\(dir):arm"),
                                                  platform: try Platform(parsing: "linux/arm/v7"), strict: false, session: TestSession.shared)
        let order = report.candidates.sorted { ($0.rank ?? 99) < ($1.rank ?? 99) }.map(\.descriptor.digest)
        #expect(order == [v7a.digest, v7b.digest, v6.digest, v5.digest])
        #expect(report.selected?.digest == v7a.digest.description)
    }

    @Test func entriesWithoutPlatformAreJudgedByTheirConfigAndRankedLast() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let store = try OCILayout.create(at: dir)
        let bare = try await TestImages.image(try Platform(parsing: "linux/arm64"), in: store, describePlatform: false)
        let described = try await TestImages.image(try Platform(parsing: "linux/arm/v7"), in: store)
        let other = try await TestImages.image(try Platform(parsing: "linux/amd64"), in: store, content: "x", describePlatform: false)
        try await TestImages.index([bare, described, other], tag: "mixed", in: store)
        let report = try await Resolution.resolve(try ImageLocation(parsing: "oci:\(dir):mixed"),
                                                  platform: try Platform(parsing: "linux/arm64"), strict: false, session: TestSession.shared)
        #expect(report.candidates[0].platformSource == .config)
        #expect(report.candidates[0].rank == 2, "no platform in the descriptor: after every described entry")
        #expect(report.candidates[1].rank == 1)
        #expect(report.candidates[2].accepted == false)
        #expect(report.candidates[2].reason.contains("amd64"))
    }

    @Test func singleImageResolvesToItselfWhenItsConfigMatches() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let store = try OCILayout.create(at: dir)
        let image = try await TestImages.image(try Platform(parsing: "linux/arm64"), in: store)
        try store.addToIndex(Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size), tag: "one")
        let location = try ImageLocation(parsing: "oci:\(dir):one")
        let yes = try await Resolution.resolve(location, platform: try Platform(parsing: "aarch64"), strict: false, session: TestSession.shared)
        #expect(yes.selected?.digest == image.digest.description)
        let no = try await Resolution.resolve(location, platform: try Platform(parsing: "linux/amd64"), strict: false, session: TestSession.shared)
        #expect(no.selected == nil)
        #expect(no.available == ["linux/arm64"])
    }
}
