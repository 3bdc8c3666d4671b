/// One entry of a tar archive as the reader yields it: its metadata (extended headers applied) and,
/// from `TarReader.next()`, a bounded prefix of its content.
public struct TarEntry: Sendable, Hashable {
    /// Entry types (POSIX.1-2001 `typeflag`).
    public enum Kind: Sendable, Hashable {
        case regular, hardLink, symlink, characterDevice, blockDevice, directory, fifo
        /// Any other type (GNU sparse, volume labels, vendor types), kept by its flag byte.
        case other(UInt8)

        /// The kind a header's type flag names (`'0'`, `NUL` and `'7'` are regular files).
        public init(_ kind: TarHeader.Kind) {
            switch kind {
            case .regular, TarHeader.Kind(rawValue: 0), TarHeader.Kind(rawValue: UInt8(ascii: "7")): self = .regular
            case .hardLink: self = .hardLink
            case .symbolicLink: self = .symlink
            case .characterDevice: self = .characterDevice
            case .blockDevice: self = .blockDevice
            case .directory: self = .directory
            case .fifo: self = .fifo
            default: self = .other(kind.rawValue)
            }
        }

        /// Types whose header carries no content, whatever its size field says (as Go's archive/tar).
        public var isHeaderOnly: Bool {
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
    /// Content size in bytes (0 for the header-only kinds).
    public var size: Int64
    /// Symlink target or hard-link source; empty for other types.
    public var linkTarget: String
    /// The first bytes of the content (at most the reader's prefix limit): enough for ELF and PE
    /// headers and `#!` lines. The rest is skipped, never buffered. Empty from `nextHeader()`.
    public var prefix: [UInt8]
    /// Numeric owner (pax `uid`/`gid` applied).
    public var uid: Int
    public var gid: Int
    /// Seconds since the epoch (pax `mtime`, whole seconds, applied).
    public var modificationTime: Int64
    /// Device numbers of character and block devices.
    public var deviceMajor: Int
    public var deviceMinor: Int

    /// An entry; the metadata defaults are those of an entry written by root at the epoch.
    public init(path: String, kind: Kind, mode: UInt32, size: Int64, linkTarget: String = "", prefix: [UInt8] = [],
                uid: Int = 0, gid: Int = 0, modificationTime: Int64 = 0, deviceMajor: Int = 0, deviceMinor: Int = 0) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.size = size
        self.linkTarget = linkTarget
        self.prefix = prefix
        self.uid = uid
        self.gid = gid
        self.modificationTime = modificationTime
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
    }
}
