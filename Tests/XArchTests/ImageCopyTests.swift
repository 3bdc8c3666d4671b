import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("copy between OCI layouts")
struct ImageCopyTests {
    @Test func copiesAWholeIndexWithTheSameDigestsAndBytes() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "copied")
            #expect(!report.upToDate)
            #expect(report.digest == built.index.digest.description)
            #expect(report.destinationDigest == report.digest)
            #expect(report.filteredIndexDigest == nil)
            #expect(report.platforms == CopyFixture.platforms)
            #expect(report.manifests == .init(copied: 7, skipped: 0), "index, 4 images, 2 attestations")
            #expect(try await destination.manifestDescriptor(.tag("copied"))?.digest == built.index.digest)
            for child in built.children + built.attestations {
                #expect(try await destination.manifest(.digest(child.digest)).digest == child.digest)
            }
            let sourceFiles = try CopyFixture.blobFiles(source.path)
            #expect(try CopyFixture.blobFiles(destination.path) == sourceFiles, "every blob, byte for byte")
            let manifestBytes = built.children.count + built.attestations.count + 1
            #expect(report.blobs.copied == sourceFiles.count - manifestBytes)
            #expect(report.blobs.bytesCopied == sourceFiles.values.reduce(0) { $0 + Int64($1.count) }
                - (built.children + built.attestations + [built.index]).reduce(0) { $0 + $1.size })
            #expect(try destination.index().manifests.count == 1, "only the root is recorded in index.json")
            #expect(report.requests == nil, "layouts count no requests")
        }
    }

    @Test func aSecondCopyCostsExactlyTwoLookups() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            _ = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "multi")
            let countingSource = CopyCountingStore(layout: source)
            let countingDestination = CopyCountingStore(layout: destination)
            let report = try await ImageCopy.copy(from: countingSource, reference: .tag("multi"),
                                                  to: countingDestination, tag: nil)
            #expect(report.upToDate)
            #expect(report.tag == "multi", "the source's tag by default")
            #expect(report.destinationDigest == built.index.digest.description)
            #expect(countingSource.log.counts == ["manifestDescriptor": 1])
            #expect(countingDestination.log.counts == ["manifestDescriptor": 1])
            #expect(report.requests == ["HEAD": 2])
            #expect(report.blobs == .init() && report.manifests == .init())
        }
    }

    @Test func forceCopiesAgain() async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            _ = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "multi")
            let counting = CopyCountingStore(layout: destination)
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "multi",
                                                  options: CopyOptions(force: true))
            #expect(!report.upToDate)
            #expect(report.manifests.copied == 7)
            #expect(counting.log.counts["hasBlob"] == nil, "force checks nothing")
        }
    }

    @Test func aLayerSharedByFourPlatformsIsTransferredOnce() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let counting = CopyCountingStore(layout: destination)
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "multi")
            let puts = counting.log.arguments("putBlob")
            #expect(puts.filter { $0 == built.shared.digest.description }.count == 1)
            #expect(Set(puts).count == puts.count, "no blob is put twice")
            #expect(report.blobs.copied == puts.count)
            #expect(counting.log.arguments("putManifest").count == 7)
        }
    }

    @Test func blobsTheDestinationHasAreSkipped() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let amd64 = try await source.manifest(.digest(built.children[0].digest)).image!
            for blob in [built.shared, amd64.config] {
                try await destination.putBlob(blob, from: try await source.blob(blob))
            }
            let counting = CopyCountingStore(layout: destination)
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "multi")
            #expect(report.blobs.skipped == 2)
            #expect(report.requests == (await counting.requestCounts()), "the destination's requests of this copy")
            let puts = Set(counting.log.arguments("putBlob"))
            #expect(!puts.contains(built.shared.digest.description))
            #expect(!puts.contains(amd64.config.digest.description))
            #expect(try CopyFixture.blobFiles(destination.path) == CopyFixture.blobFiles(source.path))
        }
    }

    @Test func manifestsTheDestinationHasAreNeitherWrittenNorWalked() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let amd64 = built.children[0]
            let image = try await source.manifest(.digest(amd64.digest))
            for blob in [image.image!.config] + image.image!.layers {
                try await destination.putBlob(blob, from: try await source.blob(blob))
            }
            try await destination.putManifest(image.descriptor, bytes: image.bytes, tag: nil)
            let counting = CopyCountingStore(layout: destination)
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "multi")
            #expect(report.manifests == .init(copied: 6, skipped: 1))
            #expect(!counting.log.arguments("hasBlob").contains(image.image!.config.digest.description))
            #expect(!counting.log.arguments("putManifest").contains(amd64.digest.description))
            #expect(try await destination.manifestDescriptor(.tag("multi"))?.digest == built.index.digest)
        }
    }

    @Test func contentIsWrittenBeforeTheManifestsNamingItAndTheRootLast() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let counting = CopyCountingStore(layout: destination)
            let events = CopyEventLog()
            _ = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "multi",
                                         options: CopyOptions(jobs: 3), progress: events.record)
            var written = Set<String>()
            for call in counting.log.sequence where call.method.hasPrefix("put") {
                if call.method == "putManifest" {
                    let document = try await source.manifest(.digest(try Digest(parsing: call.argument)))
                    let needed = document.index.map { $0.manifests.map(\.digest) }
                        ?? document.image.map { [$0.config.digest] + $0.layers.map(\.digest) } ?? []
                    #expect(needed.allSatisfy { written.contains($0.description) })
                }
                written.insert(call.argument)
            }
            #expect(counting.log.sequence.last?.argument == built.index.digest.description)
            guard case .manifestDone(let root, .copied, tag: "multi")? = events.events.last else {
                Issue.record("the last event is not the root written under the tag")
                return
            }
            #expect(root.digest == built.index.digest)
            let progressed = events.events.compactMap { event -> Int64? in
                if case .blobProgress(let d, let bytes, _) = event, d == built.shared.digest { return bytes }
                return nil
            }
            #expect(progressed.last == built.shared.size)
        }
    }

    @Test func smallBlobsAreCopiedBeforeLargeOnes() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let counting = CopyCountingStore(layout: destination)
            _ = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "multi",
                                         options: CopyOptions(jobs: 1))
            let puts = counting.log.arguments("putBlob")
            #expect(puts.last == built.shared.digest.description, "the one large blob goes after every small one")
        }
    }

    @Test func oneJobAndEightJobsGiveTheSameResult() async throws {
        let dir = try TestImages.temporaryDirectory("xarch-copy")
        defer { TestImages.cleanup(dir) }
        let source = try OCILayout.create(at: "\(dir)/src")
        _ = try await CopyFixture.multiPlatform(in: source)
        var reports: [CopyReport] = []
        for jobs in [1, 8] {
            let destination = try OCILayout.create(at: "\(dir)/dst\(jobs)")
            var report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "multi",
                                                  options: CopyOptions(platforms: [try Platform(parsing: "linux/arm64"),
                                                                                   try Platform(parsing: "linux/386")],
                                                                       jobs: jobs))
            report.durationSeconds = 0
            report.destination = ""
            reports.append(report)
        }
        #expect(reports[0] == reports[1])
        #expect(try CopyFixture.blobFiles("\(dir)/dst1") == CopyFixture.blobFiles("\(dir)/dst8"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/dst1/index.json"))
            == Data(contentsOf: URL(fileURLWithPath: "\(dir)/dst8/index.json")))
    }

    @Test func aCorruptSourceBlobFailsTheCopyAndLeavesNoTag() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let arm64 = try await source.manifest(.digest(built.children[1].digest)).image!
            let victim = arm64.layers.last!
            let path = "\(source.path)/blobs/sha256/\(victim.digest.encoded)"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[bytes.count / 2] ^= 0xff
            try bytes.write(to: URL(fileURLWithPath: path))
            await #expect {
                try await ImageCopy.copy(from: source, reference: .tag("multi"), to: destination, tag: "multi")
            } throws: { ($0 as? XArchError)?.code == .digestMismatch }
            #expect(try await destination.tags().isEmpty)
            #expect(try await destination.manifestDescriptor(.digest(built.index.digest)) == nil)
            let files = try CopyFixture.blobFiles(destination.path)
            #expect(files[victim.digest.encoded] == nil)
            for (name, data) in files {
                #expect(!name.hasPrefix("."), "no temporary file is left behind")
                #expect(Digest.of(data).encoded == name, "no corrupt blob under a final name")
            }
        }
    }

    /// No wall-clock bound (a loaded machine makes any bound flaky): the stalled read would take ten
    /// minutes, so the time limit fails the test unless the first error cancelled it.
    @Test(.timeLimit(.minutes(5))) func theFirstErrorCancelsTheTransfersStillRunning() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let amd64 = try await source.manifest(.digest(built.children[0].digest)).image!
            let faulty = CopyFaultySource(layout: source, failing: built.shared.digest, stalling: amd64.config.digest)
            await #expect {
                try await ImageCopy.copy(from: faulty, reference: .tag("multi"), to: destination, tag: "multi")
            } throws: { ($0 as? XArchError)?.message.hasPrefix("injected failure") == true }
            #expect(!faulty.stall.started || faulty.stall.cancelled, "the stalled transfer was waited for, not cancelled")
            let tags = try await destination.tags()
            #expect(tags.isEmpty)
        }
    }

    @Test func aCopyWithinOneLayoutOnlyWritesTheTag() async throws {
        try await CopyFixture.withLayouts { source, _, built in
            let counting = CopyCountingStore(layout: source)
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: counting, tag: "again")
            #expect(report.manifests == .init(copied: 1, skipped: 0))
            #expect(report.blobs == .init())
            #expect(counting.log.counts == ["manifestDescriptor": 2, "putManifest": 1])
            #expect(try await source.manifestDescriptor(.tag("again"))?.digest == built.index.digest)
        }
    }

    @Test func aDigestReferenceNeedsATag() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            await #expect {
                try await ImageCopy.copy(from: source, reference: .digest(built.index.digest), to: destination, tag: nil)
            } throws: { ($0 as? XArchError)?.code == .invalidInput }
            let report = try await ImageCopy.copy(from: source, reference: .digest(built.children[2].digest),
                                                  to: destination, tag: "armv7")
            #expect(report.platforms == ["linux/arm/v7"])
            #expect(report.manifests.copied == 1)
            #expect(try await destination.manifestDescriptor(.tag("armv7"))?.digest == built.children[2].digest)
        }
    }

    @Test func aMissingSourceIsNamed() async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            await #expect {
                try await ImageCopy.copy(from: source, reference: .tag("nope"), to: destination, tag: "x")
            } throws: { error in
                guard let error = error as? XArchError else { return false }
                return error.code == .notFound && error.message.contains("\(source.displayName):nope")
            }
        }
    }

    @Test func theReportHasAStableJSONSchema() async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: CopyCountingStore(layout: destination),
                                                  tag: "arm", options: CopyOptions(platforms: [try Platform(parsing: "linux/arm64")]))
            let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
            #expect(json?.keys.sorted() == [
                "blobs", "destination", "destinationDigest", "digest", "durationSeconds", "filteredIndexDigest",
                "manifests", "mediaType", "nonDistributableSkipped", "platforms", "reference", "requests", "source",
                "tag", "upToDate",
            ])
            #expect((json?["blobs"] as? [String: Any])?.keys.sorted() == ["bytesCopied", "copied", "mounted", "skipped"])
            #expect((json?["manifests"] as? [String: Any])?.keys.sorted() == ["copied", "skipped"])
            #expect(try JSONDecoder().decode(CopyReport.self, from: JSONEncoder().encode(report)) == report)
        }
    }
}
