import XArchLayout
import XArchModel

/// `xarch layout gc`: garbage collection of an OCI image layout.
public enum LayoutGarbage {
    /// Removes (or with `dryRun` lists) the blobs of the layout at `path` that nothing reachable from its
    /// `index.json` names and the temporary files of writers that died (`OCILayout.collectGarbage`).
    /// `path` may be given as `oci:PATH`; a tag or digest is refused (the whole layout is collected).
    public static func collect(_ path: String, dryRun: Bool, grace: Double) throws -> LayoutCollection {
        var directory = path
        if directory.hasPrefix("oci:") { directory.removeFirst(4) }
        return try OCILayout.open(at: directory).collectGarbage(dryRun: dryRun, grace: grace)
    }
}
