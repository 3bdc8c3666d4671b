import XArchArchive
import XArchContent

/// Builds tar archives for tests from the real encoder (`TarHeader.encoded`), plus the hostile cases
/// the encoder never writes: headers with any size field, extended headers with any records.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    private mutating func add(_ header: TarHeader, _ content: [UInt8] = []) {
        bytes += header.encoded() + content + TarHeader.padding(for: Int64(content.count))
    }

    mutating func file(_ name: String, _ content: [UInt8], mode: UInt32 = 0o755) {
        add(TarHeader(name: name, kind: .regular, mode: mode, size: Int64(content.count)), content)
    }
    mutating func directory(_ name: String) { add(TarHeader(name: name, kind: .directory, mode: 0o755)) }
    mutating func symlink(_ name: String, to target: String) {
        add(TarHeader(name: name, kind: .symbolicLink, mode: 0o777, linkName: target))
    }
    mutating func hardLink(_ name: String, to target: String) {
        add(TarHeader(name: name, kind: .hardLink, mode: 0o755, linkName: target))
    }
    mutating func whiteout(_ path: String) { add(TarWriter.Entry.whiteout(path).header) }
    mutating func opaque(_ dir: String) { add(TarWriter.Entry.opaque(dir).header) }

    /// A pax extended header (`x`, or `g` for a global one) with `records`; the entry it describes follows.
    mutating func pax(_ records: [(String, String)], type: Character = "x") {
        let data = records.flatMap { PaxRecords.record($0.0, $0.1) }
        raw(type: type, size: data.count, content: data)
    }

    /// A GNU long name (`L`) or long link (`K`) entry.
    mutating func gnuLong(_ type: Character, _ value: String) {
        let data = Array(value.utf8) + [0]
        raw(type: type, size: data.count, content: data, name: "././@LongLink")
    }

    /// A header with `size` in its size field (or the raw `sizeField` bytes) and `content` after it,
    /// which may be shorter than announced: truncation.
    mutating func raw(type: Character, size: Int, content: [UInt8], name: String = "entry", sizeField: [UInt8]? = nil) {
        var h = Self.header(name: name, size: size, mode: 0o644, type: type)
        if let sizeField {
            for i in 0..<12 { h[124 + i] = i < sizeField.count ? sizeField[i] : 0 }
            TarHeader.setChecksum(&h)
        }
        bytes += h + content + TarHeader.padding(for: Int64(content.count))
    }

    mutating func end() { bytes += TarHeader.endOfArchive }

    var archive: [UInt8] { bytes + TarHeader.endOfArchive }

    /// One ustar header block of type `type`.
    static func header(name: String, size: Int, mode: UInt32, type: Character, link: String = "") -> [UInt8] {
        TarHeader(name: name, kind: TarHeader.Kind(rawValue: type.asciiValue!), mode: mode, size: Int64(size),
                  linkName: link).encoded()
    }
}

/// gzip of test bytes with the real compressor.
enum GzipWriter {
    static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        // The compressor only fails when zlib cannot allocate its state.
        (try? GzipDeflater.gzip(bytes, level: level)) ?? []
    }
}

/// Where the busybox fixtures are: `$XARCH_FIXTURES`, else the repository's `fixtures/` (made by
/// `scripts/fixtures`; tests that need them are skipped when they are absent outside `scripts/test`).
enum Fixtures {
    static let root: String = ProcessInfo.processInfo.environment["XARCH_FIXTURES"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures").path

    /// Whether the busybox builds are there (always under `scripts/test`, which fails without them).
    static let available = FileManager.default.fileExists(atPath: "\(root)/busybox/amd64/busybox")
        || ProcessInfo.processInfo.environment["XARCH_INTEGRATION"] == "1"

    static func busybox(_ debianArch: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: "\(root)/busybox/\(debianArch)/busybox")))
    }

    /// Debian architecture → OCI platform, as fixtures/manifest.json lists them.
    static let platforms: [(debian: String, platform: String)] = [
        ("amd64", "linux/amd64"), ("arm64", "linux/arm64/v8"), ("armhf", "linux/arm/v7"), ("armel", "linux/arm/v5"),
        ("i386", "linux/386"), ("ppc64el", "linux/ppc64le"), ("s390x", "linux/s390x"), ("mips64el", "linux/mips64le"),
    ]
}

import Foundation

/// A ByteStream over bytes, in chunks of `size` (1 for the harshest test).
func stream(_ bytes: [UInt8], chunk size: Int = 64 * 1024) -> ByteStream { ByteStream(bytes: bytes, chunkSize: size) }
