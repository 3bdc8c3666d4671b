import Foundation
import Synchronization
import XArchArchive
import XArchContent
import XArchLayout
import XArchModel

/// Builds small multi-platform images in OCI layouts through the store API, for tests.
public enum TestImages {
    /// A fresh temporary directory, removed by the caller with `cleanup`.
    public static func temporaryDirectory(_ name: String = "xarch-test") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func cleanup(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// A fresh temporary directory removed when the test process exits (for helpers whose callers
    /// cannot say when they are done with it).
    public static func temporaryDirectoryRemovedAtExit(_ name: String = "xarch-test") throws -> String {
        let path = try temporaryDirectory(name)
        ExitCleanup.register(path)
        return path
    }

    /// Runs `body` with a fresh temporary directory, removed afterwards whatever happens.
    public static func withTemporaryDirectory<T>(_ name: String = "xarch-test",
                                                 _ body: (String) async throws -> T) async throws -> T {
        let dir = try temporaryDirectory(name)
        defer { cleanup(dir) }
        return try await body(dir)
    }

    /// Stores an image for `platform` with one layer; returns its manifest descriptor (platform set
    /// unless `describePlatform` is false).
    public static func image(_ platform: Platform, in store: OCILayout, content: String? = nil,
                      describePlatform: Bool = true) async throws -> Descriptor {
        let text = Array((content ?? "layer for \(platform.formatted)\n").utf8)
        let layerBytes = try TarWriter.archive([.directory("etc"), .file("etc/platform", text)])
        let layer = Descriptor(mediaType: .ociLayer, bytes: layerBytes)
        try await store.putBlob(layer, from: ByteStream(bytes: layerBytes))
        let config = ImageConfig(architecture: platform.architecture, os: platform.os,
                                 variant: platform.variant.isEmpty ? nil : platform.variant,
                                 osVersion: platform.osVersion.isEmpty ? nil : platform.osVersion,
                                 rootfs: .init(diffIDs: [layer.digest]))
        let configBytes = try CanonicalJSON.encode(config)
        let configDescriptor = Descriptor(mediaType: .ociConfig, bytes: configBytes)
        try await store.putBlob(configDescriptor, from: ByteStream(bytes: configBytes))
        let manifest = ImageManifest(config: configDescriptor, layers: [layer])
        let bytes = try CanonicalJSON.encode(manifest)
        var descriptor = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await store.putManifest(descriptor, bytes: bytes, tag: nil)
        if describePlatform { descriptor.platform = platform }
        return descriptor
    }

    /// An attestation entry describing `subject`, BuildKit style.
    public static func attestation(for subject: Descriptor, in store: OCILayout) async throws -> Descriptor {
        let statement = Array("{\"subject\":\"\(subject.digest)\"}".utf8)
        let layer = Descriptor(mediaType: "application/vnd.in-toto+json", bytes: statement)
        try await store.putBlob(layer, from: ByteStream(bytes: statement))
        let empty = Array("{}".utf8)
        let config = Descriptor(mediaType: .ociConfig, bytes: empty)
        try await store.putBlob(config, from: ByteStream(bytes: empty))
        let bytes = try CanonicalJSON.encode(ImageManifest(config: config, layers: [layer]))
        var d = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await store.putManifest(d, bytes: bytes, tag: nil)
        d.platform = Platform(os: "unknown", architecture: "unknown")
        d.annotations = [AnnotationKey.dockerReferenceType: "attestation-manifest",
                         AnnotationKey.dockerReferenceDigest: subject.digest.description]
        return d
    }

    /// Stores an index of `entries` under `tag`; returns its descriptor.
    @discardableResult
    public static func index(_ entries: [Descriptor], tag: String, in store: OCILayout,
                      mediaType: MediaType = .ociIndex) async throws -> Descriptor {
        let bytes = try CanonicalJSON.encode(ImageIndex(mediaType: mediaType, manifests: entries))
        let d = Descriptor(mediaType: mediaType, bytes: bytes)
        try await store.putManifest(d, bytes: bytes, tag: tag)
        return d
    }

    /// The demo image: amd64, arm64, arm/v7, 386, with attestations for amd64 and arm64.
    public static func demo(at path: String, tag: String = "demo") async throws -> (index: Descriptor, children: [Descriptor]) {
        let store = try OCILayout.create(at: path)
        var children: [Descriptor] = []
        for spec in ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386"] {
            children.append(try await image(try Platform(parsing: spec), in: store))
        }
        let attestations = [try await attestation(for: children[0], in: store),
                            try await attestation(for: children[1], in: store)]
        let index = try await index(children + attestations, tag: tag, in: store)
        return (index, children)
    }
}

/// Directories to remove when the process exits.
private enum ExitCleanup {
    static let paths = Mutex<[String]>([])
    static let installed = Mutex(false)

    static func register(_ path: String) {
        paths.withLock { $0.append(path) }
        let first = installed.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if first { atexit { ExitCleanup.removeAll() } }
    }

    static func removeAll() {
        for path in paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
