import Foundation
import Testing
import XArch
import XArchContent
import XArchIndex
import XArchLayout
import XArchModel
import XArchTestSupport

/// A layout posing as one repository of a registry (`BlobOriginProviding`, `StoreIdentifying`), logging every call and
/// counting them as requests: index assembly treats sources with its origin as the destination itself.
struct IndexRepository: ContentSource, ContentSink, BlobOriginProviding, StoreIdentifying, RequestCounting {
    let inner: CopyCountingStore
    let blobOrigin: BlobOrigin
    var storeIdentity: StoreIdentity { StoreIdentity(kind: "registry", name: blobOrigin.description) }

    init(_ layout: OCILayout, repository: String = "team/app") {
        inner = CopyCountingStore(layout: layout)
        blobOrigin = BlobOrigin(registry: "registry.test", repository: repository)
    }

    var log: CopyCallLog { inner.log }
    var displayName: String { "registry.test/\(blobOrigin.repository)" }
    var requestCounterIdentity: ObjectIdentifier { inner.requestCounterIdentity }
    func requestCounts() async -> [String: Int] { await inner.requestCounts() }
    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument { try await inner.manifest(reference) }
    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        try await inner.manifestDescriptor(reference)
    }
    func blob(_ descriptor: Descriptor) async throws -> ByteStream { try await inner.blob(descriptor) }
    func blobSize(_ digest: Digest) async throws -> Int64? { try await inner.blobSize(digest) }
    func tags() async throws -> [String] { try await inner.tags() }
    func hasBlob(_ digest: Digest) async throws -> Bool { try await inner.hasBlob(digest) }
    func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws { try await inner.putBlob(descriptor, from: stream) }
    func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        try await inner.putManifest(descriptor, bytes: bytes, tag: tag)
    }
}

/// Per-platform images as native CI runners push them: one tag per architecture.
enum IndexFixture {
    /// `1.2-amd64`, `1.2-arm64`, `1.2-armv7`: the tag of `platform` under `prefix`.
    static func tag(_ platform: Platform, prefix: String = "1.2-") -> String {
        prefix + platform.architecture + platform.variant
    }

    /// An image of each platform, tagged `tag(platform)`, its descriptor without a platform (as a root
    /// has none); `mediaType` `.dockerManifest` writes Docker schema 2 media types.
    @discardableResult
    static func perArch(_ specs: [String], in store: OCILayout, prefix: String = "1.2-", seed: String = "",
                        mediaType: MediaType = .ociManifest) async throws -> [Descriptor] {
        var result: [Descriptor] = []
        for spec in specs {
            let platform = try Platform(parsing: spec)
            let descriptor = try await image(platform, in: store, content: "\(spec) \(seed)", mediaType: mediaType)
            try await store.putManifest(descriptor, bytes: try await store.manifest(.digest(descriptor.digest)).bytes,
                                        tag: tag(platform, prefix: prefix))
            result.append(descriptor)
        }
        return result
    }

    /// One image with one layer, OCI or Docker media types.
    static func image(_ platform: Platform, in store: OCILayout, content: String, mediaType: MediaType) async throws -> Descriptor {
        let docker = mediaType == .dockerManifest
        let layer = try await CopyFixture.blob(Array("layer \(content)".utf8), docker ? .dockerLayerGzip : .ociLayer, in: store)
        let config = ImageConfig(architecture: platform.architecture, os: platform.os,
                                 variant: platform.variant.isEmpty ? nil : platform.variant,
                                 osVersion: platform.osVersion.isEmpty ? nil : platform.osVersion,
                                 rootfs: .init(diffIDs: [layer.digest]))
        let configDescriptor = try await CopyFixture.blob(try CanonicalJSON.encode(config), docker ? .dockerConfig : .ociConfig, in: store)
        let bytes = try CanonicalJSON.encode(ImageManifest(mediaType: mediaType, config: configDescriptor, layers: [layer]))
        let descriptor = Descriptor(mediaType: mediaType, bytes: bytes)
        try await store.putManifest(descriptor, bytes: bytes, tag: nil)
        return descriptor
    }

    /// Sources of `store` by tag.
    static func sources(_ store: any ContentSource, _ tags: [String]) -> [IndexSource] {
        tags.map { IndexSource(store: store, reference: .tag($0), name: "\(store.displayName):\($0)") }
    }

    /// The index a tag names.
    static func index(_ store: any ContentSource, _ tag: String) async throws -> ImageIndex {
        try #require(try await store.manifest(.tag(tag)).index)
    }
}
