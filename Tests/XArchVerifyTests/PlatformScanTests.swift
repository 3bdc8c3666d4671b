import Foundation
import Testing
import XArchContent
import XArchModel
import XArchTestSupport
@testable import XArchVerify

@Suite("layers applied and platforms scanned", Fixtures.required)
struct PlatformScanTests {
    static let ls: [UInt8] = (try? Array(Data(contentsOf: URL(fileURLWithPath: "/bin/ls")))) ?? []

    func layer(_ build: (inout TarBuilder) throws -> Void, gzip: Bool = true) async throws -> LayerSummary {
        var t = TarBuilder()
        try build(&t)
        let bytes = gzip ? GzipWriter.gzip(t.archive) : t.archive
        return try await LayerScanner.summarize(stream(bytes, chunk: 10_000), digest: Digest.of(bytes))
    }

    func scan(_ platform: String, _ layers: [LayerSummary]) throws -> PlatformScan.Report {
        PlatformScan(platform: try Platform(parsing: platform)).scan(layers)
    }

    func errors(_ r: PlatformScan.Report) -> [VerifyFinding] { r.findings.filter { $0.severity == .error } }

    @Test(arguments: Fixtures.platforms)
    func busyboxPassesOnItsOwnPlatform(_ debian: String, _ platform: String) async throws {
        let bb = try Fixtures.busybox(debian)
        let l = try await layer { t in t.directory("bin/"); t.file("bin/busybox", bb); t.symlink("bin/sh", to: "busybox") }
        let r = try scan(platform, [l])
        #expect(r.findings.isEmpty, "\(r.findings)")
        #expect(r.filesScanned == 1 && r.elfFiles == 1 && r.layers == 1)
    }

    @Test func wrongArchitectureNamesPathLayerAndWhatItIs() async throws {
        let l = try await layer { t in t.file("bin/busybox", try Fixtures.busybox("amd64")) }
        let r = try scan("linux/arm64", [l])
        let f = try #require(errors(r).first)
        #expect(f.kind == .wrongArchitecture && f.path == "/bin/busybox" && f.layer == l.digest.description)
        #expect(f.message.contains("ELF 64-bit LSB x86-64 executable, statically linked"))
        #expect(f.message.contains("expected linux/arm64 (AArch64)"))
        #expect(f.message.contains(l.digest.description))
    }

    @Test func armelBinaryInArmhfImageIsAFloatABIMismatch() async throws {
        let l = try await layer { t in t.file("bin/busybox", try Fixtures.busybox("armel")) }
        let f = try #require(errors(try scan("linux/arm/v7", [l])).first)
        #expect(f.kind == .floatABIMismatch && f.message.contains("soft-float (armel) binary in a hard-float (armhf) platform"))
    }

    @Test func dynamicBinaryNeedsItsLoaderThroughSymlinks() async throws {
        let base = try await layer { t in t.file("usr/bin/ls", Self.ls) }
        let missing = errors(try scan("linux/amd64", [base]))
        #expect(missing.map(\.kind) == [.missingLoader])
        #expect(missing.first?.message.contains("/lib64/ld-linux-x86-64.so.2") == true)
        // usrmerge style: /lib64 -> usr/lib64, the loader a symlink to the real file.
        let loader = try await layer { t in
            t.symlink("lib64", to: "usr/lib64")
            t.file("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", Array(Self.ls.prefix(4096)))
            t.symlink("usr/lib64/ld-linux-x86-64.so.2", to: "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        }
        #expect(errors(try scan("linux/amd64", [base, loader])).isEmpty)
        // A symlink loop is no loader.
        let loop = try await layer { t in t.symlink("lib64", to: "lib64") }
        #expect(errors(try scan("linux/amd64", [base, loop])).map(\.kind) == [.missingLoader])
    }

    @Test func whiteoutOfTheBadFileMakesItPass() async throws {
        let bad = try await layer { t in t.file("bin/busybox", try Fixtures.busybox("amd64")); t.file("bin/keep", [1]) }
        let fix = try await layer { t in t.whiteout("bin/busybox"); t.file("bin/busybox2", try Fixtures.busybox("arm64")) }
        #expect(!errors(try scan("linux/arm64", [bad])).isEmpty)
        let r = try scan("linux/arm64", [bad, fix])
        #expect(r.findings.isEmpty && r.filesScanned == 2 && r.elfFiles == 1)
    }

    @Test func opaqueDirectoryHidesLowerLayersButNotItsOwnEntries() async throws {
        let lower = try await layer { t in t.file("opt/app/x86", try Fixtures.busybox("amd64")); t.file("opt/other", [1]) }
        let upper = try await layer { t in t.file("opt/app/arm", try Fixtures.busybox("arm64")); t.opaque("opt/app") }
        let r = try scan("linux/arm64", [lower, upper])
        #expect(r.findings.isEmpty && r.filesScanned == 2)
    }

    @Test func hardLinksCarryTheFactsAndDirectoriesOfWhiteoutsGo() async throws {
        let l1 = try await layer { t in t.file("bin/a", try Fixtures.busybox("s390x")); t.hardLink("sbin/b", to: "bin/a") }
        let l2 = try await layer { t in t.whiteout("bin") }
        let r1 = try scan("linux/amd64", [l1])
        #expect(errors(r1).map(\.path) == ["/bin/a", "/sbin/b"])
        #expect(errors(try scan("linux/amd64", [l1, l2])).map(\.path) == ["/sbin/b"])
        let dangling = try await layer { t in t.hardLink("x", to: "nothing") }
        #expect(try scan("linux/amd64", [dangling]).findings.map(\.severity) == [.error], "extractors cannot unpack it")
        let absolute = try await layer { t in t.file("bin/a", [1]); t.hardLink("x", to: "/bin/a") }
        let found = try scan("linux/amd64", [absolute]).findings
        #expect(found.map(\.severity) == [.error] && found.first?.message.contains("absolute name") == true, "\(found)")
    }

    @Test func scriptsNeedTheirInterpreter() async throws {
        let l = try await layer { t in
            t.file("bin/sh", try Fixtures.busybox("amd64"))
            t.file("usr/bin/env", try Fixtures.busybox("amd64"))
            t.file("app/ok.sh", Array("#!/bin/sh\necho ok\n".utf8))
            t.file("app/py", Array("#!/usr/bin/env -S python3 -u\n".utf8))
            t.file("app/perl", Array("#! /usr/bin/perl -w\n".utf8))
            t.file("app/not-executable", Array("#!/usr/bin/ruby\n".utf8), mode: 0o644)
        }
        let r = try scan("linux/amd64", [l])
        #expect(r.scripts == 3)
        #expect(r.findings.map(\.kind) == [.missingInterpreter, .missingInterpreter])
        #expect(r.findings.map(\.path) == ["/app/perl", "/app/py"])
        #expect(r.findings.allSatisfy { $0.severity == .warning })
        #expect(r.findings[1].message.contains("python3 (through /usr/bin/env"))
    }

    @Test func hostilePathsAreFindingsAndNotApplied() async throws {
        let l = try await layer { t in
            t.file("../../etc/evil", try Fixtures.busybox("amd64"))
            t.file("/abs/file", [1])
            t.hardLink("link", to: "../../../etc/shadow")
            t.file("ok/../fine", [2])
        }
        let r = try scan("linux/arm64", [l])
        #expect(r.filesScanned == 2)  // /abs/file and /fine
        #expect(r.findings.map(\.kind) == [.unsafePath, .unsafePath, .unsafePath])
        #expect(r.findings.map(\.severity) == [.error, .error, .warning])
    }

    @Test func malformedELFIsAWarningNotACrash() async throws {
        let l = try await layer { t in
            t.file("bin/short", Array(try Fixtures.busybox("amd64").prefix(40)))
            t.file("bin/text", Array("\u{7f}ELF but only text here".utf8))
        }
        let r = try scan("linux/amd64", [l])
        #expect(r.findings.map(\.kind) == [.malformedELF, .malformedELF] && r.elfFiles == 2)
    }

    @Test func windowsImagesCheckPEMachines() async throws {
        let l = try await layer { t in
            t.file("Files/app.exe", PETests.pe(machine: PEHeader.arm64))
            t.file("Files/tool.exe", PETests.pe(machine: PEHeader.i386))
            t.file("Files/lib.dll", PETests.pe(machine: PEHeader.amd64))
        }
        let r = try scan("windows/amd64", [l])
        #expect(r.peFiles == 3)
        #expect(r.findings.map(\.kind) == [.wrongArchitecture, .compatibleArchitecture])
        #expect(r.findings.first?.message.contains("expected windows/amd64 (x86-64)") == true)
    }

    @Test func unknownPlatformsSayTheyWereNotJudged() async throws {
        let l = try await layer { t in t.file("bin/busybox", try Fixtures.busybox("amd64")) }
        #expect(try scan("linux/sparc64", [l]).findings.map(\.kind) == [.uncheckedPlatform])
    }
}
