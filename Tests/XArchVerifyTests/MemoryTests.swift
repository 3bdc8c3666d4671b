import Foundation
import Testing
import XArchContent
import XArchModel
import XArchTestSupport
@testable import XArchVerify

/// Peak memory while a 300 MiB layer streams through the scanner (generated on the fly, never held).
@Suite("memory stays bounded", .serialized)
struct MemoryTests {
    /// A `/proc/self/status` value (`VmHWM`: peak resident set, `VmRSS`: resident set), in bytes.
    static func status(_ key: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
        return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
    }

    /// Resets `VmHWM` to the current resident set (Linux 4.0+: `echo 5 > /proc/self/clear_refs`).
    static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

    /// A tar stream of `files` files of 1 MiB each (an ELF header in front of each), made chunk by chunk.
    static func generatedLayer(files: Int) -> ByteStream {
        let elf = (try? Fixtures.busybox("amd64").prefix(4096)).map(Array.init) ?? []
        return ByteStream {
            let state = Generator(files: files, elf: elf)
            return { state.next() }
        }
    }

    final class Generator: @unchecked Sendable {
        let files: Int
        let body: [UInt8]
        var index = 0, part = 0
        init(files: Int, elf: [UInt8]) {
            self.files = files
            body = elf + [UInt8]((0..<(1 << 20) - elf.count).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        }
        func next() -> [UInt8]? {
            guard index < files else {
                defer { index += 1 }
                return index == files ? [UInt8](repeating: 0, count: 1024) : nil
            }
            defer { part += 1; if part == 5 { part = 0; index += 1 } }
            switch part {
            case 0: return TarBuilder.header(name: "data/file\(index)", size: body.count, mode: 0o755, type: "0")
            default: return Array(body[(part - 1) * (1 << 18)..<part * (1 << 18)])  // four 256 KiB pieces
            }
        }
    }

    @Test func scanning300MiBKeepsPeakGrowthSmall() async throws {
        let before = Self.status("VmRSS")
        Self.resetPeak()
        let summary = try await LayerScanner.summarize(Self.generatedLayer(files: 300), digest: Digest.of([UInt8]()))
        let growth = Self.status("VmHWM") - before
        #expect(summary.entries.count == 300)
        #expect(summary.tarBytes > 300 << 20)
        print("memory: peak RSS grew by \(growth >> 10) KiB while scanning \(summary.tarBytes >> 20) MiB")
        #expect(growth < 64 << 20, "peak RSS grew by \(growth >> 20) MiB")
    }
}
