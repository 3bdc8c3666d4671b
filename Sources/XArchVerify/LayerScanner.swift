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
        let path: String
        switch TarPath.clean(entry.path) {
        case .escapes:
            summary.issues.append(.init(severity: .error, kind: .unsafePath, path: entry.path,
                                        message: "the layer has an entry named '\(entry.path)', which climbs out of the image root; docker and containerd refuse to extract it"))
            return
        case .path(let cleaned, let wasAbsolute):
            if wasAbsolute {
                summary.issues.append(.init(severity: .warning, kind: .unsafePath, path: entry.path,
                                            message: "the layer has an absolute entry name '\(entry.path)'; extractors place it at /\(cleaned)"))
            }
            guard !cleaned.isEmpty else { return }
            path = cleaned
        }
        let (parent, base) = split(path)
        if base == ".wh..wh..opq" {
            summary.entries.append(.init(path: parent, change: .opaque))
            return
        }
        if base.hasPrefix(".wh.") {
            // Other `.wh..wh.` names are aufs metadata (hard-link bookkeeping), not changes.
            if !base.hasPrefix(".wh..wh.") {
                summary.entries.append(.init(path: join(parent, String(base.dropFirst(4))), change: .whiteout))
            }
            return
        }
        switch entry.kind {
        case .regular:
            summary.entries.append(.init(path: path, change: .file(FileFacts(mode: entry.mode, size: entry.size, prefix: entry.prefix))))
        case .directory:
            summary.entries.append(.init(path: path, change: .directory))
        case .symlink:
            summary.entries.append(.init(path: path, change: .symlink(target: entry.linkTarget)))
        case .hardLink:
            guard case .path(let target, _) = TarPath.clean(entry.linkTarget), !target.isEmpty else {
                summary.issues.append(.init(severity: .error, kind: .unsafePath, path: entry.path,
                                            message: "the layer has a hard link '\(entry.path)' to '\(entry.linkTarget)', outside the image root; docker and containerd refuse to extract it"))
                return
            }
            summary.entries.append(.init(path: path, change: .hardLink(target: target)))
        case .characterDevice, .blockDevice, .fifo, .other:
            summary.entries.append(.init(path: path, change: .special))
        }
    }

    static func split(_ path: String) -> (parent: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    static func join(_ parent: String, _ name: String) -> String { parent.isEmpty ? name : parent + "/" + name }
}
