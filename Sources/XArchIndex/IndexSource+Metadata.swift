import XArchContent
import XArchModel

extension IndexSource {
    /// The source a build's metadata names (`xarch build --metadata-file`, `BuildMetadata`): its
    /// `reference`, `REPO@DIGEST`, read by digest. A metadata file of one platform also names the platform
    /// the source must hold, so a file copied from the wrong runner's artifact stops the merge.
    /// `name` (the file) starts every error.
    public static func open(metadata: BuildMetadata, name: String, resolver: any StoreResolving) throws -> IndexSource {
        let location = try metadata.location(name: name)
        var source = try open(location, expectedPlatform: metadata.singlePlatform, resolver: resolver)
        source.expectedBy = "its metadata file \(name)"
        return source
    }
}
