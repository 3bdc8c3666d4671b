import XArchArchive
import XArchContent
import XArchModel

/// Makes a `LayerSummary` from a layer's bytes in one streaming pass: decompression (gzip, zstd or
/// none), the tar reader, path cleaning, and `FileFacts` from each file's first bytes.
public enum LayerScanner {
    /// How many bytes of each file are looked at: ELF and program headers, `PT_INTERP`, PE headers
    /// and `#!` lines all sit in the first KiBs.
    public static let prefixLimit = 16 * 1024

    /// Reads `stream` (the layer blob `digest`) to its end. Throws `invalidInput` for archives that
    /// are corrupt, truncated or hostile beyond a finding, `tooLarge` for decompression bombs and
    /// oversized metadata.
    public static func summarize(_ stream: ByteStream, digest: Digest,
                                 limits: DecompressionLimits = .standard) async throws -> LayerSummary {
        let tar = TarReader(LayerDecompression.decompress(stream, limits: limits), prefixLimit: prefixLimit)
        var summary = LayerSummary(digest: digest)
        while let entry = try await tar.next() {
            add(entry, to: &summary)
        }
        summary.tarBytes = tar.offset
        return summary
    }

    /// Adds one tar entry: whiteouts and opaque markers by name, every other entry by type.
    static func add(_ entry: TarEntry, to summary: inout LayerSummary) {
        let name = TarPath.clean(entry.path)
        if case .path(let cleaned, wasAbsolute: true) = name {
            summary.issues.append(.init(severity: .warning, kind: .unsafePath, path: entry.path,
                                        message: "the layer has an absolute entry name '\(entry.path)'; extractors place it at /\(cleaned)"))
        }
        if entry.kind == .hardLink, entry.linkTarget.hasPrefix("/") {
            summary.issues.append(.init(severity: .error, kind: .unsafePath, path: entry.path,
                                        message: "the layer has a hard link '\(entry.path)' to the absolute name '\(entry.linkTarget)'; umoci refuses it and GNU tar strips the '/': extractors disagree on it"))
        }
        switch LayerEntryMeaning.of(entry, cleaned: name, file: { FileFacts(mode: $0.mode, size: $0.size, prefix: $0.prefix) }) {
        case .nothing:
            return
        case .escapingName:
            summary.issues.append(.init(severity: .error, kind: .unsafePath, path: entry.path,
                                        message: "the layer has an entry named '\(entry.path)', which climbs out of the image root; docker and containerd refuse to extract it"))
        case .escapingLink:
            summary.issues.append(.init(severity: .error, kind: .unsafePath, path: entry.path,
                                        message: "the layer has a hard link '\(entry.path)' to '\(entry.linkTarget)', outside the image root; docker and containerd refuse to extract it"))
        case .change(let change, _):
            summary.entries.append(change)
        }
    }
}
