#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import XArchArchive
import XArchContent
import XArchModel

/// A destination archive being written (`oci-archive`, `docker-archive`): what a copy writes goes into
/// an OCI image layout in a hidden directory beside the archive (`.tmp-archive-*`, verified and
/// crash-safe like any layout), and `commit()` streams that layout into the archive, written under a
/// temporary name in the same directory and renamed into place, then removes the directory. Nothing
/// appears under the archive's name until it is complete; `discard()` (or an interrupt, through
/// `OCILayout.removeFilesInFlight`) removes the directory.
public struct ArchiveStaging: ContentSource, ContentSink, StagedContentSink, SinglePlatformSink {
    /// The archive being written.
    public let archive: ArchiveReference
    /// The staging layout.
    let layout: OCILayout
    /// The platform a one-platform archive takes from an index when none is asked for.
    let hostPlatform: Platform
    /// The last root manifest written (the copy engine writes the root last), and its tag.
    private let root = RootRecord()

    /// The staging directories of this process, removed by an interrupt handler.
    static let inFlight = Mutex<Set<String>>([])

    /// Starts writing `archive`: creates the staging layout beside it. `hostPlatform` is the platform a
    /// `docker-archive` takes from an index when the copy names none.
    public static func begin(_ archive: ArchiveReference, hostPlatform: Platform) throws -> ArchiveStaging {
        let target = OCILayout.normalize(archive.path)
        if let st = try POSIXFile.status(target), POSIXFile.isDirectory(st) {
            throw XArchError(.invalidInput, "\(archive.format.prefix)\(archive.path) is a directory; an archive is a file (for a layout directory write oci:\(archive.path))")
        }
        let parent = OCILayout.parentDirectory(of: target)
        try POSIXFile.makeDirectories(parent)
        let directory = "\(parent)/\(TempFile.prefix)archive-\(POSIXFile.randomSuffix())"
        inFlight.withLock { _ = $0.insert(directory) }
        do {
            return ArchiveStaging(archive: archive, layout: try OCILayout.create(at: directory), hostPlatform: hostPlatform)
        } catch {
            removeStaging(directory)
            throw error
        }
    }

    public var displayName: String { archive.format.prefix + archive.path }

    public var singlePlatformDefault: Platform? { archive.format == .docker ? hostPlatform : nil }

    public func manifest(_ reference: ManifestReference) async throws -> ManifestDocument { try await layout.manifest(reference) }
    public func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        try await layout.manifestDescriptor(reference)
    }
    public func blob(_ descriptor: Descriptor) async throws -> ByteStream { try await layout.blob(descriptor) }
    public func blobSize(_ digest: Digest) async throws -> Int64? { try await layout.blobSize(digest) }
    public func tags() async throws -> [String] { try await layout.tags() }
    public func hasBlob(_ digest: Digest) async throws -> Bool { try await layout.hasBlob(digest) }
    public func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        try await layout.putBlob(descriptor, from: stream)
    }

    public func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        if archive.format == .docker, descriptor.mediaType.essence.isIndex {
            throw XArchError(.invalidInput, "\(displayName) holds one image, not an index; write the index to oci-archive:\(archive.path) instead")
        }
        // The archive's own name wins over the tag the copy carries over from its source.
        let name = archive.format == .oci ? (archive.tag ?? tag) : nil
        try await layout.putManifest(descriptor, bytes: bytes, tag: name)
        root.value.withLock { $0 = (descriptor, name) }
    }

    /// Writes the archive from the staging layout and removes the layout.
    public func commit() async throws -> [String] {
        guard let (descriptor, tag) = root.value.withLock({ $0 }) else {
            throw XArchError(.invalidInput, "nothing was written to \(displayName)")
        }
        switch archive.format {
        case .oci:
            if tag == nil { try layout.addToIndex(descriptor, tag: nil) }
            try await OCIArchiveWriter.write(layout, to: OCILayout.normalize(archive.path))
        case .docker:
            let document = try await layout.manifest(.digest(descriptor.digest))
            try await DockerArchiveWriter.write(document, from: layout, name: archive.name, to: OCILayout.normalize(archive.path))
        }
        Self.removeStaging(layout.path)
        return []
    }

    public func discard() { Self.removeStaging(layout.path) }

    /// Removes the staging directories of this process (for an interrupt handler).
    static func removeAllInFlight() {
        for directory in inFlight.withLock({ $0 }) { removeStaging(directory) }
    }

    /// Removes a staging layout: its blobs, its files and its directories.
    static func removeStaging(_ directory: String) {
        let blobs = "\(directory)/blobs"
        for algorithm in (try? POSIXFile.directoryEntries(blobs)) ?? [] {
            let folder = "\(blobs)/\(algorithm)"
            for name in (try? POSIXFile.directoryEntries(folder)) ?? [] { _ = try? POSIXFile.removeIfPresent("\(folder)/\(name)") }
            removeDirectory(folder)
        }
        removeDirectory(blobs)
        for name in (try? POSIXFile.directoryEntries(directory)) ?? [] { _ = try? POSIXFile.removeIfPresent("\(directory)/\(name)") }
        removeDirectory(directory)
        inFlight.withLock { _ = $0.remove(directory) }
    }
}

private func removeDirectory(_ path: String) { _ = rmdir(path) }

/// The root manifest a staging layout got last, shared by the copies of its `ArchiveStaging`.
private final class RootRecord: Sendable {
    let value = Mutex<(Descriptor, String?)?>(nil)
}
