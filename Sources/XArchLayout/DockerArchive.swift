import XArchArchive
import XArchContent
import XArchModel

/// A `docker-archive` file read in place: the `docker save` format (moby `image/tarexport`), whose
/// `manifest.json` lists each image's `Config` file, `RepoTags` and `Layers` files, as skopeo's
/// `docker-archive:` transport (containers/image `docker/internal/tarfile`) reads it.
///
/// The archive carries no registry manifest, so one is made from `manifest.json`, as skopeo does: a
/// Docker image manifest v2 schema 2 whose config and layers are the files it names, digested by
/// streaming them once, each layer typed by its first bytes (gzip or plain tar; zstd makes the manifest
/// an OCI one, which Docker's media types cannot express). The image is the one `NAME:TAG` names in
/// `RepoTags`, or the archive's only image.
public struct DockerArchive: ContentSource, DefaultManifestProviding, StoreIdentifying {
    /// The archive file, as given.
    public let path: String
    /// The `RepoTags` entry that picks the image, if any.
    public let name: ImageReference?
    private let loaded: Loader<Contents>

    /// The image found: its made-up manifest and where each of its blobs lies.
    struct Contents: Sendable {
        let members: ArchiveMembers
        let manifest: ManifestDocument
        let blobs: [Digest: ArchiveMembers.Member]
        let tags: [String]
    }

    /// One image of `manifest.json`.
    struct Entry: Decodable, Sendable {
        var Config: String
        var RepoTags: [String]?
        var Layers: [String]
    }

    public var displayName: String { "docker-archive:\(path)" }

    public var storeIdentity: StoreIdentity { StoreIdentity(kind: "docker-archive", name: path) }

    /// The archive at `path`, its image picked by `name` when given; nothing is read until it is used.
    public init(path: String, name: ImageReference?) {
        self.path = path
        self.name = name
        let display = "docker-archive:\(path)"
        loaded = Loader { try await Self.load(path, name: name, display: display) }
    }

    private static func load(_ path: String, name: ImageReference?, display: String) async throws -> Contents {
        let members = try await ArchiveMembers.index(file: path, name: display)
        guard let listFile = try members.member("manifest.json", what: "manifest.json") else {
            throw XArchError(.invalidInput, "\(display) is not a docker save archive: it has no manifest.json (an OCI layout tar is read as oci-archive:\(path))")
        }
        let entries = try CanonicalJSON.decode([Entry].self, from: try members.read(listFile, limit: 16 << 20, what: "manifest.json"),
                                               what: "manifest.json of \(display)")
        let entry = try choose(name, in: entries, path: path, display: display)
        guard let configFile = try members.member(entry.Config, what: "the manifest.json Config") else {
            throw XArchError(.invalidInput, "\(display): manifest.json names the config \(ArchiveMembers.quote(entry.Config)), which is not in the archive")
        }
        let configBytes = try members.read(configFile, limit: OpenedImage.maxConfigSize, what: "the image config")
        var blobs: [Digest: ArchiveMembers.Member] = [:]
        let configDigest = Digest.of(configBytes)
        blobs[configDigest] = configFile
        var layers: [Descriptor] = []
        var zstd = false
        for layerPath in entry.Layers {
            guard let layer = try members.member(layerPath, what: "the manifest.json layer") else {
                throw XArchError(.invalidInput, "\(display): manifest.json names the layer \(ArchiveMembers.quote(layerPath)), which is not in the archive")
            }
            let head = try members.read(ArchiveMembers.Member(offset: layer.offset, size: min(layer.size, 4)), limit: 4, what: "a layer")
            let type: MediaType
            switch LayerFormat.sniff(head[...]) {
            case .gzip: type = .dockerLayerGzip
            case .zstd: type = .ociLayerZstd; zstd = true
            case .uncompressed: type = .dockerLayer
            }
            let digest = try await members.digest(of: layer)
            blobs[digest] = layer
            layers.append(Descriptor(mediaType: type, digest: digest, size: layer.size))
        }
        if zstd {
            layers = layers.map { layer in
                var oci = layer
                oci.mediaType = layer.mediaType == .dockerLayerGzip ? .ociLayerGzip : layer.mediaType == .dockerLayer ? .ociLayer : layer.mediaType
                return oci
            }
        }
        let manifest = ImageManifest(mediaType: zstd ? .ociManifest : .dockerManifest,
                                     config: Descriptor(mediaType: zstd ? .ociConfig : .dockerConfig, digest: configDigest,
                                                        size: Int64(configBytes.count)),
                                     layers: layers)
        let bytes = try CanonicalJSON.encode(manifest)
        let document = try ManifestDocument(bytes: bytes, declaredType: manifest.mediaType)
        let tags = (entry.RepoTags ?? []).compactMap { try? ImageReference(parsing: $0).tag }
        return Contents(members: members, manifest: document, blobs: blobs, tags: Array(Set(tags)).sorted())
    }

    /// The image `name` names in `RepoTags`, or the only image.
    private static func choose(_ name: ImageReference?, in entries: [Entry], path: String, display: String) throws -> Entry {
        let all = entries.flatMap { $0.RepoTags ?? [] }
        if let name {
            let found = entries.first { entry in
                (entry.RepoTags ?? []).contains { (try? ImageReference(parsing: $0))?.description == name.description }
            }
            guard let found else {
                let have = all.isEmpty ? "it has no tagged images" : "its images are: \(all.joined(separator: ", "))"
                throw XArchError(.notFound, "\(display) has no image \(name); \(have)")
            }
            return found
        }
        switch entries.count {
        case 0:
            throw XArchError(.notFound, "\(display) holds no image: its manifest.json is empty")
        case 1:
            return entries[0]
        default:
            let names = all.isEmpty ? "" : " (\(all.joined(separator: ", ")))"
            throw XArchError(.invalidInput, "\(display) holds \(entries.count) images\(names); name one as docker-archive:\(path):NAME:TAG")
        }
    }

    public func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        let contents = try await loaded.value()
        switch reference {
        case .tag(let tag):
            guard contents.tags.contains(tag) else {
                throw XArchError(.notFound, "tag \"\(tag)\" is not in \(displayName); its tags are: \(contents.tags.joined(separator: ", "))")
            }
        case .digest(let digest):
            guard digest == contents.manifest.digest else {
                throw XArchError(.notFound, "manifest \(digest) is not in \(displayName); its image is \(contents.manifest.digest)")
            }
        }
        return contents.manifest
    }

    public func defaultManifest() async throws -> ManifestDocument { try await loaded.value().manifest }

    public func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        let contents = try await loaded.value()
        switch reference {
        case .tag(let tag): return contents.tags.contains(tag) ? contents.manifest.descriptor : nil
        case .digest(let digest): return digest == contents.manifest.digest ? contents.manifest.descriptor : nil
        }
    }

    public func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        let contents = try await loaded.value()
        guard let member = contents.blobs[descriptor.digest] else {
            throw XArchError(.notFound, "blob \(descriptor.digest) is not in \(displayName)")
        }
        return contents.members.stream(member, expected: descriptor)
    }

    public func blobSize(_ digest: Digest) async throws -> Int64? { try await loaded.value().blobs[digest]?.size }

    public func tags() async throws -> [String] { try await loaded.value().tags }
}
