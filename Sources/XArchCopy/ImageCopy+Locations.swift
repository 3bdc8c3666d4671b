import XArchContent
import XArchModel

extension ImageCopy {
    /// Copies between two locations (registry, layout or archive, either way round), opened by
    /// `resolver`. A layout destination is created when missing; its tag, or the registry destination's
    /// tag, names the copy (default: the source's tag). An archive destination is written whole when
    /// the copy is complete (`StagedContentSink`); one that holds a single image (`docker-archive`)
    /// takes one platform of an index, chosen as `xarch resolve` chooses (`onePlatform`).
    public static func copy(from source: ImageLocation, to destination: ImageLocation, resolver: any StoreResolving,
                            options: CopyOptions = CopyOptions(),
                            progress: (@Sendable (CopyEvent) -> Void)? = nil) async throws -> CopyReport {
        let opened = try resolver.open(source)
        var reference: ManifestReference
        if let r = opened.reference {
            reference = r
        } else {
            reference = .digest(try await opened.root().digest)
        }
        let target = try resolver.openDestination(destination, tags: .optional, access: .create)
        guard let store = target.store else {
            throw XArchError(.invalidInput, "cannot open the destination \(destination)")
        }
        var (report, written): (CopyReport, [String]) = try await target.finishing { () async throws -> CopyReport in
            var options = options
            var notes: [String] = []
            if let single = store as? any SinglePlatformSink, let host = single.singlePlatformDefault,
               let (chosen, note) = try await onePlatform(of: opened, for: options.platforms, host: host, destination: target.storeName) {
                reference = .digest(chosen)
                options.platforms = nil
                notes.append(note)
            }
            // An archive named without a tag takes the source's, or `latest` for a source named by digest.
            var tag = target.tag
            if tag == nil, store is any StagedContentSink, case .digest = reference { tag = ImageReference.defaultTag }
            var report = try await copy(from: opened.source, reference: reference, to: store, tag: tag,
                                        options: options, progress: progress)
            if !notes.isEmpty { report.notes = notes }
            return report
        }
        if !written.isEmpty { report.notes = (report.notes ?? []) + written }
        return report
    }

    /// The image of `image` a one-platform destination takes: nil when the root is an image already;
    /// for an index, the entry containerd's `Only` matcher ranks first for the one platform asked for,
    /// or for `host` when none is (as `xarch resolve` picks), with a note naming it.
    static func onePlatform(of image: OpenedImage, for requested: [Platform]?, host: Platform,
                            destination: String) async throws -> (Digest, String)? {
        let offered = try await image.platforms()
        guard offered.isIndex else { return nil }
        guard (requested?.count ?? 0) <= 1 else {
            throw XArchError(.invalidInput, "\(destination) holds one platform; name one with --platform, not \(requested?.count ?? 0)")
        }
        let platform = requested?.first ?? host
        let selection = offered.selection(for: platform, strict: false)
        guard let chosen = selection.chosen else {
            let have = selection.candidates.compactMap { $0.platform?.formatted }
            throw XArchError(.notFound, "\(image.name) has no image for \(platform.normalized.formatted) (it has: \(have.isEmpty ? "no platforms at all" : have.joined(separator: ", "))); \(destination) holds one platform: name it with --platform")
        }
        let name = chosen.platform?.formatted ?? "unknown"
        let why = requested?.first == nil ? "the host platform \(platform.normalized.formatted)" : "--platform \(platform.normalized.formatted)"
        return (chosen.descriptor.digest, "\(destination) holds one platform: took \(name) (\(chosen.descriptor.digest)) from the index, matched for \(why) as xarch resolve matches")
    }
}
