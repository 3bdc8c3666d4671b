import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchTestSupport

/// Calls made to a test store, in order, by method name and argument (a digest or reference).
final class CopyCallLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(method: String, argument: String)] = []

    func record(_ method: String, _ argument: CustomStringConvertible) {
        lock.withLock { entries.append((method, argument.description)) }
    }

    var sequence: [(method: String, argument: String)] { lock.withLock { entries } }

    /// Number of calls by method.
    var counts: [String: Int] { sequence.reduce(into: [:]) { $0[$1.method, default: 0] += 1 } }

    /// The arguments of the calls of `method`, in order.
    func arguments(_ method: String) -> [String] { sequence.filter { $0.method == method }.map(\.argument) }
}

/// An `OCILayout` behind a decorator that logs every call and counts them as a registry client would
/// count requests (`RequestCounting`).
struct CopyCountingStore: ContentSource, ContentSink, RequestCounting {
    let layout: OCILayout
    let log = CopyCallLog()

    var displayName: String { layout.displayName }
    var requestCounterIdentity: ObjectIdentifier { ObjectIdentifier(log) }

    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        log.record("manifest", reference)
        return try await layout.manifest(reference)
    }

    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        log.record("manifestDescriptor", reference)
        return try await layout.manifestDescriptor(reference)
    }

    func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        log.record("blob", descriptor.digest)
        return try await layout.blob(descriptor)
    }

    func blobSize(_ digest: Digest) async throws -> Int64? {
        log.record("blobSize", digest)
        return try await layout.blobSize(digest)
    }

    func tags() async throws -> [String] {
        log.record("tags", "")
        return try await layout.tags()
    }

    func hasBlob(_ digest: Digest) async throws -> Bool {
        log.record("hasBlob", digest)
        return try await layout.hasBlob(digest)
    }

    func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        log.record("putBlob", descriptor.digest)
        try await layout.putBlob(descriptor, from: stream)
    }

    func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        log.record("putManifest", descriptor.digest)
        try await layout.putManifest(descriptor, bytes: bytes, tag: tag)
    }

    static let httpMethods = ["manifest": "GET", "manifestDescriptor": "HEAD", "blob": "GET", "blobSize": "HEAD",
                              "tags": "GET", "hasBlob": "HEAD", "putBlob": "PUT", "putManifest": "PUT"]

    func requestCounts() async -> [String: Int] {
        log.counts.reduce(into: [:]) { $0[Self.httpMethods[$1.key] ?? $1.key, default: 0] += $1.value }
    }
}

/// A layout source that says its blobs live in a repository of a registry (`BlobOriginProviding`).
struct CopyOriginSource: ContentSource, BlobOriginProviding {
    let layout: OCILayout
    let blobOrigin = BlobOrigin(registry: "registry.test", repository: "team/source")

    var displayName: String { layout.displayName }
    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument { try await layout.manifest(reference) }
    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        try await layout.manifestDescriptor(reference)
    }
    func blob(_ descriptor: Descriptor) async throws -> ByteStream { try await layout.blob(descriptor) }
    func blobSize(_ digest: Digest) async throws -> Int64? { try await layout.blobSize(digest) }
    func tags() async throws -> [String] { try await layout.tags() }
}

/// A layout destination that mounts blobs from `origin` as a registry would (same registry only),
/// declining the digests in `declined`.
struct CopyMountingStore: ContentSource, BlobMounting {
    let layout: OCILayout
    let origin: OCILayout
    let declined: Set<Digest>
    let log = CopyCallLog()

    var displayName: String { layout.displayName }
    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument { try await layout.manifest(reference) }
    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        try await layout.manifestDescriptor(reference)
    }
    func blob(_ descriptor: Descriptor) async throws -> ByteStream { try await layout.blob(descriptor) }
    func blobSize(_ digest: Digest) async throws -> Int64? { try await layout.blobSize(digest) }
    func tags() async throws -> [String] { try await layout.tags() }
    func hasBlob(_ digest: Digest) async throws -> Bool { try await layout.hasBlob(digest) }

    func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        log.record("putBlob", descriptor.digest)
        try await layout.putBlob(descriptor, from: stream)
    }

    func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        try await layout.putManifest(descriptor, bytes: bytes, tag: tag)
    }

    func canMount(from origin: BlobOrigin) -> Bool { origin.registry == "registry.test" }

    func mountBlob(_ descriptor: Descriptor, from origin: BlobOrigin) async throws -> Bool {
        log.record("mountBlob", descriptor.digest)
        guard !declined.contains(descriptor.digest) else { return false }
        try await layout.putBlob(descriptor, from: try await self.origin.blob(descriptor))
        return true
    }
}

/// Progress events, collected from every task.
final class CopyEventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [CopyEvent] = []
    func record(_ event: CopyEvent) { lock.withLock { collected.append(event) } }
    var events: [CopyEvent] { lock.withLock { collected } }
}

/// Multi-platform images with real blobs, built through the store API.
enum CopyFixture {
    static let platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386"]

    /// What `multiPlatform` built.
    struct Built {
        let index: Descriptor
        /// One image per entry of `platforms`, in that order, with their platform set.
        let children: [Descriptor]
        /// Attestations of the amd64 and arm64 images.
        let attestations: [Descriptor]
        /// The 2 MiB base layer every image shares.
        let shared: Descriptor
    }

    /// Deterministic, incompressible-looking bytes.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    static func blob(_ bytes: [UInt8], _ mediaType: MediaType, in store: OCILayout) async throws -> Descriptor {
        let descriptor = Descriptor(mediaType: mediaType, bytes: bytes)
        try await store.putBlob(descriptor, from: ByteStream(bytes: bytes))
        return descriptor
    }

    /// An image of `platform` over `base` plus a small layer of its own.
    static func image(_ platform: Platform, base: [Descriptor], seed: UInt64, in store: OCILayout,
                      describePlatform: Bool = true) async throws -> Descriptor {
        let own = try await blob(bytes(3000 + Int(seed), seed: seed), .ociLayer, in: store)
        let layers = base + [own]
        let config = ImageConfig(architecture: platform.architecture, os: platform.os,
                                 variant: platform.variant.isEmpty ? nil : platform.variant,
                                 rootfs: .init(diffIDs: layers.map(\.digest)))
        let configDescriptor = try await blob(try CanonicalJSON.encode(config), .ociConfig, in: store)
        let bytes = try CanonicalJSON.encode(ImageManifest(config: configDescriptor, layers: layers))
        var descriptor = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await store.putManifest(descriptor, bytes: bytes, tag: nil)
        if describePlatform { descriptor.platform = platform }
        return descriptor
    }

    /// An index of `entries` with an annotation and a field xarch does not model, under `tag`.
    @discardableResult
    static func index(_ entries: [Descriptor], tag: String?, in store: OCILayout) async throws -> Descriptor {
        let index = ImageIndex(manifests: entries, annotations: ["org.opencontainers.image.source": "https://example.test/app"],
                               unknownFields: ["x-test-extension": .object(["kept": .bool(true), "n": .integer(7)])])
        let bytes = try CanonicalJSON.encode(index)
        let descriptor = Descriptor(mediaType: .ociIndex, bytes: bytes)
        try await store.putManifest(descriptor, bytes: bytes, tag: tag)
        return descriptor
    }

    /// Four platforms sharing a 2 MiB base layer, attestations for amd64 and arm64, tagged `tag`.
    static func multiPlatform(in store: OCILayout, tag: String = "multi") async throws -> Built {
        let shared = try await blob(bytes(2 * 1024 * 1024 + 123, seed: 99), .ociLayer, in: store)
        var children: [Descriptor] = []
        for (i, spec) in platforms.enumerated() {
            children.append(try await image(try Platform(parsing: spec), base: [shared], seed: UInt64(i + 1), in: store))
        }
        let attestations = [try await TestImages.attestation(for: children[0], in: store),
                            try await TestImages.attestation(for: children[1], in: store)]
        let index = try await index(children + attestations, tag: tag, in: store)
        return Built(index: index, children: children, attestations: attestations, shared: shared)
    }

    /// The blob files of a layout, by file name.
    static func blobFiles(_ path: String) throws -> [String: Data] {
        let dir = "\(path)/blobs/sha256"
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)"))
        }
        return files
    }

    /// A source layout with the multi-platform image and an empty destination layout, removed afterwards.
    @discardableResult
    static func withLayouts<T>(_ body: (OCILayout, OCILayout, Built) async throws -> T) async throws -> T {
        let dir = try TestImages.temporaryDirectory("xarch-copy")
        defer { TestImages.cleanup(dir) }
        let source = try OCILayout.create(at: "\(dir)/src")
        let built = try await multiPlatform(in: source)
        let destination = try OCILayout.create(at: "\(dir)/dst")
        return try await body(source, destination, built)
    }
}

/// A layout source whose blob `failing` cannot be read and whose blob `stalling` delivers nothing for
/// ten minutes unless the task reading it is cancelled (`stall` records which).
struct CopyFaultySource: ContentSource {
    let layout: OCILayout
    let failing: Digest
    let stalling: Digest
    /// Whether the stalled read started, and how it ended.
    final class Stall: @unchecked Sendable {
        private let lock = NSLock()
        private var _started = false, _cancelled = false
        var started: Bool { lock.withLock { _started } }
        var cancelled: Bool { lock.withLock { _cancelled } }
        func start() { lock.withLock { _started = true } }
        func cancel() { lock.withLock { _cancelled = true } }
    }
    let stall = Stall()

    var displayName: String { layout.displayName }
    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument { try await layout.manifest(reference) }
    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        try await layout.manifestDescriptor(reference)
    }
    func blobSize(_ digest: Digest) async throws -> Int64? { try await layout.blobSize(digest) }
    func tags() async throws -> [String] { try await layout.tags() }

    func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        if descriptor.digest == failing { throw XArchError(.io, "injected failure reading \(descriptor.digest)") }
        if descriptor.digest == stalling {
            let stall = stall
            return ByteStream {
                {
                    stall.start()
                    do { try await Task.sleep(for: .seconds(600)) } catch { stall.cancel(); throw error }
                    return nil
                }
            }
        }
        return try await layout.blob(descriptor)
    }
}
