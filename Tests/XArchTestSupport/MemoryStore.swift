import XArchContent
import XArchModel

/// A content store held in memory, for handing the engines (copy, index, build) a store without a
/// disk or a registry. Writes are verified against their descriptors, as the real stores verify them.
public struct MemoryStore: ContentStore, StoreIdentifying {
    /// The name it is shown by in messages and reports.
    public let displayName: String
    private let state = State()

    /// An empty store called `name`.
    public init(name: String = "memory") {
        displayName = name
    }

    /// Unique per store: two handles are the same store only when they share their contents.
    public var storeIdentity: StoreIdentity {
        StoreIdentity(kind: "memory", name: "\(displayName)#\(ObjectIdentifier(state).hashValue)")
    }

    public func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        guard let descriptor = try await manifestDescriptor(reference), let stored = await state.manifest(descriptor.digest) else {
            throw XArchError(.notFound, "\(displayName) has no manifest \(reference)")
        }
        return try ManifestDocument(bytes: stored.bytes, expected: descriptor)
    }

    public func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        let digest: Digest?
        switch reference {
        case .tag(let tag): digest = await state.tags[tag]
        case .digest(let d): digest = d
        }
        guard let digest, let stored = await state.manifest(digest) else { return nil }
        return Descriptor(mediaType: stored.mediaType, digest: digest, size: Int64(stored.bytes.count))
    }

    public func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        guard let bytes = await state.blobs[descriptor.digest] else {
            throw XArchError(.notFound, "\(displayName) has no blob \(descriptor.digest)")
        }
        return ByteStream(bytes: bytes)
    }

    public func blobSize(_ digest: Digest) async throws -> Int64? {
        await state.blobs[digest].map { Int64($0.count) }
    }

    public func tags() async throws -> [String] { await state.tags.keys.sorted() }

    public func hasBlob(_ digest: Digest) async throws -> Bool { await state.blobs[digest] != nil }

    public func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        let bytes = try await stream.collect(limit: Int(descriptor.size))
        try Self.check(bytes, against: descriptor)
        await state.put(blob: bytes, digest: descriptor.digest)
    }

    public func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        try Self.check(bytes, against: descriptor)
        await state.put(manifest: bytes, descriptor: descriptor, tag: tag)
    }

    /// How many blobs and manifests it holds.
    public func counts() async -> (blobs: Int, manifests: Int) {
        (await state.blobs.count, await state.manifests.count)
    }

    private static func check(_ bytes: [UInt8], against descriptor: Descriptor) throws {
        guard Int64(bytes.count) == descriptor.size, Digest.of(bytes, algorithm: descriptor.digest.algorithm) == descriptor.digest else {
            throw XArchError(.digestMismatch, "content for \(descriptor.digest) does not match its descriptor")
        }
    }

    private actor State {
        var blobs: [Digest: [UInt8]] = [:]
        var manifests: [Digest: (mediaType: MediaType, bytes: [UInt8])] = [:]
        var tags: [String: Digest] = [:]

        func manifest(_ digest: Digest) -> (mediaType: MediaType, bytes: [UInt8])? { manifests[digest] }

        func put(blob: [UInt8], digest: Digest) { blobs[digest] = blob }

        func put(manifest: [UInt8], descriptor: Descriptor, tag: String?) {
            manifests[descriptor.digest] = (descriptor.mediaType, manifest)
            if let tag { tags[tag] = descriptor.digest }
        }
    }
}
