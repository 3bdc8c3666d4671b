import Foundation
import Testing
import XArchModel
import XArchTestSupport
@testable import XArchBuild

/// COPY sources against a real directory: globs, directories, files, links, `.dockerignore`, owners.
@Suite struct CopyPlannerTests {
    /// app/{main.go, lib/util.go, README.md}, bin/linux-amd64/hello, docs/{a.md, keep.md}, link → app
    static func makeContext(ignore: String? = nil) throws -> (String, BuildContext) {
        let dir = try TestImages.temporaryDirectory("context")
        let fm = FileManager.default
        for sub in ["app/lib", "bin/linux-amd64", "docs"] {
            try fm.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        for (path, text) in [("app/main.go", "package main\n"), ("app/lib/util.go", "package lib\n"),
                             ("app/README.md", "# app\n"), ("bin/linux-amd64/hello", "\u{7F}ELF"),
                             ("docs/a.md", "a"), ("docs/keep.md", "keep")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(path)"))
        }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/bin/linux-amd64/hello")
        try fm.createSymbolicLink(atPath: "\(dir)/app/current", withDestinationPath: "main.go")
        try fm.createSymbolicLink(atPath: "\(dir)/link", withDestinationPath: "app")
        if let ignore { try Data(ignore.utf8).write(to: URL(fileURLWithPath: "\(dir)/.dockerignore")) }
        return (dir, try BuildContext.open(dir, dockerfile: nil))
    }

    func paths(_ entries: LayerEntries) -> [String] { entries.sorted.map(\.path) }

    @Test func directoryContentsGoIntoTheDestination() throws {
        let (dir, context) = try Self.makeContext()
        defer { TestImages.cleanup(dir) }
        let entries = try CopyPlanner.entries(CopySpec(sources: ["app"], destination: "/srv/app", destinationIsDirectory: false), from: context)
        #expect(paths(entries) == ["srv", "srv/app", "srv/app/README.md", "srv/app/current", "srv/app/lib",
                                   "srv/app/lib/util.go", "srv/app/main.go"])
        #expect(entries["srv/app/current"]?.kind == .symbolicLink(target: "main.go"))
        #expect(entries["srv/app/main.go"]?.uid == 0)
    }

    @Test func hardLinksStayLinksAndExistingDirectoriesKeepTheirOwner() throws {
        let (dir, _) = try Self.makeContext()
        defer { TestImages.cleanup(dir) }
        try FileManager.default.linkItem(atPath: "\(dir)/app/main.go", toPath: "\(dir)/app/lib/main-copy.go")
        let context = try BuildContext.open(dir, dockerfile: nil)
        let lower: [String: LayerEntry] = ["srv": .directory("srv", mode: 0o750, uid: 5, gid: 6)]
        let entries = try CopyPlanner.entries(CopySpec(sources: ["app"], destination: "/srv", destinationIsDirectory: true,
                                                       owner: Ownership(uid: 9, gid: 9)),
                                              from: context, existing: { lower[$0] })
        // "app/lib/main-copy.go" sorts before "app/main.go": it holds the bytes, the other links to it.
        #expect(entries["srv/lib/main-copy.go"]?.kind == .regularFile)
        #expect(entries["srv/main.go"]?.kind == .hardLink(target: "srv/lib/main-copy.go"))
        #expect(entries["srv/main.go"]?.size == 0)
        let top = try #require(entries["srv"])
        #expect([top.mode, UInt32(top.uid), UInt32(top.gid)] == [0o750, 5, 6])
        #expect(entries["srv/lib"]?.uid == 9)
    }

    @Test func aFileToAPathOrIntoADirectory() throws {
        let (dir, context) = try Self.makeContext()
        defer { TestImages.cleanup(dir) }
        let one = try CopyPlanner.entries(CopySpec(sources: ["bin/linux-amd64/hello"], destination: "/hello", destinationIsDirectory: false), from: context)
        #expect(paths(one) == ["hello"])
        #expect(one["hello"]?.mode == 0o755)
        let into = try CopyPlanner.entries(CopySpec(sources: ["bin/linux-amd64/hello"], destination: "/usr/bin", destinationIsDirectory: true), from: context)
        #expect(paths(into) == ["usr", "usr/bin", "usr/bin/hello"])
        let noParents = try CopyPlanner.entries(CopySpec(sources: ["bin/linux-amd64/hello"], destination: "/usr/bin", destinationIsDirectory: true, writeParents: false), from: context)
        #expect(paths(noParents) == ["usr/bin/hello"])
    }

    @Test func globsAndSeveralSources() throws {
        let (dir, context) = try Self.makeContext()
        defer { TestImages.cleanup(dir) }
        let entries = try CopyPlanner.entries(CopySpec(sources: ["app/*.go", "docs/?.md"], destination: "/x", destinationIsDirectory: false), from: context)
        #expect(paths(entries) == ["x", "x/a.md", "x/main.go"])
        #expect(throws: XArchError.self) {
            try CopyPlanner.entries(CopySpec(sources: ["nothing*"], destination: "/x/", destinationIsDirectory: true), from: context)
        }
    }

    @Test func ownerModeAndEscapes() throws {
        let (dir, context) = try Self.makeContext()
        defer { TestImages.cleanup(dir) }
        let spec = CopySpec(sources: ["../../app/lib"], destination: "/l/", destinationIsDirectory: true,
                            owner: Ownership(uid: 1000, gid: 50), mode: 0o640)
        let entries = try CopyPlanner.entries(spec, from: context)
        #expect(paths(entries) == ["l", "l/util.go"])
        #expect(entries["l/util.go"].map { ($0.uid, $0.gid, $0.mode) } ?? (0, 0, 0) == (1000, 50, 0o640))
        #expect(entries["l"]?.uid == 1000)
    }

    @Test func aNamedSymlinkIsFollowed() throws {
        let (dir, context) = try Self.makeContext()
        defer { TestImages.cleanup(dir) }
        let entries = try CopyPlanner.entries(CopySpec(sources: ["link/main.go"], destination: "/m", destinationIsDirectory: false), from: context)
        #expect(entries["m"]?.kind == .regularFile)
    }

    @Test func dockerignoreHidesFilesAndExceptionsReopen() throws {
        let (dir, context) = try Self.makeContext(ignore: "**/*.md\ndocs\n!docs/keep.md\n")
        defer { TestImages.cleanup(dir) }
        let all = try CopyPlanner.entries(CopySpec(sources: ["."], destination: "/", destinationIsDirectory: true), from: context)
        let names = paths(all)
        #expect(!names.contains("app/README.md"))
        #expect(!names.contains("docs/a.md"))
        #expect(names.contains("docs/keep.md"))
        #expect(names.contains(".dockerignore"))
        #expect(throws: XArchError.self) {
            try CopyPlanner.entries(CopySpec(sources: ["app/README.md"], destination: "/r", destinationIsDirectory: false), from: context)
        }
    }
}
