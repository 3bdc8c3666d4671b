import Foundation
import XArchContent
import XArchModel

/// Writes the new layers of every platform, each distinct set of entries once: a COPY that gives the
/// same entries on several platforms (shared assets, the same script) is one blob, written once,
/// stored and uploaded once. Layers are written in parallel, at most `jobs` at a time, each on a thread
/// of its own; their compression shares the writer's one `CompressionBudget`.
enum LayerCache {
    /// The blob of every distinct entry set in `layers`.
    static func write(_ layers: [LayerEntries], writer: LayerWriter, directory: String, jobs: Int,
                      written done: (@Sendable (LayerBlob) -> Void)? = nil) async throws -> [LayerEntries: LayerBlob] {
        let unique = distinct(layers)
        let written = try await BoundedConcurrency.map(Array(unique.enumerated()), limit: jobs) { item in
            let blob = try await writer.write(item.element, to: "\(directory)/layer-\(item.offset).blob")
            done?(blob)
            return (item.element, blob)
        }
        return Dictionary(written, uniquingKeysWith: { first, _ in first })
    }

    /// `layers` without repeats, in their first order.
    static func distinct(_ layers: [LayerEntries]) -> [LayerEntries] {
        var seen: Set<LayerEntries> = []
        return layers.filter { seen.insert($0).inserted }
    }

    /// A fresh private directory for the build's temporary files.
    static func workDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-build-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw XArchError(.io, "cannot create the temporary directory \(path): \(error.localizedDescription)")
        }
        return path
    }
}
