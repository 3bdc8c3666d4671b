import Foundation
import Testing
import XArch
import XArchContent
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

/// Copies through the fault proxy in front of the main registry (scripts/README.md, "Fault proxy
/// control API"). Proxy rules are global, so the suite is serialized and every rule matches a
/// repository of its own test.
@Suite("faults through the proxy", .serialized,
       .requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_PROXY", "XARCH_TEST_PROXY_CONTROL"))
struct FaultTests {
    struct Env {
        let registry: String
        let proxy: String
        let control: String
    }

    /// A repository of the main registry holding one fixture image (tag `img`) whose layer is at least
    /// 1 MiB.
    struct Prepared {
        let repository: String
        let child: BusyboxFixture.Child
        var layer: Descriptor { child.manifest.layers[0] }
        var config: Descriptor { child.manifest.config }
    }

    static func env() throws -> Env {
        Env(registry: try Integration.require("XARCH_TEST_REGISTRY"), proxy: try Integration.require("XARCH_TEST_PROXY"),
            control: try Integration.require("XARCH_TEST_PROXY_CONTROL"))
    }

    static func prepare(_ name: String, _ env: Env, session: RegistrySession) async throws -> Prepared {
        let (_, children) = try await BusyboxFixture.read(env.registry, session: session)
        let child = try #require(children.first { $0.manifest.layers.count == 1 && $0.manifest.layers[0].size >= 1 << 20 },
                                 "the fixture has an image with a layer of at least 1 MiB")
        let repository = IT.unique(name)
        _ = try await IT.copy("\(env.registry)/\(BusyboxFixture.repository)@\(child.descriptor.digest)",
                              "\(env.registry)/\(repository):img", session: session)
        return Prepared(repository: repository, child: child)
    }

    /// Runs `body` with the environment, a session, a prepared repository and a temporary directory.
    static func run(_ name: String, _ body: (Env, RegistrySession, Prepared, String) async throws -> Void) async throws {
        let env = try env()
        try await IT.withSession { session in
            let prepared = try await prepare(name, env, session: session)
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in try await body(env, session, prepared, dir) }
        }
    }

    /// The layout a failed copy left is valid and holds nothing under the tag, nor `absent`.
    static func expectUntouched(_ layout: String, absent: [Digest]) throws {
        let index = try LayoutCheck.valid(layout)
        #expect(index.manifests.isEmpty, "no manifest or tag is written when the copy fails")
        let names = Set(try LayoutCheck.blobNames(layout))
        for digest in absent { #expect(!names.contains(digest.encoded), "\(digest) is not stored") }
    }

    // (a) A download reset mid-blob is resumed with Range and verified.
    @Test func aResetMidBlobIsResumedWithRange() async throws {
        try await Self.run("reset") { env, session, p, dir in
            let path = "/v2/\(p.repository)/blobs/\(p.layer.digest)"
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "reset", "after_bytes": 300_000])
            let report = try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session)
            #expect(report.blobs.copied == 2 && report.blobs.bytesCopied == p.layer.size + p.config.size)
            try LayoutCheck.valid("\(dir)/out")
            #expect(try LayoutCheck.blobNames("\(dir)/out").contains(p.layer.digest.encoded))
            #expect(try await Skopeo.digest("oci:\(dir)/out:img") == p.child.descriptor.digest)

            let gets = try await FaultProxy.log(env.control, matching: path).filter { $0.method == "GET" }
            #expect(gets.count == 2, "\(gets.map { ($0.status, $0.fault, $0.header("Range")) })")
            #expect(gets.first?.fault == "reset" && gets.first?.header("Range") == nil)
            let resumed = try #require(gets.last)
            let range = try #require(resumed.header("Range"), "the second GET asks for the rest")
            let offset = try #require(Int(range.dropFirst("bytes=".count).dropLast()), "\(range)")
            #expect(range.hasPrefix("bytes=") && range.hasSuffix("-") && offset > 0 && offset <= gets[0].bytes_sent)
            #expect(resumed.status == 206 && resumed.bytes_sent == Int(p.layer.size) - offset)
        }
    }

    // (a) A connection reset before any answer (here to the manifest GET) is retried.
    @Test func aResetBeforeTheAnswerIsRetried() async throws {
        try await Self.run("reset-early") { env, session, p, dir in
            let path = "/v2/\(p.repository)/manifests/\(p.child.descriptor.digest)"
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "reset", "before_response": true, "times": 2])
            let report = try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session)
            #expect(report.destinationDigest == p.child.descriptor.digest.description)
            #expect(try await FaultProxy.log(env.control, matching: path).map(\.status) == [0, 0, 200])
            try LayoutCheck.valid("\(dir)/out")
        }
    }

    // (b) A truncated download (clean close before Content-Length) is resumed the same way.
    @Test func aTruncatedDownloadIsResumed() async throws {
        try await Self.run("truncate") { env, session, p, dir in
            let path = "/v2/\(p.repository)/blobs/\(p.layer.digest)"
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "truncate", "after_bytes": 500_000])
            let report = try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session)
            #expect(report.blobs.copied == 2)
            try LayoutCheck.valid("\(dir)/out")
            #expect(try await OCILayout.open(at: "\(dir)/out").manifestDescriptor(.tag("img"))?.digest == p.child.descriptor.digest)
            let gets = try await FaultProxy.log(env.control, matching: path).filter { $0.method == "GET" }
            #expect(gets.count == 2 && gets.first?.fault == "truncate", "\(gets.map { ($0.status, $0.fault, $0.header("Range")) })")
            #expect(gets.first?.bytes_sent == 500_000)
            // The client resumes from what it holds: all 500,000 bytes sent, or fewer when the close
            // overtook bytes still in flight to it (seen on a loaded machine) — never more, never 0.
            let resumed = try #require(gets.last)
            let range = try #require(resumed.header("Range"), "the second GET asks for the rest")
            let offset = try #require(Int(range.dropFirst("bytes=".count).dropLast()), "\(range)")
            #expect(range.hasPrefix("bytes=") && range.hasSuffix("-") && offset > 0 && offset <= 500_000, "\(range)")
            #expect(resumed.status == 206 && resumed.bytes_sent == Int(p.layer.size) - offset)
        }
    }

    // (c) Corrupt bytes fail the copy with a digest error and leave a valid layout behind.
    @Test func corruptBytesFailTheCopyAndLeaveTheLayoutValid() async throws {
        try await Self.run("corrupt") { env, session, p, dir in
            let path = "/v2/\(p.repository)/blobs/\(p.layer.digest)"
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "corrupt"])
            await #expect { try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session) } throws: { error in
                guard let x = error as? XArchError else { return false }
                return x.code == .digestMismatch && x.message.contains(p.layer.digest.description) && !x.message.contains("\n")
            }
            try Self.expectUntouched("\(dir)/out", absent: [p.layer.digest, p.child.descriptor.digest])
            #expect(try await OCILayout.open(at: "\(dir)/out").tags().isEmpty)
            #expect(try await FaultProxy.log(env.control, matching: path).first?.fault == "corrupt")
        }
    }

    // (d) 429 with Retry-After: 1 is waited out once, then the copy succeeds.
    @Test func tooManyRequestsWithRetryAfterIsWaitedOut() async throws {
        try await Self.run("throttled") { env, session, p, dir in
            let path = "/v2/\(p.repository)/manifests/img"
            try await FaultProxy.arm(env.control, ["match": path, "fault": "status", "status": 429,
                                             "headers": ["Retry-After": "1"], "times": 1])
            let start = Date()
            let report = try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session)
            #expect(Date().timeIntervalSince(start) >= 1.0 && report.durationSeconds >= 1.0)
            #expect(report.destinationDigest == p.child.descriptor.digest.description)
            let entries = try await FaultProxy.log(env.control, matching: path)
            #expect(entries.map(\.status) == [429, 200], "\(entries.map(\.status))")
            if entries.count == 2, let first = entries[0].date, let second = entries[1].date {
                #expect(second.timeIntervalSince(first) >= 0.99, "the retry waited for Retry-After")
            }
        }
    }

    // (e) 503 three times: the retries get through.
    @Test func threeServiceUnavailableAnswersAreRetried() async throws {
        try await Self.run("unavailable") { env, session, p, dir in
            let path = "/v2/\(p.repository)/manifests/img"
            try await FaultProxy.arm(env.control, ["match": path, "fault": "status", "status": 503, "times": 3])
            let report = try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session)
            #expect(report.destinationDigest == p.child.descriptor.digest.description)
            #expect(try await FaultProxy.log(env.control, matching: path).map(\.status) == [503, 503, 503, 200])
        }
    }

    // A streamed upload cannot be replayed by the HTTP layer: the copy engine starts the blob again.
    @Test func anUploadBrokenByA503IsStartedAgainFromTheSource() async throws {
        let env = try Self.env()
        let repository = IT.unique("upload-retry")
        let uploads = "/v2/\(repository)/blobs/uploads/"
        try await FaultProxy.arm(env.control, ["match": uploads, "method": "PUT", "fault": "status", "status": 503, "times": 1])
        try await IT.withSession { session in
            let (index, children) = try await BusyboxFixture.read(env.registry, session: session)
            let child = try #require(children.first)
            let report = try await IT.copy("\(env.registry)/\(BusyboxFixture.repository)@\(child.descriptor.digest)",
                                           "\(env.proxy)/\(repository):img", session: session)
            _ = index
            #expect(report.destinationDigest == child.descriptor.digest.description)
            let puts = try await FaultProxy.log(env.control, matching: uploads).filter { $0.method == "PUT" }
            #expect(puts.map(\.status).filter { $0 == 503 }.count == 1)
            #expect(puts.count == child.manifest.layers.count + 2, "one upload PUT per blob, plus the retried one")
        }
    }

    // (e) 503 forever: a bounded number of attempts, then one clear sentence.
    @Test func serviceUnavailableForeverIsOneClearSentence() async throws {
        let env = try Self.env()
        let repository = IT.unique("down")
        let path = "/v2/\(repository)/manifests/"
        try await FaultProxy.arm(env.control, ["match": path, "fault": "status", "status": 503, "times": -1])
        try await IT.withSession { session in
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                await #expect { try await IT.copy("\(env.proxy)/\(repository):img", "oci:\(dir)/out:img", session: session) } throws: { error in
                    guard let x = error as? XArchError else { return false }
                    return x.code == .unavailable && x.message.contains("503") && x.message.contains(env.proxy)
                        && !x.message.contains("\n") && x.message.count < 400
                }
                #expect(try await FaultProxy.log(env.control, matching: path).count == RetryPolicy().attempts)
                try Self.expectUntouched("\(dir)/out", absent: [])
            }
        }
    }

    // (f) A 9 MiB manifest is refused by the size cap; nothing is written.
    @Test func anOversizeManifestIsRefused() async throws {
        try await Self.run("oversize") { env, session, p, dir in
            let path = "/v2/\(p.repository)/manifests/"
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "oversize", "size": 9 * 1024 * 1024])
            await #expect { try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session) } throws: { error in
                guard let x = error as? XArchError else { return false }
                return x.code == .tooLarge && x.message.contains("limit") && x.message.contains("manifest")
                    && !x.message.contains("\n")
            }
            try Self.expectUntouched("\(dir)/out", absent: [])
            #expect(try LayoutCheck.blobNames("\(dir)/out").isEmpty)
            #expect(try await FaultProxy.log(env.control, matching: path).contains { $0.fault == "oversize" })
        }
    }

    // (g) A refused mount falls back to an upload.
    @Test func aRefusedMountFallsBackToAnUpload() async throws {
        try await Self.run("mount-src") { env, session, p, _ in
            let destination = IT.unique("mount-dst")
            let mount = "/v2/\(destination)/blobs/uploads/?mount=\(p.layer.digest)"
            try await FaultProxy.arm(env.control, ["match": mount, "fault": "refuse-mount"])
            let report = try await IT.copy("\(env.proxy)/\(p.repository):img", "\(env.proxy)/\(destination):img", session: session)
            #expect(report.blobs.mounted == 1, "the config is mounted")
            #expect(report.blobs.copied == 1 && report.blobs.bytesCopied == p.layer.size, "the layer is uploaded")
            let direct = session.repository(try ImageReference(parsing: "\(env.registry)/\(destination)"))
            #expect(try await direct.blobSize(p.layer.digest) == p.layer.size)
            #expect(try await Skopeo.digest("docker://\(env.registry)/\(destination):img") == p.child.descriptor.digest)
            let refused = try await FaultProxy.log(env.control, matching: mount)
            #expect(refused.count == 1 && refused.first?.fault == "refuse-mount" && refused.first?.upstream_status == 202)
        }
    }

    // (h) A Docker-Content-Digest that does not name the bytes is refused.
    @Test func aWrongDockerContentDigestIsRefused() async throws {
        try await Self.run("wrong-digest") { env, session, p, dir in
            let source = session.repository(try ImageReference(parsing: "\(env.registry)/\(p.repository)"))
            let bytes = try await source.manifest(.digest(p.child.descriptor.digest)).bytes
            let wrong = Digest.of(Array("not the manifest".utf8))
            let path = "/v2/\(p.repository)/manifests/\(p.child.descriptor.digest)"
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "status", "status": 200,
                                             "body": String(decoding: bytes, as: UTF8.self),
                                             "headers": ["Docker-Content-Digest": wrong.description]])
            await #expect { try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session) } throws: { error in
                guard let x = error as? XArchError else { return false }
                return x.code == .digestMismatch && x.message.contains(wrong.description) && !x.message.contains("\n")
            }
            try Self.expectUntouched("\(dir)/out", absent: [p.child.descriptor.digest])
            #expect(try await FaultProxy.log(env.control, matching: path).first?.fault == "status")
        }
    }
}
