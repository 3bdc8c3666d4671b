import XArchContent
import XArchModel

extension ImageCopy {
    /// Copies between two locations (registry or layout, either way round), opened by `resolver`. A
    /// layout destination is created when missing; its tag, or the registry destination's tag, names
    /// the copy (default: the source's tag).
    public static func copy(from source: ImageLocation, to destination: ImageLocation, resolver: any StoreResolving,
                            options: CopyOptions = CopyOptions(),
                            progress: (@Sendable (CopyEvent) -> Void)? = nil) async throws -> CopyReport {
        let opened = try resolver.open(source)
        let reference: ManifestReference
        if let r = opened.reference {
            reference = r
        } else {
            reference = .digest(try await opened.root().digest)
        }
        let target = try resolver.openDestination(destination, tags: .optional, access: .create)
        guard let store = target.store else {
            throw XArchError(.invalidInput, "cannot open the destination \(destination)")
        }
        return try await copy(from: opened.source, reference: reference, to: store, tag: target.tag,
                              options: options, progress: progress)
    }
}
