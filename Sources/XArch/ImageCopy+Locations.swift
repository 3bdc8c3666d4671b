import XArchContent
import XArchLayout
import XArchModel
import XArchRegistry

extension ImageCopy {
    /// Copies between two locations (registry or layout, either way round). A layout destination is
    /// created when missing; its tag, or the registry destination's tag, names the copy (default: the
    /// source's tag).
    public static func copy(from source: ImageLocation, to destination: ImageLocation, session: RegistrySession,
                            options: CopyOptions = CopyOptions(),
                            progress: (@Sendable (CopyEvent) -> Void)? = nil) async throws -> CopyReport {
        let opened = try OpenedImage.open(source, session: session)
        let reference: ManifestReference
        if let r = opened.reference {
            reference = r
        } else {
            reference = .digest(try await opened.root().digest)
        }
        let (store, tag) = try openDestination(destination, session: session)
        return try await copy(from: opened.source, reference: reference, to: store, tag: tag,
                              options: options, progress: progress)
    }

    static func openDestination(_ location: ImageLocation, session: RegistrySession) throws -> (any ContentStore, String?) {
        switch location {
        case .layout(let layout):
            guard layout.digest == nil else {
                throw XArchError(.invalidInput, "the destination \(location) names a digest; name a tag (oci:PATH:TAG) or nothing")
            }
            return (try OCILayout.openOrCreate(at: layout.path), layout.tag)
        case .registry(let ref):
            guard ref.digest == nil else {
                throw XArchError(.invalidInput, "the destination \(ref) names a digest; push to a tag instead (the digest follows from the content)")
            }
            return (session.repository(ref), ref.tag)
        }
    }
}
