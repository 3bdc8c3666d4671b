import XArchModel

/// A manifest to write, with its exact bytes, and what must be in the destination before it.
struct CopyManifest: Sendable {
    /// Media type, digest and size of the bytes, and nothing else: the annotations and platform an
    /// index gives its entries belong to that index, not to the manifest.
    let descriptor: Descriptor
    let bytes: [UInt8]
    /// Blobs it names (config and distributable layers); empty for an index.
    var blobs: [Digest] = []
    /// Child manifests to write first; those the destination has are left out.
    var children: [Digest] = []

    init(_ document: ManifestDocument) {
        descriptor = document.descriptor
        bytes = document.bytes
    }
}

/// The copy graph, deduplicated by digest: blobs to transfer and manifests to write, every manifest
/// after its children (post-order), so the root of a walk comes last.
package struct CopyPlan: Sendable {
    private(set) var manifests: [CopyManifest] = []
    private(set) var blobs: [Descriptor] = []
    /// Child manifests the destination has already, whose content was not walked.
    private(set) var present: [Descriptor] = []
    /// Non-distributable layers with `urls`, which are not copied.
    private(set) var nonDistributable: [Descriptor] = []
    private var written: Set<Digest> = []
    private var seen: Set<Digest> = []
    private var seenPresent: Set<Digest> = []
    private var seenForeign: Set<Digest> = []

    /// An empty plan.
    package init() {}

    /// Whether the plan writes the manifest `digest`.
    func writes(_ digest: Digest) -> Bool { written.contains(digest) }

    /// Total size of the blobs to consider.
    var blobBytes: Int64 { blobs.reduce(0) { $0 + $1.size } }

    mutating func add(_ manifest: CopyManifest) {
        if written.insert(manifest.descriptor.digest).inserted { manifests.append(manifest) }
    }

    mutating func add(blob: Descriptor) {
        if seen.insert(blob.digest).inserted { blobs.append(blob) }
    }

    mutating func add(present descriptor: Descriptor) {
        if seenPresent.insert(descriptor.digest).inserted { present.append(descriptor) }
    }

    mutating func add(foreign descriptor: Descriptor) {
        if seenForeign.insert(descriptor.digest).inserted { nonDistributable.append(descriptor) }
    }

    /// Appends `other` after what is here, keeping the first occurrence of each digest.
    package mutating func merge(_ other: CopyPlan) {
        other.manifests.forEach { add($0) }
        other.blobs.forEach { add(blob: $0) }
        other.present.forEach { add(present: $0) }
        other.nonDistributable.forEach { add(foreign: $0) }
    }
}
