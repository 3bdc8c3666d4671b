import XArchModel

/// A streaming tar writer: headers (`TarHeader.encoded`), content and padding handed to a sink in
/// order, with the content of each entry checked against the size its header announced.
///
/// The sink gets the archive's bytes as they are produced (a hasher and compressor, a file, a buffer);
/// nothing is kept here. `TarWriter.archive(_:)` collects a small archive in memory (fixtures, tests).
public struct TarWriter {
    /// One entry for `archive(_:)`: a header and its whole content.
    public struct Entry: Sendable {
        public var header: TarHeader
        public var content: [UInt8]

        public init(_ header: TarHeader, content: [UInt8] = []) {
            self.header = header
            self.content = content
        }

        /// A directory (`name/`), owned by root.
        public static func directory(_ name: String, mode: UInt32 = 0o755, uid: Int = 0, gid: Int = 0) -> Entry {
            Entry(TarHeader(name: name.hasSuffix("/") ? name : name + "/", kind: .directory, mode: mode, uid: uid, gid: gid))
        }

        /// A regular file with `content`.
        public static func file(_ name: String, _ content: [UInt8], mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0) -> Entry {
            Entry(TarHeader(name: name, kind: .regular, mode: mode, uid: uid, gid: gid, size: Int64(content.count)),
                  content: content)
        }

        /// A symbolic link to `target`.
        public static func symlink(_ name: String, to target: String) -> Entry {
            Entry(TarHeader(name: name, kind: .symbolicLink, mode: 0o777, linkName: target))
        }

        /// A hard link to the earlier entry `target`.
        public static func hardLink(_ name: String, to target: String, mode: UInt32 = 0o644) -> Entry {
            Entry(TarHeader(name: name, kind: .hardLink, mode: mode, linkName: target))
        }

        /// A whiteout (OCI image spec, layer.md, "Whiteouts"): `.wh.NAME` deletes `path` from the layers below.
        public static func whiteout(_ path: String) -> Entry {
            let (dir, base) = split(path)
            return .file(dir + ".wh." + base, [])
        }

        /// An opaque whiteout: `.wh..wh..opq` hides what lower layers have in directory `path`.
        public static func opaque(_ path: String) -> Entry {
            .file((path.hasSuffix("/") ? path : path + "/") + ".wh..wh..opq", [])
        }

        private static func split(_ path: String) -> (String, String) {
            guard let slash = path.lastIndex(of: "/") else { return ("", path) }
            return (String(path[...slash]), String(path[path.index(after: slash)...]))
        }
    }

    private let sink: ([UInt8]) throws -> Void
    private let format: TarHeader.Format
    private var contentLeft: Int64 = 0
    private var pendingPadding: Int64 = 0
    private var current = ""

    /// A writer handing every piece of the archive to `sink`.
    public init(format: TarHeader.Format = .pax, sink: @escaping ([UInt8]) throws -> Void) {
        self.format = format
        self.sink = sink
    }

    /// Starts an entry: writes its header. Its content (`header.size` bytes, none for links,
    /// directories and devices) follows with `writeContent`.
    public mutating func writeHeader(_ header: TarHeader) throws {
        try endEntry()
        try sink(header.encoded(format: format))
        let hasContent = header.kind == .regular || !TarEntry.Kind(header.kind).isHeaderOnly
        contentLeft = hasContent ? header.size : 0
        pendingPadding = TarHeader.padded(contentLeft) - contentLeft
        current = header.name
    }

    /// Writes the next bytes of the current entry's content.
    public mutating func writeContent(_ bytes: [UInt8]) throws {
        guard Int64(bytes.count) <= contentLeft else {
            throw XArchError(.invalidInput, "tar entry \(current) got more content than its header's \(contentLeft) remaining bytes")
        }
        contentLeft -= Int64(bytes.count)
        if !bytes.isEmpty { try sink(bytes) }
    }

    /// Writes one entry with all of its content.
    public mutating func write(_ entry: Entry) throws {
        try writeHeader(entry.header)
        try writeContent(entry.content)
    }

    /// Ends the archive (the two zero blocks). The last entry must be complete.
    public mutating func finish() throws {
        try endEntry()
        try sink(TarHeader.endOfArchive)
    }

    private mutating func endEntry() throws {
        guard contentLeft == 0 else {
            throw XArchError(.invalidInput, "tar entry \(current) is \(contentLeft) bytes short of the size its header announced")
        }
        if pendingPadding > 0 { try sink([UInt8](repeating: 0, count: Int(pendingPadding))) }
        pendingPadding = 0
    }

    /// A whole archive of `entries`, in memory (for small archives only).
    public static func archive(_ entries: [Entry], format: TarHeader.Format = .pax) throws -> [UInt8] {
        let buffer = Buffer()
        var writer = TarWriter(format: format) { buffer.bytes += $0 }
        for entry in entries { try writer.write(entry) }
        try writer.finish()
        return buffer.bytes
    }

    /// The collecting sink of `archive(_:)`; used by one writer on one thread.
    private final class Buffer {
        var bytes: [UInt8] = []
    }
}
