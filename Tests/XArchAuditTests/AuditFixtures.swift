import Foundation
import XArchAudit
import XArchModel

/// Fixtures and small builders of the audit tests.
enum AuditFixtures {
    /// The text of `Fixtures/NAME`.
    static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The workloads of `text` (no compose variables unless given).
    static func workloads(_ text: String, file: String = "test.yaml", environment: [String: String] = [:]) throws -> [Workload] {
        try AuditSources.workloads(in: text, file: file, compose: ComposeInterpolation(environment: environment))
    }

    static func platform(_ text: String) -> Platform {
        // Test input: every specifier used here parses.
        (try? Platform(parsing: text)) ?? Platform(os: "invalid", architecture: text)
    }

    static func nodes(_ platforms: String...) -> [ClusterNode] {
        AuditSources.nodes(platforms: platforms.map(platform))
    }

    /// An index offering `platforms` (each entry a fake manifest descriptor), as a lookup found it.
    static func index(_ platforms: String...) -> ImageLookup {
        let entries = platforms.map { spec in
            Descriptor(mediaType: .ociManifest, digest: .of(Array(spec.utf8)), size: 100, platform: platform(spec))
        }
        let index = ImageIndex(mediaType: .ociIndex, manifests: entries)
        let root = Descriptor(mediaType: .ociIndex, digest: .of(Array(platforms.joined().utf8)), size: 500)
        return .found(ImagePlatforms(index: root, entries: IndexEntries(index), configPlatforms: [:], total: entries.count))
    }

    /// A single-platform image manifest.
    static func image(_ spec: String) -> ImageLookup {
        let root = Descriptor(mediaType: .ociManifest, digest: .of(Array("image \(spec)".utf8)), size: 400)
        return .found(ImagePlatforms(image: root, configPlatform: platform(spec)))
    }

    /// The digest `index`/`image` give the entry for `spec`.
    static func entryDigest(_ spec: String) -> String { Digest.of(Array(spec.utf8)).description }
}
