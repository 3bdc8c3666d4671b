/// One entry of a tar layer as the reader yields it: metadata and a bounded prefix of its content.
public struct TarEntry: Sendable, Hashable {
    /// Entry types (POSIX.1-2001 `typeflag`).
    public enum Kind: Sendable, Hashable {
        case regular, hardLink, symlink, characterDevice, blockDevice, directory, fifo
        /// Any other type (GNU sparse, volume labels, vendor types), kept by its flag byte.
        case other(UInt8)

        init(typeflag: UInt8) {
            switch typeflag {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): self = .regular
            case UInt8(ascii: "1"): self = .hardLink
            case UInt8(ascii: "2"): self = .symlink
            case UInt8(ascii: "3"): self = .characterDevice
            case UInt8(ascii: "4"): self = .blockDevice
            case UInt8(ascii: "5"): self = .directory
            case UInt8(ascii: "6"): self = .fifo
            default: self = .other(typeflag)
            }
        }

        /// Types whose header carries no content, whatever its size field says (as Go's archive/tar).
        var isHeaderOnly: Bool {
            switch self {
            case .hardLink, .symlink, .characterDevice, .blockDevice, .directory, .fifo: return true
            case .regular, .other: return false
            }
        }
    }

    /// The name as stored (after pax `path` and GNU long names), not yet cleaned: see `TarPath`.
    public var path: String
    public var kind: Kind
    /// Permission bits (`0o7777`).
    public var mode: UInt32
    /// Content size in bytes.
    public var size: Int64
    /// Symlink target or hard-link source; empty for other types.
    public var linkTarget: String
    /// The first bytes of the content (at most the reader's prefix limit): enough for ELF and PE
    /// headers and `#!` lines. The rest is skipped, never buffered.
    public var prefix: [UInt8]
}
