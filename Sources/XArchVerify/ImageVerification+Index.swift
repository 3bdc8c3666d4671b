import XArchContent
import XArchModel

/// One image of the verified reference: its descriptor, manifest, and platforms.
struct PlatformImage: Sendable {
    var descriptor: Descriptor
    var manifest: ImageManifest
    /// The platform hosts select it by: the descriptor's, else the config's.
    var platform: Platform
}

extension ImageVerification {
    /// Deepest nesting of indexes followed.
    static let maxIndexDepth = ImageIndex.maximumNesting

    /// The images under `document` (an index, nested indexes flattened, or one image), with the
    /// consistency findings: descriptor vs config platform, attestations that point nowhere.
    static func collect(_ descriptor: Descriptor, document: ManifestDocument, image: OpenedImage, depth: Int,
                        findings: inout [VerifyFinding]) async throws -> [PlatformImage] {
        switch document.content {
        case .image(let manifest):
            guard isContainerImage(manifest) else { return [] }
            let config = try await image.config(of: manifest).platform
            if let declared = descriptor.platform, let difference = difference(declared, config) {
                findings.append(.init(.error, .platformMismatch, platform: declared.formatted,
                                      message: "the index lists \(descriptor.digest) as \(declared.formatted), but its config says \(config.formatted) (\(difference)): \(declared.formatted) hosts would pull an image built for \(config.formatted)"))
            }
            let platform = PlatformSource.platform(of: descriptor, config: config).0 ?? config
            return [PlatformImage(descriptor: descriptor, manifest: manifest, platform: platform)]
        case .index(let index):
            guard depth < maxIndexDepth else {
                throw XArchError(.unsupported, "\(descriptor.digest) nests indexes more than \(maxIndexDepth) deep")
            }
            let entries = IndexEntries(index)
            for orphan in entries.orphanAttestations {
                let target = orphan.descriptor.annotations?[AnnotationKey.dockerReferenceDigest] ?? "nothing"
                findings.append(.init(.error, .danglingAttestation,
                                      message: "attestation entry \(orphan.descriptor.digest) describes \(target), which is not an image of this index"))
            }
            var images: [PlatformImage] = []
            for entry in entries.platforms where entry.descriptor.mediaType.isManifest {
                let child = try await image.child(entry.descriptor)
                images += try await collect(entry.descriptor, document: child, image: image, depth: depth + 1, findings: &findings)
            }
            return images
        }
    }

    /// Artifacts (Helm charts, signatures) are not container images: their content is not a filesystem.
    static func isContainerImage(_ manifest: ImageManifest) -> Bool {
        manifest.config.mediaType == .ociConfig || manifest.config.mediaType == .dockerConfig
    }

    /// How two platforms differ, or nil when they are the same: os and architecture normalized, the
    /// variant when the config states one, `os.version` when both do.
    static func difference(_ declared: Platform, _ config: Platform) -> String? {
        let d = declared.normalized, c = config.normalized
        if d.os != c.os { return "os \(d.os) vs \(c.os)" }
        if d.architecture != c.architecture { return "architecture \(d.architecture) vs \(c.architecture)" }
        if !config.variant.isEmpty, d.variant != c.variant {
            return "variant \(d.variant.isEmpty ? "(none)" : d.variant) vs \(c.variant)"
        }
        if !d.osVersion.isEmpty, !c.osVersion.isEmpty, d.osVersion != c.osVersion { return "os.version \(d.osVersion) vs \(c.osVersion)" }
        return nil
    }

    /// A finding for each required platform no image has.
    static func coverage(_ required: [Platform], _ images: [PlatformImage]) -> [VerifyFinding] {
        let have = images.map(\.platform.formatted)
        return required.compactMap { wanted in
            guard !images.contains(where: { PlatformMatcher.onlyStrict(wanted).matches($0.platform) }) else { return nil }
            let name = wanted.normalized.formatted
            return VerifyFinding(.error, .missingPlatform, platform: name,
                                 message: "required platform \(name) is missing (the image has: \(have.isEmpty ? "none" : have.joined(separator: ", ")))")
        }
    }
}
