import Foundation
import Testing
import XArch
import XArchLayout
import XArchModel
import XArchTestSupport
import XArchVerify

@Suite("xarch verify on images built from the fixtures", .requiresFixture("layouts/buildah-busybox/index.json"))
struct VerificationTests {
    static let all8 = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v5", "linux/386", "linux/ppc64le", "linux/s390x", "linux/mips64le"]

    @Test func correctEightPlatformBusyboxIndexPasses() async throws {
        let location = try ImageLocation(parsing: "oci:\(Integration.fixturesRoot)/layouts/buildah-busybox:multi")
        let report = try await Verification.verify(location, require: Self.all8)
        #expect(report.passed, "\(report.findings.map(\.message))")
        #expect(report.findings.isEmpty)
        #expect(report.platforms.count == 8 && report.layersRead == 8)
        #expect(report.platforms.allSatisfy { $0.filesScanned == 1 && $0.elfFiles == 1 })
        #expect(report.platforms.map(\.expected).contains("linux/arm/v5 (ARM EABI5, soft-float)"))
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func registryCopyOfTheFixturePasses() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let report = try await Verification.verify(try ImageLocation(parsing: "\(registry)/fixtures/busybox:multi"), require: Self.all8)
        #expect(report.passed && report.platforms.count == 8, "\(report.findings.map(\.message))")
    }

    @Test func arm64ImageWithTheAmd64BusyboxFailsNamingIt() async throws {
        let (dir, location) = try await VerifyFixtures.index { store in
            let amd64 = try await VerifyFixtures.layer([.directory("bin"), .file("bin/busybox", try VerifyFixtures.busybox("amd64"), mode: 0o755)], in: store)
            return [try await VerifyFixtures.image("linux/arm64", layers: [amd64], in: store)]
        }
        defer { TestImages.cleanup(dir) }
        let report = try await Verification.verify(location)
        #expect(!report.passed && report.errors == 1)
        let f = try #require(report.findings.first)
        #expect(f.kind == .wrongArchitecture && f.path == "/bin/busybox" && f.platform == "linux/arm64")
        #expect(f.message.contains("x86-64") && f.message.contains("expected linux/arm64 (AArch64)") && f.layer != nil)
        #expect(Verification.failed(report).code == .checkFailed)
    }

    @Test func descriptorSayingArm64OverAnAmd64ConfigFails() async throws {
        let (dir, location) = try await VerifyFixtures.index { store in
            let amd64 = try await VerifyFixtures.layer([.file("bin/busybox", try VerifyFixtures.busybox("amd64"), mode: 0o755)], in: store)
            return [try await VerifyFixtures.image("linux/amd64", describedAs: "linux/arm64", layers: [amd64], in: store)]
        }
        defer { TestImages.cleanup(dir) }
        let report = try await Verification.verify(location)
        #expect(report.findings.map(\.kind) == [.platformMismatch, .wrongArchitecture])
        #expect(report.findings[0].message.contains("its config says linux/amd64"))
    }

    @Test func armhfImageWithTheArmelBinaryIsAFloatABIMismatch() async throws {
        let (dir, location) = try await VerifyFixtures.index { store in
            let armel = try await VerifyFixtures.layer([.file("bin/busybox", try VerifyFixtures.busybox("armel"), mode: 0o755)], in: store)
            return [try await VerifyFixtures.image("linux/arm/v7", layers: [armel], in: store)]
        }
        defer { TestImages.cleanup(dir) }
        let report = try await Verification.verify(location)
        #expect(report.findings.map(\.kind) == [.floatABIMismatch])
        #expect(report.findings.first?.message.contains("soft-float (armel) binary in a hard-float (armhf) platform") == true)
    }

    @Test func dynamicBinaryWithoutItsLoaderFails() async throws {
        let ls = try VerifyFixtures.systemFile("/bin/ls")
        let (dir, location) = try await VerifyFixtures.index { store in
            let layer = try await VerifyFixtures.layer([.file("usr/bin/ls", ls, mode: 0o755)], in: store)
            return [try await VerifyFixtures.image("linux/amd64", layers: [layer], in: store)]
        }
        defer { TestImages.cleanup(dir) }
        let report = try await Verification.verify(location)
        #expect(report.findings.map(\.kind) == [.missingLoader])
        #expect(report.findings.first?.message.contains("/lib64/ld-linux-x86-64.so.2") == true)
    }

    @Test func laterWhiteoutDeletingTheBadFileMakesItPass() async throws {
        let (dir, location) = try await VerifyFixtures.index { store in
            let bad = try await VerifyFixtures.layer([.file("bin/busybox", try VerifyFixtures.busybox("amd64"), mode: 0o755)], in: store)
            let good = try await VerifyFixtures.layer([.file("bin/.wh.busybox", []), .file("bin/arm64-busybox", try VerifyFixtures.busybox("arm64"), mode: 0o755)], in: store)
            return [try await VerifyFixtures.image("linux/arm64", layers: [bad, good], in: store)]
        }
        defer { TestImages.cleanup(dir) }
        let report = try await Verification.verify(location)
        #expect(report.passed && report.findings.isEmpty, "\(report.findings.map(\.message))")
        #expect(report.platforms.first?.filesScanned == 1)
    }

    @Test func sharedLayersAreReadOnceAndCoverageAndFiltersApply() async throws {
        let (dir, location) = try await VerifyFixtures.index { store in
            let shared = try await VerifyFixtures.layer([.file("etc/motd", Array("hello\n".utf8))], in: store)
            let amd64 = try await VerifyFixtures.layer([.file("bin/busybox", try VerifyFixtures.busybox("amd64"), mode: 0o755)], in: store)
            let arm64 = try await VerifyFixtures.layer([.file("bin/busybox", try VerifyFixtures.busybox("arm64"), mode: 0o755)], in: store)
            let a = try await VerifyFixtures.image("linux/amd64", layers: [shared, amd64], in: store)
            let b = try await VerifyFixtures.image("linux/arm64", layers: [shared, arm64], in: store)
            return [a, b, try await TestImages.attestation(for: a, in: store)]
        }
        defer { TestImages.cleanup(dir) }
        let report = try await Verification.verify(location, require: ["linux/amd64", "aarch64", "linux/riscv64"])
        #expect(report.layersRead == 3 && report.platforms.map(\.platform) == ["linux/amd64", "linux/arm64"])
        #expect(report.findings.map(\.kind) == [.missingPlatform])
        #expect(report.findings.first?.message.contains("linux/riscv64 is missing") == true)
        let one = try await Verification.verify(location, platforms: ["linux/arm64"])
        #expect(one.passed && one.platforms.map(\.platform) == ["linux/arm64"] && one.layersRead == 2)
    }

    @Test func danglingAttestationsAndUnreadableLayersAreErrors() async throws {
        let (dir, location) = try await VerifyFixtures.index { store in
            let good = try await VerifyFixtures.layer([.file("bin/busybox", try VerifyFixtures.busybox("amd64"), mode: 0o755)], in: store)
            let junk = Array(String(repeating: "not a tar archive ", count: 100).utf8)
            let bad = Descriptor(mediaType: .ociLayerGzip, bytes: junk)
            try await store.putBlob(bad, from: .init(bytes: junk))
            let image = try await VerifyFixtures.image("linux/amd64", layers: [good, bad], in: store)
            var orphan = try await TestImages.attestation(for: image, in: store)
            orphan.annotations?[AnnotationKey.dockerReferenceDigest] = Digest.of(junk).description
            return [image, orphan]
        }
        defer { TestImages.cleanup(dir) }
        let report = try await Verification.verify(location)
        #expect(Set(report.findings.map(\.kind)) == [.danglingAttestation, .unreadableLayer])
        #expect(report.findings.contains { $0.message.contains("not a valid tar archive") })
    }
}
