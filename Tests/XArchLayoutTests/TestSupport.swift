import Foundation
import XArchTestSupport
import Testing
import XArchContent
@testable import XArchLayout
import XArchModel

/// Content for tests.
enum Fixture {
    static func bytes(_ count: Int, seed: UInt8 = 1) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7) }
    }

    /// Stores a layer and a config and returns an image manifest over them with its bytes.
    static func image(in layout: OCILayout, seed: UInt8, architecture: String = "amd64") async throws
        -> (descriptor: Descriptor, bytes: [UInt8])
    {
        let layer = bytes(1000 + Int(seed), seed: seed)
        let layerDescriptor = Descriptor(mediaType: .ociLayer, bytes: layer)
        try await layout.putBlob(layerDescriptor, from: ByteStream(bytes: layer))
        let config = try CanonicalJSON.encode(ImageConfig(architecture: architecture, os: "linux",
                                                          rootfs: .init(diffIDs: [layerDescriptor.digest])))
        let configDescriptor = Descriptor(mediaType: .ociConfig, bytes: config)
        try await layout.putBlob(configDescriptor, from: ByteStream(bytes: config))
        let manifest = try CanonicalJSON.encode(ImageManifest(config: configDescriptor, layers: [layerDescriptor]))
        return (Descriptor(mediaType: .ociManifest, bytes: manifest), manifest)
    }

    /// A stream that fails the test if anything reads it.
    static let unreadable = ByteStream {
        return { Issue.record("the stream was read"); return nil }
    }
}

/// Checks a layout the way the crash tests require: `index.json` parses, every entry's manifest
/// verifies, every manifest and blob reachable from it exists and verifies, and every file under a
/// final blob name hashes to its name. Returns the number of entries and of blob files.
@discardableResult
func verifyLayout(_ path: String) async throws -> (entries: Int, blobs: Int) {
    let layout = try OCILayout.open(at: path)
    let index = try layout.index()
    var seen = Set<Digest>()
    for entry in index.manifests { try await verifyManifest(entry, in: layout, seen: &seen) }
    var files = 0
    for algorithm in Digest.Algorithm.allCases {
        let dir = "\(path)/blobs/\(algorithm.rawValue)"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !name.hasPrefix(".") {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)"))
            #expect(Digest.of(data, algorithm: algorithm).encoded == name, "blob file \(name) is corrupt")
            files += 1
        }
    }
    return (index.manifests.count, files)
}

private func verifyManifest(_ descriptor: Descriptor, in layout: OCILayout, seen: inout Set<Digest>) async throws {
    guard seen.insert(descriptor.digest).inserted else { return }
    let document = try await layout.manifest(.digest(descriptor.digest))
    #expect(document.descriptor.size == descriptor.size)
    switch document.content {
    case .index(let index):
        for child in index.manifests { try await verifyManifest(child, in: layout, seen: &seen) }
    case .image(let manifest):
        for blob in [manifest.config] + manifest.layers where seen.insert(blob.digest).inserted {
            for try await _ in try await layout.blob(blob) {}
        }
    }
}

/// The names of the `.tmp-*` files in a layout.
func temporaryFiles(_ path: String) -> [String] {
    var dirs = [path]
    for alg in (try? FileManager.default.contentsOfDirectory(atPath: "\(path)/blobs")) ?? [] {
        dirs.append("\(path)/blobs/\(alg)")
    }
    return dirs.flatMap { dir in
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(".tmp-") }
    }
}

/// The `xarch-layout-stress` executable, built beside the test bundle (`swift test` builds it because
/// the test target depends on it). `XARCH_LAYOUT_STRESS` overrides the search.
func stressExecutable() throws -> URL {
    try Executables.find("xarch-layout-stress", override: "XARCH_LAYOUT_STRESS")
}

/// Starts `xarch-layout-stress PATH SEED COUNT [MAX_BLOB_BYTES]`, its stderr going to `stderrFile`.
func startStress(layout: String, seed: Int, count: Int, maxBlob: Int? = nil, stderrFile: String) throws -> Process {
    let process = Process()
    process.executableURL = try stressExecutable()
    process.arguments = [layout, String(seed), String(count)] + (maxBlob.map { [String($0)] } ?? [])
    _ = FileManager.default.createFile(atPath: stderrFile, contents: nil)
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrFile))
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return process
}

/// Waits for `process` to end without blocking a thread of the cooperative pool.
func waitForExit(_ process: Process) async throws {
    while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
}
