import Foundation
import XArchContent
import XArchLayout
import XArchModel

/// `xarch-layout-stress PATH SEED COUNT [MAX_BLOB_BYTES]`: writes into the OCI image layout at PATH
/// (created when absent) COUNT rounds of content, deterministically from SEED, for the crash-safety
/// and concurrency tests of XArchLayout, which SIGKILL it at random moments or run several at once.
///
/// Round `n` stores one to three random layer blobs (up to MAX_BLOB_BYTES, 1 MiB by default,
/// generated while they are streamed; on even rounds also a blob shared by every writer), a config
/// and an image manifest, and tags it `s<SEED>-<n>`. Every third round it stores a two-platform index
/// instead, its children untagged. Besides, it moves the tag `moving` (raced by all writers), records
/// untagged roots, and adds then deletes a tag `tmp<SEED>`.
@main
enum Stress {
    static func main() async {
        let args = CommandLine.arguments
        guard args.count == 4 || args.count == 5, let seed = UInt64(args[2]), let count = Int(args[3]), count >= 0,
              let maxBlob = args.count == 5 ? Int(args[4]) : 1024 * 1024, maxBlob >= 0 else {
            FileHandle.standardError.write(Data("usage: xarch-layout-stress PATH SEED COUNT [MAX_BLOB_BYTES]\n".utf8))
            exit(2)
        }
        do {
            let layout = try OCILayout.openOrCreate(at: args[1])
            var writer = Writer(layout: layout, seed: seed, maxBlob: maxBlob)
            for n in 0..<count { try await writer.round(n) }
            print("wrote \(count) rounds")
        } catch {
            FileHandle.standardError.write(Data("xarch-layout-stress: \(error)\n".utf8))
            exit(1)
        }
    }
}

struct Writer {
    let layout: OCILayout
    let seed: UInt64
    let maxBlob: Int
    var random: SplitMix64

    init(layout: OCILayout, seed: UInt64, maxBlob: Int) {
        self.layout = layout
        self.seed = seed
        self.maxBlob = maxBlob
        self.random = SplitMix64(seed: seed)
    }

    mutating func round(_ n: Int) async throws {
        let tag = "s\(seed)-\(n)"
        let root: Descriptor
        if n % 3 == 2 {
            let amd = try await image(n, architecture: "amd64")
            let arm = try await image(n, architecture: "arm64")
            let index = ImageIndex(manifests: [amd, arm])
            let bytes = try CanonicalJSON.encode(index)
            root = Descriptor(mediaType: .ociIndex, bytes: bytes)
            try await layout.putManifest(root, bytes: bytes, tag: tag)
        } else {
            root = try await image(n, architecture: "amd64")
            try layout.addToIndex(root, tag: tag)
        }
        if n % 5 == 0 { try layout.addToIndex(root, tag: "moving") }
        if n % 4 == 1 { try layout.addToIndex(root, tag: nil) }
        if n % 7 == 3 {
            try layout.addToIndex(root, tag: "tmp\(seed)")
            try await layout.deleteManifest(.tag("tmp\(seed)"))
        }
    }

    /// Stores layers, config and manifest of one image (untagged) and returns the manifest's
    /// descriptor with its platform.
    mutating func image(_ n: Int, architecture: String) async throws -> Descriptor {
        var layers: [Descriptor] = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let size = Int.random(in: 0...maxBlob, using: &random)
            layers.append(try await putGeneratedBlob(seed: random.next(), size: size))
        }
        if n % 2 == 0 {
            let shared = Array(String(repeating: "shared blob \(n % 16) ", count: 4096).utf8)
            layers.append(try await putBlob(shared, .ociLayer))
        }
        let config = ImageConfig(architecture: architecture, os: "linux",
                                 rootfs: .init(diffIDs: layers.map(\.digest)))
        let configDescriptor = try await putBlob(try CanonicalJSON.encode(config), .ociConfig)
        let manifest = ImageManifest(config: configDescriptor, layers: layers)
        let bytes = try CanonicalJSON.encode(manifest)
        var descriptor = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await layout.putManifest(descriptor, bytes: bytes, tag: nil)
        descriptor.platform = Platform(os: "linux", architecture: architecture)
        return descriptor
    }

    /// Stores `size` pseudo-random bytes made from `seed`, generated as they are streamed (like a
    /// slow network source), so that a kill often lands while the blob is being written.
    func putGeneratedBlob(seed: UInt64, size: Int) async throws -> Descriptor {
        var hasher = DigestHasher()
        let chunks = GeneratedBytes(seed: seed, size: size)
        while let chunk = chunks.next() { hasher.update(chunk) }
        let descriptor = Descriptor(mediaType: .ociLayer, digest: hasher.finalize(), size: Int64(size))
        try await layout.putBlob(descriptor, from: ByteStream {
            let generator = GeneratedBytes(seed: seed, size: size)
            return { generator.next() }
        })
        return descriptor
    }

    func putBlob(_ bytes: [UInt8], _ mediaType: MediaType) async throws -> Descriptor {
        let descriptor = Descriptor(mediaType: mediaType, bytes: bytes)
        try await layout.putBlob(descriptor, from: ByteStream(bytes: bytes))
        return descriptor
    }
}

/// The chunks of a generated blob. Used by one iterator, in one task.
final class GeneratedBytes {
    private var random: SplitMix64
    private var remaining: Int

    init(seed: UInt64, size: Int) {
        random = SplitMix64(seed: seed)
        remaining = size
    }

    func next() -> [UInt8]? {
        guard remaining > 0 else { return nil }
        let count = min(remaining, 32 * 1024)
        remaining -= count
        return random.bytes(count)
    }
}

/// A small deterministic generator (SplitMix64), so that a seed names the content.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var words = [UInt64](repeating: 0, count: (count + 7) / 8)
        for i in words.indices { words[i] = next() }
        return words.withUnsafeBytes { Array($0.prefix(count)) }
    }
}
