import Synchronization
import XArchArchive
import XArchContent
import XArchModel

/// An `oci-archive` file read in place: a tar of an OCI image layout (image-layout.md) whose files sit at
/// the top of the tar (`oci-layout`, `index.json`, `blobs/<alg>/<encoded>`), as skopeo's `oci-archive:`
/// transport (containers/image `oci/archive`) writes it.
///
/// The tar is indexed once, on first use (`ArchiveMembers`); blobs are then streamed from their offsets
/// and verified against their descriptors. Tags are `org.opencontainers.image.ref.name` annotations,
/// matched as in a layout directory (`RefName`). Read-only: writing goes through `ArchiveStaging`.
public struct OCIArchive: ContentSource, DefaultManifestProviding, StoreIdentifying {
    /// The archive file, as given.
    public let path: String
    private let loaded: Loader<Contents>

    /// What indexing found: the members and the parsed `index.json`.
    struct Contents: Sendable {
        let members: ArchiveMembers
        let index: ImageIndex
    }

    /// `oci-archive:PATH`, for messages.
    public var displayName: String { "oci-archive:\(path)" }

    public var storeIdentity: StoreIdentity { StoreIdentity(kind: "oci-archive", name: path) }

    /// The archive at `path`; nothing is read until it is used.
    public init(path: String) {
        self.path = path
        let name = "oci-archive:\(path)"
        loaded = Loader { try await Self.load(path, name: name) }
    }

    private static func load(_ path: String, name: String) async throws -> Contents {
        let members = try await ArchiveMembers.index(file: path, name: name)
        guard let layoutFile = try members.member("oci-layout", what: "oci-layout") else {
            throw XArchError(.invalidInput, "\(name) is not an OCI archive: it has no oci-layout file (a docker save archive is read as docker-archive:\(path))")
        }
        struct Header: Decodable { var imageLayoutVersion: String }
        let header = try CanonicalJSON.decode(Header.self, from: try members.read(layoutFile, limit: 64 * 1024, what: "oci-layout"),
                                              what: "oci-layout file of \(name)")
        guard header.imageLayoutVersion.split(separator: ".").first == "1" else {
            throw XArchError(.unsupported, "\(name) has image layout version \(header.imageLayoutVersion); xarch reads version 1 layouts (\(OCILayout.layoutVersion))")
        }
        guard let indexFile = try members.member("index.json", what: "index.json") else {
            throw XArchError(.invalidInput, "\(name) is not a complete OCI archive: it has no index.json")
        }
        let bytes = try members.read(indexFile, limit: OCILayout.maxIndexSize, what: "index.json")
        return Contents(members: members, index: try CanonicalJSON.decode(ImageIndex.self, from: bytes, what: "index.json of \(name)"))
    }

    public func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        let contents = try await loaded.value()
        switch reference {
        case .tag(let tag):
            let entry = try OCILayout.resolveTag(tag, in: contents.index, layout: displayName)
            return try document(entry.digest, expected: entry, in: contents)
        case .digest(let digest):
            let entry = contents.index.manifests.first { $0.digest == digest }
            return try document(digest, expected: entry, in: contents)
        }
    }

    public func defaultManifest() async throws -> ManifestDocument {
        let contents = try await loaded.value()
        let entry = try OCILayout.onlyEntry(of: contents.index, layout: displayName,
                                            naming: "oci-archive:\(path):TAG")
        return try document(entry.digest, expected: entry, in: contents)
    }

    public func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        let contents = try await loaded.value()
        switch reference {
        case .tag(let tag):
            guard !RefName.matches(tag, in: contents.index).isEmpty else { return nil }
            return try OCILayout.resolveTag(tag, in: contents.index, layout: displayName)
        case .digest(let digest):
            if let entry = contents.index.manifests.first(where: { $0.digest == digest }) { return entry }
            guard try blobMember(digest, in: contents) != nil else { return nil }
            return try document(digest, expected: nil, in: contents).descriptor
        }
    }

    public func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        let contents = try await loaded.value()
        guard let member = try blobMember(descriptor.digest, in: contents) else {
            throw XArchError(.notFound, "blob \(descriptor.digest) is missing from \(displayName) (is the archive truncated?)")
        }
        return contents.members.stream(member, expected: descriptor)
    }

    public func blobSize(_ digest: Digest) async throws -> Int64? {
        try blobMember(digest, in: try await loaded.value())?.size
    }

    public func tags() async throws -> [String] { RefName.names(in: try await loaded.value().index) }

    private func blobMember(_ digest: Digest, in contents: Contents) throws -> ArchiveMembers.Member? {
        try contents.members.member("blobs/\(digest.algorithm.rawValue)/\(digest.encoded)", what: "blob \(digest)")
    }

    /// Reads, verifies and parses the manifest `digest` (checked against `expected` when the index
    /// names it).
    private func document(_ digest: Digest, expected: Descriptor?, in contents: Contents) throws -> ManifestDocument {
        guard let member = try blobMember(digest, in: contents) else {
            throw XArchError(.notFound, "manifest \(digest) is not in \(displayName)")
        }
        let bytes = try contents.members.read(member, limit: ManifestDocument.maxSize, what: "manifest \(digest)")
        let actual = Digest.of(bytes, algorithm: digest.algorithm)
        guard actual == digest else {
            throw XArchError(.digestMismatch, "manifest \(digest) in \(displayName) has digest \(actual): the archive is corrupt")
        }
        do {
            if let expected { return try ManifestDocument(bytes: bytes, expected: expected) }
            return try ManifestDocument(bytes: bytes, declaredType: nil, digestAlgorithm: digest.algorithm)
        } catch let error as XArchError {
            throw XArchError(error.code, "manifest \(digest) of \(displayName): \(error.message)", cause: error)
        }
    }
}

/// A value computed once, on first use, by whichever task asks first; later and concurrent callers
/// await the same computation (an archive is indexed once however many transfers start at once).
final class Loader<Value: Sendable>: Sendable {
    private let task: Mutex<Task<Value, any Error>?> = Mutex(nil)
    private let load: @Sendable () async throws -> Value

    init(_ load: @escaping @Sendable () async throws -> Value) { self.load = load }

    func value() async throws -> Value {
        let load = self.load
        let task = self.task.withLock { task in
            if let task { return task }
            let started = Task { try await load() }
            task = started
            return started
        }
        return try await task.value
    }
}
