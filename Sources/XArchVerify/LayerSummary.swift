import XArchArchive
import XArchModel

/// Everything the content scan needs from one layer, made by one streaming pass over it and shared
/// by every platform that uses the layer: its entries in order (paths cleaned, content reduced to
/// `FileFacts`) and the problems of the archive itself.
public struct LayerSummary: Sendable {
    /// One change the layer makes to the file system, a regular file reduced to its `FileFacts`.
    public typealias Entry = LayerChange<FileFacts>

    /// A problem with the archive itself (unsafe names).
    public struct Issue: Sendable, Hashable {
        public var severity: VerifyFinding.Severity
        public var kind: VerifyFinding.Kind
        public var path: String
        public var message: String
    }

    public var digest: Digest
    public var entries: [Entry]
    public var issues: [Issue]
    /// Bytes of the uncompressed tar archive.
    public var tarBytes: Int64

    public init(digest: Digest, entries: [Entry] = [], issues: [Issue] = [], tarBytes: Int64 = 0) {
        self.digest = digest
        self.entries = entries
        self.issues = issues
        self.tarBytes = tarBytes
    }
}
