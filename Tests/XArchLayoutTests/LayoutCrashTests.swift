import Foundation
import Testing
import XArchContent
@testable import XArchLayout
import XArchModel
import XArchTestSupport

/// Crash safety and concurrency across processes, with `xarch-layout-stress` as the writer
/// (image-layout.md: every blob MUST match its digest; `index.json` MUST be a valid image index).
@Suite("OCI layout: killed and concurrent writers", .serialized)
struct LayoutCrashTests {
    @Test func aWriterKilledAtRandomMomentsLeavesAValidLayout() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let path = "\(dir)/layout"
            let layout = try OCILayout.create(at: path)
            var generator = SystemRandomNumberGenerator()
            var sawTemporaryFiles = 0
            for round in 1...10 {
                let process = try startStress(layout: path, seed: round, count: 1_000_000,
                                              stderrFile: "\(dir)/stderr-\(round)")
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...300, using: &generator)))
                kill(process.processIdentifier, SIGKILL)
                try await waitForExit(process)
                let stderr = try String(contentsOfFile: "\(dir)/stderr-\(round)", encoding: .utf8)
                #expect(process.terminationReason == .uncaughtSignal, "round \(round): \(stderr)")
                if !temporaryFiles(path).isEmpty { sawTemporaryFiles += 1 }
                try await verifyLayout(path)
            }
            print("kill test: temporary files were left behind after \(sawTemporaryFiles) of 10 kills")
            let before = temporaryFiles(path).count
            // Their writers are dead: no lock is held on any of them, so all are reclaimable.
            #expect(try layout.staleTemporaryFiles(grace: 0).count == before)
            #expect(try layout.removeTemporaryFiles() == before)
            #expect(temporaryFiles(path).isEmpty)
            let (entries, blobs) = try await verifyLayout(path)
            #expect(entries > 0 && blobs > 0)
        }
    }

    @Test func eightConcurrentWritersLoseNoTag() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            // Not created in advance: the writers race in OCILayout.openOrCreate too.
            let path = "\(dir)/layout"
            let seeds = 101...108
            let processes = try seeds.map { seed in
                try startStress(layout: path, seed: seed, count: 25, maxBlob: 64 * 1024, stderrFile: "\(dir)/stderr-\(seed)")
            }
            for (seed, process) in zip(seeds, processes) {
                try await waitForExit(process)
                let stderr = try String(contentsOfFile: "\(dir)/stderr-\(seed)", encoding: .utf8)
                #expect(process.terminationReason == .exit && process.terminationStatus == 0, "writer \(seed): \(stderr)")
            }
            let layout = try OCILayout.open(at: path)
            let expected = seeds.flatMap { seed in (0..<25).map { "s\(seed)-\($0)" } }
            let tags = try await layout.tags()
            #expect(tags.filter { $0.hasPrefix("s") }.count == 200)
            #expect(Set(tags) == Set(expected + ["moving"]))
            for tag in expected { _ = try await layout.manifest(.tag(tag)) }
            let moving = try layout.index().manifests.filter { $0.annotations?[AnnotationKey.refName] == "moving" }
            #expect(moving.count == 1)
            #expect(temporaryFiles(path).isEmpty)
            try await verifyLayout(path)
        }
    }
}
