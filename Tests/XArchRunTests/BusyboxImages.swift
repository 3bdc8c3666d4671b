import Foundation
import XArchArchive
import XArchContent
import XArchModel
import XArchTestSupport

/// Images made from the busybox fixtures (`fixtures/busybox/<arch>/busybox`) in a `MemoryStore`: one
/// layer with `bin/busybox`, `bin/sh -> busybox` and an `/etc/passwd`, and a config naming the platform.
struct BusyboxImages {
    let store = MemoryStore()

    /// An image labelled `platform` holding the busybox of the Debian architecture `arch` (and `extra`).
    func image(_ platform: Platform, busybox arch: String, config: ContainerConfig? = nil,
               extra: [TarWriter.Entry] = []) async throws -> Descriptor {
        let busybox = try requireBytes(BusyboxRoot.busybox(arch))
        let passwd = Array("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n".utf8)
        let group = Array("root:x:0:\nstaff:x:50:nobody\nnogroup:x:65534:\n".utf8)
        let tar = try TarWriter.archive([
            .directory("bin"), .file("bin/busybox", busybox, mode: 0o755), .symlink("bin/sh", to: "busybox"),
            .directory("etc"), .file("etc/passwd", passwd), .file("etc/group", group),
        ] + extra)
        let layer = Descriptor(mediaType: .ociLayer, bytes: tar)
        try await store.putBlob(layer, from: stream(tar))
        var imageConfig = ImageConfig(architecture: platform.architecture, os: platform.os,
                                      variant: platform.variant.isEmpty ? nil : platform.variant,
                                      rootfs: .init(diffIDs: [layer.digest]))
        imageConfig.config = config
        let configBytes = try CanonicalJSON.encode(imageConfig)
        let configDescriptor = Descriptor(mediaType: .ociConfig, bytes: configBytes)
        try await store.putBlob(configDescriptor, from: stream(configBytes))
        let bytes = try CanonicalJSON.encode(ImageManifest(config: configDescriptor, layers: [layer]))
        var descriptor = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await store.putManifest(descriptor, bytes: bytes, tag: nil)
        descriptor.platform = platform
        return descriptor
    }

    /// An index of `entries` tagged `tag`, opened for `ImageTest`.
    func index(_ entries: [Descriptor], tag: String) async throws -> OpenedImage {
        let bytes = try CanonicalJSON.encode(ImageIndex(mediaType: .ociIndex, manifests: entries))
        try await store.putManifest(Descriptor(mediaType: .ociIndex, bytes: bytes), bytes: bytes, tag: tag)
        return OpenedImage(source: store, reference: .tag(tag), name: "memory:\(tag)")
    }
}

private func requireBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw XArchError(.notFound, "\(path) is missing: run scripts/fixtures")
    }
    return [UInt8](data)
}
