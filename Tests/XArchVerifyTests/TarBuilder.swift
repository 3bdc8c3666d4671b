import CZlib
import XArchContent

/// Writes tar archives for tests: ustar headers of every type, pax and GNU extended headers, and raw
/// headers with any field value (for the hostile corpus). Extends the TinyTar of XArchTestSupport.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    mutating func file(_ name: String, _ content: [UInt8], mode: Int = 0o755) {
        bytes += Self.header(name: name, size: content.count, mode: mode, type: "0")
        bytes += content + Self.padding(content.count)
    }
    mutating func directory(_ name: String) { bytes += Self.header(name: name, size: 0, mode: 0o755, type: "5") }
    mutating func symlink(_ name: String, to target: String) {
        bytes += Self.header(name: name, size: 0, mode: 0o777, type: "2", link: target)
    }
    mutating func hardLink(_ name: String, to target: String) {
        bytes += Self.header(name: name, size: 0, mode: 0o755, type: "1", link: target)
    }
    mutating func whiteout(_ path: String) {
        let (dir, base) = path.contains("/") ? (String(path[..<path.lastIndex(of: "/")!]) + "/", String(path[path.index(after: path.lastIndex(of: "/")!)...])) : ("", path)
        bytes += Self.header(name: dir + ".wh." + base, size: 0, mode: 0o644, type: "0")
    }
    mutating func opaque(_ dir: String) { bytes += Self.header(name: dir + "/.wh..wh..opq", size: 0, mode: 0o644, type: "0") }

    /// A pax extended header (`x`) with `records`, then the entry it describes.
    mutating func pax(_ records: [(String, String)], type: Character = "x") {
        var data: [UInt8] = []
        for (key, value) in records {
            let body = " \(key)=\(value)\n"
            var length = body.utf8.count + 1
            while String(length).count + body.utf8.count != length { length += 1 }
            data += Array("\(length)\(body)".utf8)
        }
        raw(type: type, size: data.count, content: data)
    }

    /// A GNU long name (`L`) or long link (`K`) entry.
    mutating func gnuLong(_ type: Character, _ value: String) {
        let data = Array(value.utf8) + [0]
        raw(type: type, size: data.count, content: data, name: "././@LongLink")
    }

    /// A header with `size` in its size field and `content` after it (which may be shorter: truncation).
    mutating func raw(type: Character, size: Int, content: [UInt8], name: String = "entry", sizeField: [UInt8]? = nil) {
        var h = Self.header(name: name, size: size, mode: 0o644, type: type)
        if let sizeField {
            for i in 0..<12 { h[124 + i] = i < sizeField.count ? sizeField[i] : 0 }
            Self.checksum(&h)
        }
        bytes += h + content + Self.padding(content.count)
    }

    mutating func end() { bytes += [UInt8](repeating: 0, count: 1024) }

    var archive: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    static func padding(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: (512 - count % 512) % 512) }

    static func header(name: String, size: Int, mode: Int, type: Character, link: String = "") -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (i, b) in text.utf8.prefix(length).enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits, offset, length - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8); octal(0, 108, 8); octal(0, 116, 8)
        octal(size, 124, 12); octal(0, 136, 12)
        put(String(type), 156, 1)
        put(link, 157, 100)
        put("ustar", 257, 6); put("00", 263, 2)
        checksum(&h)
        return h
    }

    static func checksum(_ h: inout [UInt8]) {
        for i in 148..<156 { h[i] = 0x20 }
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        for (i, b) in (String(repeating: "0", count: 6 - digits.count) + digits).utf8.enumerated() { h[148 + i] = b }
        h[154] = 0; h[155] = 0x20
    }
}

/// gzip with zlib's deflate, streaming: feed chunks, collect output.
final class GzipWriter {
    private var stream = z_stream()
    private(set) var output: [UInt8] = []

    init(level: Int32 = 6) {
        // deflateInit2(strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), a macro in zlib.h.
        _ = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    }
    deinit { deflateEnd(&stream) }

    func write(_ input: [UInt8], finish: Bool = false) {
        var input = input
        var out = [UInt8](repeating: 0, count: 64 * 1024)
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            repeat {
                let produced = out.withUnsafeMutableBufferPointer { o -> Int in
                    stream.next_out = o.baseAddress
                    stream.avail_out = UInt32(o.count)
                    _ = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    return o.count - Int(stream.avail_out)
                }
                output += out[0..<produced]
            } while stream.avail_out == 0 || (finish && stream.avail_in > 0)
        }
    }

    static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        let w = GzipWriter(level: level)
        w.write(bytes, finish: true)
        return w.output
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
