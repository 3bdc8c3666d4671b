import Foundation
import XArchArchive
import XArchDockerfile
import XArchModel
import XArchContent

/// `xarch lint`: the multi-architecture rules over Dockerfiles, and with `checkBase` every base image
/// looked up in its registry (or layout) for the platforms the build targets.
public enum DockerfileLint {
    public struct Options: Sendable {
        /// Findings below this severity are dropped.
        public var threshold: Severity = .warning
        /// When set, base images are looked up and must provide these platforms.
        public var basePlatforms: [Platform]?

        public init(threshold: Severity = .warning, basePlatforms: [Platform]? = nil) {
            self.threshold = threshold
            self.basePlatforms = basePlatforms
        }
    }

    /// Lints each file; a file that does not parse throws an error naming `file:line:column`.
    public static func lint(files: [String], options: Options, resolver: any StoreResolving) async throws -> [Finding] {
        var findings: [Finding] = []
        var cache: [String: BaseImageCheck.Availability] = [:]
        for file in files {
            let stages: DockerfileStages
            let data = try readDockerfile(file)
            do {
                stages = try DockerfileStages(DockerfileParser.parse(data: data))
            } catch {
                throw DockerfileSyntaxError.naming(file, in: error)
            }
            let linter = Linter(file: file)
            var found = linter.lint(stages)
            if let platforms = options.basePlatforms {
                for requirement in BaseImageCheck.requirements(stages, platforms: platforms) {
                    let location = try ImageLocation(parsing: requirement.image)
                    let availability: BaseImageCheck.Availability
                    if let known = cache[requirement.image] {
                        availability = known
                    } else {
                        availability = try await lookup(location, resolver: resolver)
                        cache[requirement.image] = availability
                    }
                    found += linter.applyDirectives(BaseImageCheck.findings(requirement, availability: availability,
                                                                            pinnedByDigest: location.digest != nil, file: file),
                                                    of: stages)
                }
            }
            findings += found.filter { $0.severity >= options.threshold }.sorted { ($0.range.start, $0.rule) < ($1.range.start, $1.rule) }
        }
        return findings
    }

    /// The bytes of the Dockerfile at `path`: a regular file or a pipe (never a directory or a device),
    /// at most `DockerfileParser.maximumFileSize` bytes, and a line longer than BuildKit's 64 KiB is an
    /// error as soon as it is read (a one-line file of 256 MiB is never held whole).
    public static func readDockerfile(_ path: String) throws -> Data {
        Data(try POSIXFile.readFile(path, limit: DockerfileParser.maximumFileSize, what: "the Dockerfile",
                                    streams: true, lineLimit: DockerfileParser.maximumLineLength))
    }

    /// The platforms an image provides: an index's entries (attestations excluded), or an image's config.
    static func lookup(_ location: ImageLocation, resolver: any StoreResolving) async throws -> BaseImageCheck.Availability {
        let (report, _) = try await Inspection.inspect(location, resolver: resolver)
        if let image = report.image { return .manifest(image.platformDetail) }
        return .index((report.platforms ?? []).compactMap(\.platformDetail))
    }
}
