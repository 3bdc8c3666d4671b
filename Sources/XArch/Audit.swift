import Foundation
import XArchAudit
import XArchContent
import XArchModel

/// `xarch audit`: the workloads of Kubernetes manifests and compose files whose images lack the
/// platform of a node they can be scheduled on. This is the I/O around the pure `XArchAudit`: files and
/// directories read, `.env` files, and every distinct image looked up once, concurrently, through the
/// store resolver (`Resolution.platforms`, the lookup `xarch resolve` makes).
public enum Audit {
    public struct Options: Sendable {
        /// The nodes to audit against (`--nodes` or `--nodes-from`).
        public var nodes: [ClusterNode]
        /// Findings below this severity are dropped.
        public var threshold: AuditFinding.Severity
        /// How many images are looked up at once.
        public var jobs: Int
        /// The process environment, for compose interpolation (it wins over `.env`).
        public var environment: [String: String]

        public init(nodes: [ClusterNode], threshold: AuditFinding.Severity = .warning, jobs: Int = 8,
                    environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.nodes = nodes
            self.threshold = threshold
            self.jobs = jobs
            self.environment = environment
        }
    }

    /// Audits `paths` (files, directories walked for `*.yaml`, `*.yml`, `*.json`, or `-` for standard
    /// input). A file that cannot be read or is not YAML throws; an image that cannot be looked up is a
    /// finding (`unknown-image`); when that is because its registry could not be reached (network, TLS,
    /// 5xx) the report says so (`unreachableImages`), and the command exits 1 after printing it.
    public static func audit(_ paths: [String], options: Options, resolver: any StoreResolving) async throws -> AuditReport {
        var workloads: [Workload] = []
        var dotEnvs: [String: [String: String]] = [:]
        for file in try inputFiles(paths) {
            let directory = file == "-" ? "." : (file as NSString).deletingLastPathComponent
            if dotEnvs[directory] == nil { dotEnvs[directory] = try dotEnv(in: directory) }
            let interpolation = ComposeInterpolation(dotEnv: dotEnvs[directory] ?? [:], processEnvironment: options.environment)
            workloads += try AuditSources.workloads(in: try read(file), file: file, compose: interpolation)
        }
        var seen = Set<String>()
        let references = workloads.flatMap(\.containers).compactMap(\.image).filter { seen.insert($0).inserted }
        let images = try await lookup(references, jobs: options.jobs, resolver: resolver)
        var report = AuditEvaluation.evaluate(workloads, nodes: options.nodes, images: images)
        report.findings = report.findings(atLeast: options.threshold)
        return report
    }

    /// Every reference looked up once per distinct location (`alpine` and `docker.io/library/alpine:latest`
    /// are one), at most `jobs` at once.
    public static func lookup(_ references: [String], jobs: Int, resolver: any StoreResolving) async throws -> [String: ImageLookup] {
        var result: [String: ImageLookup] = [:]
        var locations: [ImageLocation] = []
        var written: [ImageLocation: [String]] = [:]
        for reference in references {
            guard let location = try? ImageLocation(parsing: reference) else {
                result[reference] = .unknown("\"\(reference)\" is not an image reference")
                continue
            }
            if written[location] == nil { locations.append(location) }
            written[location, default: []].append(reference)
        }
        let found = try await BoundedConcurrency.map(locations, limit: jobs) { location in
            try await lookup(location, resolver: resolver)
        }
        for (location, lookup) in zip(locations, found) {
            for reference in written[location] ?? [] { result[reference] = lookup }
        }
        return result
    }

    /// One image: what it offers, or why it cannot be known; `unreachable` when the failure says nothing
    /// about the image (network, TLS, a registry temporarily unavailable).
    static func lookup(_ location: ImageLocation, resolver: any StoreResolving) async throws -> ImageLookup {
        do {
            return .found(try await Resolution.platforms(of: try resolver.open(location)))
        } catch let error as XArchError {
            return error.isTemporary || error.code == .tls ? .unreachable(error.message) : .unknown(error.message)
        }
    }

    /// The files named: `-`, files as given, directories walked (sorted, hidden entries skipped).
    static func inputFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if path == "-" {
                files.append(path)
            } else if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw XArchError(.notFound, "\(path): no such file or directory")
            } else if isDirectory.boolValue {
                files += try walk(path)
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// The `*.yaml`, `*.yml` and `*.json` files below `directory`, sorted; hidden files and directories
    /// (`.git`) left out.
    static func walk(_ directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw XArchError(.io, "\(directory): cannot read the directory")
        }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            guard ["yaml", "yml", "json"].contains((name as NSString).pathExtension.lowercased()) else { continue }
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(path)
            }
        }
        return found.sorted()
    }

    /// The nodes of a `kubectl get nodes -o json` dump (`--nodes-from`).
    public static func nodes(fromFile path: String) throws -> [ClusterNode] {
        try ClusterNode.fromKubectl(try read(path), file: path)
    }

    static func read(_ file: String) throws -> String {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw XArchError(.io, "cannot read \(file): \(error.localizedDescription)", cause: error)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw XArchError(.invalidInput, "\(file): not YAML (not UTF-8 text)")
        }
        return text
    }

    /// The variables of `directory/.env`, the compose project's; none when there is no such file.
    static func dotEnv(in directory: String) throws -> [String: String] {
        let path = (directory as NSString).appendingPathComponent(".env")
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        return DotEnv.parse(try read(path))
    }
}
