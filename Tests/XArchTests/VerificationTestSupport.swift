import Foundation
import XArchArchive
import XArch
import XArchContent
import XArchLayout
import XArchModel
import XArchTestSupport
import XArchVerify

/// Images for `xarch verify` tests, built through the layout store API from the busybox fixtures.
enum VerifyFixtures {
    static func busybox(_ debianArch: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: "\(Integration.fixturesRoot)/busybox/\(debianArch)/busybox")))
    }

    static func systemFile(_ path: String) throws -> [UInt8] { try Array(Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Stores an uncompressed tar layer of `entries`.
    static func layer(_ entries: [TarWriter.Entry], in store: OCILayout) async throws -> Descriptor {
        let bytes = try TarWriter.archive(entries)
        let d = Descriptor(mediaType: .ociLayer, bytes: bytes)
        try await store.putBlob(d, from: ByteStream(bytes: bytes))
        return d
    }

    /// Stores an image whose config says `config` and whose index entry says `describedAs` (default: the same).
    static func image(_ config: String, describedAs: String? = nil, layers: [Descriptor],
                      in store: OCILayout) async throws -> Descriptor {
        let platform = try Platform(parsing: config)
        let imageConfig = ImageConfig(architecture: platform.architecture, os: platform.os,
                                      variant: platform.variant.isEmpty ? nil : platform.variant,
                                      rootfs: .init(diffIDs: layers.map(\.digest)))
        let configBytes = try CanonicalJSON.encode(imageConfig)
        let configDescriptor = Descriptor(mediaType: .ociConfig, bytes: configBytes)
        try await store.putBlob(configDescriptor, from: ByteStream(bytes: configBytes))
        let bytes = try CanonicalJSON.encode(ImageManifest(config: configDescriptor, layers: layers))
        var d = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await store.putManifest(d, bytes: bytes, tag: nil)
        d.platform = try Platform(parsing: describedAs ?? config)
        return d
    }

    /// A layout at a fresh temporary path with one index `tag` of the given images; returns the reference.
    static func index(_ build: (OCILayout) async throws -> [Descriptor], tag: String = "t") async throws -> (dir: String, location: ImageLocation) {
        let dir = try TestImages.temporaryDirectory("xarch-verify")
        let store = try OCILayout.create(at: dir)
        try await TestImages.index(try await build(store), tag: tag, in: store)
        return (dir, try ImageLocation(parsing: "oci:\(dir):\(tag)"))
    }
}

extension Verification {
    static func verify(_ location: ImageLocation, require: [String] = [], platforms: [String] = []) async throws -> VerifyReport {
        let options = VerifyOptions(required: try require.map { try Platform(parsing: $0) },
                                    platforms: try platforms.map { try Platform(parsing: $0) })
        return try await verify(location, options: options, session: TestSession.shared)
    }
}
