import Foundation
import Testing
import XArchModel
@testable import XArchVerify

@Suite("ELF headers and the platform table", Fixtures.required)
struct ELFHeaderTests {
    func parse(_ bytes: [UInt8], prefix: Int = 16 * 1024) -> ELFParseResult {
        ELFHeader.parse(prefix: Array(bytes.prefix(prefix)), fileSize: Int64(bytes.count))
    }

    func header(_ debian: String) throws -> ELFHeader {
        guard case .elf(let h) = parse(try Fixtures.busybox(debian)) else { throw XArchError(.invalidInput, "\(debian) is not ELF") }
        return h
    }

    static let descriptions: [(String, String)] = [
        ("amd64", "ELF 64-bit LSB x86-64 executable, statically linked"),
        ("arm64", "ELF 64-bit LSB ARM aarch64 executable, statically linked"),
        ("armhf", "ELF 32-bit LSB ARM (EABI5, hard-float) executable, statically linked"),
        ("armel", "ELF 32-bit LSB ARM (EABI5, soft-float) executable, statically linked"),
        ("i386", "ELF 32-bit LSB Intel 80386 executable, statically linked"),
        ("ppc64el", "ELF 64-bit LSB 64-bit PowerPC (ELFv2) executable, statically linked"),
        ("s390x", "ELF 64-bit MSB IBM S/390 executable, statically linked"),
        ("mips64el", "ELF 64-bit LSB MIPS (MIPS64 rel2) executable, statically linked"),
    ]

    @Test(arguments: descriptions)
    func busyboxFixturesAreDescribedLikeFile(_ debian: String, _ description: String) throws {
        #expect(try header(debian).description == description)
    }

    /// Every busybox build fits its own platform and no other, except the documented relations.
    @Test(arguments: Fixtures.platforms)
    func eachBuildFitsOnlyItsPlatform(_ debian: String, _ platform: String) throws {
        let expected = try #require(ELFArchitecture.expected(for: Platform(parsing: platform)))
        for other in Fixtures.platforms {
            let mismatch = expected.check(try header(other.debian))
            switch (debian, other.debian) {
            case _ where debian == other.debian: #expect(mismatch == nil, "\(other.debian) on \(platform)")
            case ("armhf", "armel"), ("armel", "armhf"): #expect(mismatch?.kind == .floatABI)
            case ("amd64", "i386"): #expect(mismatch?.kind == .compatibleArchitecture)
            case ("arm64", "armhf"), ("arm64", "armel"): #expect(mismatch?.kind == .compatibleArchitecture)
            default: #expect(mismatch?.kind == .wrongArchitecture, "\(other.debian) on \(platform)")
            }
        }
    }

    @Test func armV6AcceptsBothFloatABIs() throws {
        let v6 = try #require(ELFArchitecture.expected(for: Platform(parsing: "linux/arm/v6")))
        let (hf, el) = (try header("armhf"), try header("armel"))
        #expect(v6.check(hf) == nil && v6.check(el) == nil)
    }

    @Test func systemDynamicBinaryNamesItsLoader() throws {
        let ls = try Array(Data(contentsOf: URL(fileURLWithPath: "/bin/ls")))
        guard case .elf(let h) = parse(ls) else { Issue.record("not ELF"); return }
        #expect(h.interpreter == "/lib64/ld-linux-x86-64.so.2")
        #expect(h.type == ELFHeader.typeShared && h.hasDynamicSegment)
        #expect(h.description == "ELF 64-bit LSB x86-64 pie executable, dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2")
    }

    @Test(arguments: [
        ("linux/riscv64", 2, ELFArchitecture.Mismatch.Kind?.none), ("linux/riscv64", 0, .floatABI),
        ("linux/ppc64le", 1, .abi), ("linux/mips64le", 0xa000_0000, .abi),
    ] as [(String, UInt32, ELFArchitecture.Mismatch.Kind?)])
    func abiFlagsAreChecked(_ platform: String, _ flags: UInt32, _ kind: ELFArchitecture.Mismatch.Kind?) throws {
        let expected = try #require(ELFArchitecture.expected(for: Platform(parsing: platform)))
        let flagValue = expected.machine == ELFMachine.riscv ? flags << 1 : expected.machine == ELFMachine.mips ? flags | 0x7 : flags
        let h = ELFHeader(is64Bit: expected.is64Bit, isBigEndian: expected.isBigEndian, osABI: 0, type: 2,
                          machine: expected.machine, flags: flagValue, interpreter: nil, hasDynamicSegment: false, programHeadersRead: true)
        #expect(expected.check(h)?.kind == kind)
    }

    @Test func otherOperatingSystemsAreNamed() throws {
        var h = try header("amd64")
        h.osABI = 9
        #expect(ELFArchitecture.expected(for: try Platform(parsing: "linux/amd64"))?.check(h)?.detail == "built for FreeBSD, not Linux")
    }

    /// The bad-input corpus: findings, never a crash, never a read outside the bytes.
    @Test(arguments: BadELF.allCases)
    func malformedHeadersAreFindings(_ c: BadELF) throws {
        let result = parse(try c.bytes())
        guard case .malformed(let reason) = result else {
            if c == .notELFAfterMagic { #expect(result != .notELF); return }
            Issue.record("\(c): \(result)"); return
        }
        #expect(reason.contains(c.says), "\(reason)")
    }

    @Test func programHeadersPastThePrefixLeaveTheLinkageUnknown() throws {
        var ls = try Array(Data(contentsOf: URL(fileURLWithPath: "/bin/ls")))
        ls.replaceSubrange(32..<40, with: withUnsafeBytes(of: UInt64(100_000).littleEndian, Array.init))
        guard case .elf(let h) = parse(ls) else { Issue.record("not parsed"); return }
        #expect(!h.programHeadersRead && h.interpreter == nil)
    }

    @Test func everyPrefixOfARealBinaryIsHandled() throws {
        // Cut /bin/ls at every length up to 1 KiB: each cut is a result, and the file size is trusted
        // only as far as it goes.
        let ls = try Array(Data(contentsOf: URL(fileURLWithPath: "/bin/ls")))
        for n in 0...1024 {
            let cut = Array(ls.prefix(n))
            _ = ELFHeader.parse(prefix: cut, fileSize: Int64(n))
            _ = ELFHeader.parse(prefix: cut, fileSize: Int64(ls.count))
        }
    }
}

enum BadELF: String, CaseIterable, CustomTestStringConvertible {
    case truncatedIdent, truncatedHeader, programHeadersBeyondFile, sectionHeadersBeyondFile, interpBeyondFile
    case badClass, notELFAfterMagic

    var testDescription: String { rawValue }

    func bytes() throws -> [UInt8] {
        var b = try Fixtures.busybox("amd64")
        func put64(_ offset: Int, _ v: UInt64) { b.replaceSubrange(offset..<offset + 8, with: withUnsafeBytes(of: v.littleEndian, Array.init)) }
        func put16(_ offset: Int, _ v: UInt16) { b.replaceSubrange(offset..<offset + 2, with: withUnsafeBytes(of: v.littleEndian, Array.init)) }
        switch self {
        case .truncatedIdent: return Array(b.prefix(10))
        case .truncatedHeader: return Array(b.prefix(40))
        case .programHeadersBeyondFile: put16(56, 0xfff0); put16(60, 0); return Array(b.prefix(4096))
        case .sectionHeadersBeyondFile: put16(60, 60_000); return b
        case .interpBeyondFile:
            let ls = try Array(Data(contentsOf: URL(fileURLWithPath: "/bin/ls")))
            b = ls
            // PT_INTERP is the second program header of /bin/ls: make its p_offset point past the end.
            let ph = 64 + 56
            #expect(b[ph] == 3)
            put64(ph + 8, UInt64(ls.count - 4))
            return b
        case .badClass: b[4] = 7; return b
        case .notELFAfterMagic: return Array("\u{7f}ELF is how this text file starts, and nothing more follows it here.".utf8)
        }
    }

    var says: String {
        switch self {
        case .truncatedIdent: return "shorter than the 16-byte ELF identification"
        case .truncatedHeader: return "shorter than the 64-byte ELF header"
        case .programHeadersBeyondFile: return "program headers at offset 64 extend past the end"
        case .sectionHeadersBeyondFile: return "60000 section headers"
        case .interpBeyondFile: return "PT_INTERP"
        case .badClass: return "unknown ELF class 7"
        case .notELFAfterMagic: return "unknown ELF"
        }
    }
}
