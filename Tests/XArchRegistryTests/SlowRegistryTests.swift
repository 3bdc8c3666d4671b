import Foundation
import Testing
import XArch
import XArchContent
import XArchModel
import XArchRegistry
import XArchTestSupport

/// A registry that trickles bytes (the fault proxy's `trickle` fault) fails a copy in seconds with a
/// message naming the URL, under small thresholds (`RegistryTimeouts`); never a read that goes on for days.
@Suite("slow registries", .serialized,
       .requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_PROXY", "XARCH_TEST_PROXY_CONTROL"))
struct SlowRegistryTests {
    static func run(_ name: String, _ timeouts: RegistryTimeouts,
                    _ body: (FaultTests.Env, RegistrySession, FaultTests.Prepared, String) async throws -> Void) async throws {
        let env = try FaultTests.env()
        let prepared = try await IT.withSession { try await FaultTests.prepare(name, env, session: $0) }
        try await IT.withSession(IT.options { $0.timeouts = timeouts }) { session in
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in try await body(env, session, prepared, dir) }
        }
    }

    @Test func aBlobBelowTheMinimumRateFailsNamingItsURL() async throws {
        var timeouts = RegistryTimeouts()
        timeouts.minimumBytes = 64 * 1024
        timeouts.window = 1
        try await Self.run("trickle-blob", timeouts) { env, session, p, dir in
            let path = "/v2/\(p.repository)/blobs/\(p.layer.digest)"
            // 300 kB at full speed, then 100 bytes every 0.2 s: 500 B/s, far below 64 KiB/s.
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "trickle",
                                                   "after_bytes": 300_000, "bytes": 100, "interval": 0.2])
            let started = ContinuousClock.now
            await #expect { try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session) } throws: { error in
                let e = error as? XArchError
                return e?.code == .tooSlow && e?.message.contains("http://\(env.proxy)\(path) sent fewer than 65536 bytes in 1 s") == true
            }
            #expect(started.duration(to: .now) < .seconds(20), "the slow download was given up within the window, not read to its end")
            try FaultTests.expectUntouched("\(dir)/out", absent: [p.layer.digest, p.child.descriptor.digest])
            let gets = try await FaultProxy.log(env.control, matching: path).filter { $0.method == "GET" }
            #expect(gets.count == 1 && gets[0].fault == "trickle", "a too-slow download is not resumed or retried")
        }
    }

    /// Ctrl-C (or SIGTERM) while the real `xarch copy` is in the middle of a blob: it exits 130 (143), and
    /// the partial blob it was writing into the destination layout is gone; no tag was written.
    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func anInterruptedCopyRemovesItsPartialBlob(signal: Int32, status: Int32) async throws {
        try await Self.run("interrupt-copy", RegistryTimeouts()) { env, _, p, dir in
            let path = "/v2/\(p.repository)/blobs/\(p.layer.digest)"
            // 200 kB at once, then 100 bytes every 0.2 s: the layer stays half-written until the signal.
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "trickle",
                                                   "after_bytes": 200_000, "bytes": 100, "interval": 0.2])
            let process = Process()
            process.executableURL = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
            process.arguments = ["copy", "\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img"]
            process.standardOutput = FileHandle.nullDevice
            FileManager.default.createFile(atPath: "\(dir)/stderr", contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/stderr"))
            try process.run()
            func partials() -> [String] {
                (FileManager.default.enumerator(atPath: "\(dir)/out")?.allObjects as? [String] ?? [])
                    .filter { ($0 as NSString).lastPathComponent.hasPrefix(".tmp-") }
            }
            // Wait until the layer's partial file holds the first 200 kB.
            var partial: String?
            for _ in 0..<400 where partial == nil && process.isRunning {
                partial = partials().first { name in
                    let size = (try? FileManager.default.attributesOfItem(atPath: "\(dir)/out/\(name)")[.size] as? Int) ?? 0
                    return size >= 100_000
                }
                if partial == nil { try await Task.sleep(nanoseconds: 50_000_000) }
            }
            #expect(partial != nil, "the copy never wrote the layer's first bytes")
            kill(process.processIdentifier, signal)
            await OffPool.run { process.waitUntilExit() }
            let stderr = (try? String(contentsOfFile: "\(dir)/stderr", encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == status, "\(stderr)")
            #expect(partials().isEmpty, "left behind: \(partials())")
            try FaultTests.expectUntouched("\(dir)/out", absent: [p.layer.digest, p.child.descriptor.digest])
        }
    }

    @Test func aDownloadAtTheMinimumRateIsNotCutShort() async throws {
        var timeouts = RegistryTimeouts()
        timeouts.minimumBytes = 1000
        timeouts.window = 1
        try await Self.run("steady-blob", timeouts) { env, session, p, dir in
            let path = "/v2/\(p.repository)/blobs/\(p.child.manifest.config.digest)"
            // The config (a few hundred bytes… a few kB) at 200 bytes every 0.1 s = 2000 B/s: slow, but above the rule.
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "trickle",
                                                   "bytes": 200, "interval": 0.1])
            let report = try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session)
            #expect(report.blobs.copied == 2)
            #expect(try LayoutCheck.blobNames("\(dir)/out").contains(p.config.digest.encoded))
        }
    }

    @Test func aManifestPastTheRequestDeadlineFailsNamingItsURL() async throws {
        var timeouts = RegistryTimeouts()
        timeouts.request = 2
        try await Self.run("trickle-manifest", timeouts) { env, session, p, dir in
            let path = "/v2/\(p.repository)/manifests/"  // by tag or by digest
            try await FaultProxy.arm(env.control, ["match": path, "method": "GET", "fault": "trickle",
                                                   "bytes": 1, "interval": 0.5])
            let started = ContinuousClock.now
            await #expect { try await IT.copy("\(env.proxy)/\(p.repository):img", "oci:\(dir)/out:img", session: session) } throws: { error in
                let e = error as? XArchError
                return e?.code == .tooSlow && e?.message.contains("http://\(env.proxy)\(path)") == true
                    && e?.message.contains(" did not answer within 2 s; the registry is too slow") == true
            }
            #expect(started.duration(to: .now) < .seconds(15))
        }
    }
}

extension SlowRegistryTests {
    /// `count` zero bytes in 1 MiB pieces, made as they are read (never held whole).
    static func zeros(_ count: Int) -> ByteStream {
        final class Left { var value: Int; init(_ value: Int) { self.value = value } }
        return ByteStream {
            let left = Left(count)
            return {
                let n = Swift.min(left.value, 1 << 20)
                left.value -= n
                return n == 0 ? nil : [UInt8](repeating: 0, count: n)
            }
        }
    }

    @Test func anUploadTheRegistryStopsTakingFailsNamingItsURL() async throws {
        var timeouts = RegistryTimeouts()
        timeouts.minimumBytes = 1 << 20
        timeouts.window = 1
        let env = try FaultTests.env()
        try await IT.withSession(IT.options { $0.timeouts = timeouts }) { session in
            let size = 64 << 20  // far more than the loopback socket buffers hold
            var hasher = DigestHasher()
            for try await piece in Self.zeros(size) { hasher.update(piece) }
            let blob = Descriptor(mediaType: .ociLayer, digest: hasher.finalize(), size: Int64(size))
            let repository = "slow/upload-\(UUID().uuidString.prefix(8).lowercased())"
            // The registry takes 1 MiB at full speed, then 100 bytes every 0.2 s: 500 B/s.
            try await FaultProxy.arm(env.control, ["match": "/v2/\(repository)/blobs/uploads/", "method": "PUT",
                                                   "fault": "slow-read", "after_bytes": 1 << 20, "bytes": 100, "interval": 0.2])
            let client = session.repository(try ImageReference(parsing: "\(env.proxy)/\(repository)"))
            let started = ContinuousClock.now
            await #expect { try await client.putBlob(blob, from: Self.zeros(size)) } throws: { error in
                let e = error as? XArchError
                return e?.code == .tooSlow && e?.message.contains("http://\(env.proxy)/v2/\(repository)/blobs/uploads/") == true
                    && e?.message.contains("took fewer than 1048576 bytes of the upload in 1 s") == true
            }
            #expect(started.duration(to: .now) < .seconds(20), "the stalled upload was given up within seconds")
            #expect(try await client.blobSize(blob.digest) == nil, "the registry kept the blob of a failed upload")
        }
    }
}

@Suite("registry timeouts from the environment")
struct RegistryTimeoutsTests {
    @Test func defaultsAndVariables() throws {
        #expect(try RegistryTimeouts(environment: [:]) == RegistryTimeouts())
        let t = try RegistryTimeouts(environment: ["XARCH_REQUEST_TIMEOUT": "2.5", "XARCH_MIN_TRANSFER": "1024/10"])
        #expect(t.request == 2.5 && t.minimumBytes == 1024 && t.window == 10)
    }

    @Test(arguments: [["XARCH_REQUEST_TIMEOUT": "0"], ["XARCH_REQUEST_TIMEOUT": "soon"], ["XARCH_REQUEST_TIMEOUT": "inf"],
                      ["XARCH_MIN_TRANSFER": "1024"], ["XARCH_MIN_TRANSFER": "0/10"], ["XARCH_MIN_TRANSFER": "1024/0"],
                      ["XARCH_MIN_TRANSFER": "a/b"]])
    func badValuesNameTheVariable(environment: [String: String]) {
        #expect { try RegistryTimeouts(environment: environment) } throws: { error in
            "\(error)".contains(environment.keys.first!)
        }
    }
}
