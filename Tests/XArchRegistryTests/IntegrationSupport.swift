import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

/// Helpers of the integration suites of this target (their environment: `Integration`).
enum IT {
    /// `xarch-tests/NAME-xxxxxxxx`: a repository no other test uses.
    static func unique(_ name: String) -> String { "xarch-tests/\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Options with a user agent of their own, so a test finds its requests in a registry's access log.
    static func options(_ configure: (inout RegistryOptions) -> Void = { _ in }) -> RegistryOptions {
        var options = RegistryOptions()
        options.userAgent = "xarch/0.2 itest-\(UUID().uuidString.prefix(12).lowercased())"
        configure(&options)
        return options
    }

    /// Runs `body` with a session that is shut down afterwards, whatever happens.
    static func withSession<T>(_ options: RegistryOptions = IT.options(),
                               _ body: (RegistrySession) async throws -> T) async throws -> T {
        let session = RegistrySession(options: options)
        do {
            let result = try await body(session)
            await session.shutdown()
            return result
        } catch {
            await session.shutdown()
            throw error
        }
    }

    /// `xarch copy SOURCE DESTINATION` through the library.
    static func copy(_ source: String, _ destination: String, session: RegistrySession,
                     options: CopyOptions = CopyOptions()) async throws -> CopyReport {
        try await ImageCopy.copy(from: try ImageLocation(parsing: source), to: try ImageLocation(parsing: destination),
                                 resolver: StoreResolver(session: session), options: options)
    }

    /// Deterministic bytes that do not compress (a linear congruential generator).
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            out[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        return out
    }

    /// A seed no other test run uses.
    static func randomSeed() -> UInt64 { UInt64.random(in: 1...UInt64.max / 2) }
}

/// skopeo, the oracle.
enum Skopeo {
    /// `skopeo inspect --raw` of `reference` (`docker://…` or `oci:…`): the exact manifest bytes.
    static func raw(_ reference: String, _ extra: [String] = []) async throws -> [UInt8] {
        let tls = reference.hasPrefix("docker://") && !extra.contains(where: { $0.hasPrefix("--cert-dir") })
            ? ["--tls-verify=false"] : []
        return Array(try await Peer.run("skopeo", ["inspect", "--raw"] + tls + extra + [reference]).utf8)
    }

    static func digest(_ reference: String, _ extra: [String] = []) async throws -> Digest {
        Digest.of(try await raw(reference, extra))
    }

    /// `skopeo copy --all --preserve-digests SOURCE DESTINATION` (plain HTTP allowed both ways).
    static func copyAll(_ source: String, _ destination: String) async throws {
        var args = ["copy", "--all", "--preserve-digests", "--quiet"]
        if source.hasPrefix("docker://") { args.append("--src-tls-verify=false") }
        if destination.hasPrefix("docker://") { args.append("--dest-tls-verify=false") }
        try await Peer.run("skopeo", args + [source, destination])
    }
}

/// A registry's access log (Apache combined format, one line per request, written after the response).
struct AccessLog {
    struct Line: Sendable, CustomStringConvertible {
        let method: String
        let path: String
        let status: Int
        let userAgent: String
        let text: String
        var description: String { text }
    }

    let path: String

    /// Every parsed line.
    func lines() -> [Line] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { Self.parse(String($0)) }
    }

    /// The lines of requests sent with `userAgent`.
    func lines(userAgent: String) -> [Line] { lines().filter { $0.userAgent == userAgent } }

    /// Polls (up to 10 s) until `done` holds for the lines of `userAgent`, then waits a moment more so
    /// that late lines are in too; returns the lines.
    func settle(userAgent: String, until done: ([Line]) -> Bool) async throws -> [Line] {
        let deadline = Date().addingTimeInterval(10)
        while !done(lines(userAgent: userAgent)), Date() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        return lines(userAgent: userAgent)
    }

    /// `127.0.0.1 - - [date] "GET /v2/r/manifests/t HTTP/1.1" 200 1747 "" "skopeo/1.9.3"`.
    static func parse(_ text: String) -> Line? {
        let quoted = text.split(separator: "\"", omittingEmptySubsequences: false)
        guard quoted.count >= 7 else { return nil }
        let request = quoted[1].split(separator: " ")
        let numbers = quoted[2].split(separator: " ")
        guard request.count >= 2, let status = numbers.first.flatMap({ Int($0) }) else { return nil }
        return Line(method: String(request[0]), path: String(request[1]), status: status,
                    userAgent: String(quoted[quoted.count - 2]), text: text)
    }
}

/// The fault proxy's control API (scripts/README.md, "Fault proxy control API"), spoken with curl.
enum FaultProxy {
    struct Entry: Decodable, Sendable {
        let seq: Int
        let time: String
        let listener: String
        let method: String
        let path: String
        let status: Int?
        let fault: String?
        let headers: [String: String]
        let bytes_sent: Int
        let upstream_status: Int?

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }

        var date: Date? {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.date(from: time)
        }
    }

    /// Adds one rule; every rule of these tests matches a repository of its own, since rules are global.
    static func arm(_ control: String, _ rule: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: rule)
        try await Peer.run("curl", ["-sS", "-f", "-X", "POST", "-H", "Content-Type: application/json",
                              "--data-binary", String(decoding: data, as: UTF8.self), "\(control)/faults"])
    }

    /// The proxied requests whose target contains `match`, in order.
    static func log(_ control: String, matching match: String) async throws -> [Entry] {
        let text = try await Peer.run("curl", ["-sS", "-f", "\(control)/log?wait=3"])
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(Entry.self, from: Data($0.utf8)) }
            .filter { $0.path.contains(match) }
    }
}

/// Checks on OCI layouts that a failed copy left behind.
enum LayoutCheck {
    /// The blob files of `blobs/sha256`, by name.
    static func blobNames(_ layout: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "\(layout)/blobs/sha256").sorted()
    }

    /// The layout is valid: `index.json` parses, every blob file hashes to its name and no temporary
    /// file is left. Returns the index.
    @discardableResult
    static func valid(_ path: String) throws -> ImageIndex {
        let layout = try OCILayout.open(at: path)
        let index = try layout.index()
        for name in try blobNames(path) {
            #expect(!name.hasPrefix("."), "a temporary file is left in \(path)/blobs/sha256: \(name)")
            guard !name.hasPrefix(".") else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(path)/blobs/sha256/\(name)"))
            #expect(Digest.of(data).encoded == name, "blobs/sha256/\(name) does not hash to its name")
        }
        return index
    }
}

/// Images built for these tests in OCI layouts.
enum ITImages {
    struct Built {
        let index: Descriptor
        let children: [Descriptor]
        /// Every blob (configs and layers), each once.
        let blobs: [Descriptor]
    }

    /// Four platforms whose images share one base layer of `baseSize` bytes and have a small layer of
    /// their own; the content is unique to this call. Tagged `tag`.
    static func sharedBase(at path: String, tag: String, baseSize: Int = 1_500_000) async throws -> Built {
        let store = try OCILayout.create(at: path)
        let seed = IT.randomSeed()
        var blobs: [Descriptor] = []
        func put(_ bytes: [UInt8], _ type: MediaType) async throws -> Descriptor {
            let d = Descriptor(mediaType: type, bytes: bytes)
            try await store.putBlob(d, from: ByteStream(bytes: bytes))
            if !blobs.contains(where: { $0.digest == d.digest }) { blobs.append(d) }
            return d
        }
        let base = try await put(IT.bytes(baseSize, seed: seed), .ociLayer)
        var children: [Descriptor] = []
        for (i, spec) in ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386"].enumerated() {
            let platform = try Platform(parsing: spec)
            let own = try await put(IT.bytes(2000 + i * 100, seed: seed &+ UInt64(i + 1)), .ociLayer)
            let config = ImageConfig(architecture: platform.architecture, os: platform.os,
                                     variant: platform.variant.isEmpty ? nil : platform.variant,
                                     rootfs: .init(diffIDs: [base.digest, own.digest]))
            let configDescriptor = try await put(try CanonicalJSON.encode(config), .ociConfig)
            let bytes = try CanonicalJSON.encode(ImageManifest(config: configDescriptor, layers: [base, own]))
            var manifest = Descriptor(mediaType: .ociManifest, bytes: bytes)
            try await store.putManifest(manifest, bytes: bytes, tag: nil)
            manifest.platform = platform
            children.append(manifest)
        }
        let index = try await TestImages.index(children, tag: tag, in: store)
        return Built(index: index, children: children, blobs: blobs)
    }
}

/// The fixture index `scripts/fixtures` pushed to the main registry (`fixtures/busybox:multi`).
enum BusyboxFixture {
    static let repository = "fixtures/busybox"
    static let tag = "multi"

    struct Child {
        let descriptor: Descriptor
        let manifest: ImageManifest
    }

    /// The index and its children, read from `registry`.
    static func read(_ registry: String, session: RegistrySession) async throws -> (index: ManifestDocument, children: [Child]) {
        let client = session.repository(try ImageReference(parsing: "\(registry)/\(repository)"))
        let index = try await client.manifest(.tag(tag))
        var children: [Child] = []
        for entry in index.index?.manifests ?? [] {
            let image = try #require(try await client.manifest(.digest(entry.digest)).image)
            children.append(Child(descriptor: entry, manifest: image))
        }
        return (index, children)
    }

    /// The distinct blobs (configs and layers) of the fixture.
    static func blobs(_ children: [Child]) -> [Descriptor] {
        var seen = Set<Digest>()
        return children.flatMap { [$0.manifest.config] + $0.manifest.layers }.filter { seen.insert($0.digest).inserted }
    }
}
