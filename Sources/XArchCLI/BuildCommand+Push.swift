import ArgumentParser
import Foundation
import XArchModel

/// The checks of `xarch build --push-by-digest REPO` and `--metadata-file F`, made before anything runs.
extension BuildCommand {
    /// `--push-by-digest REPO`: a registry repository, without a tag or a digest.
    static func repository(_ text: String) throws -> ImageReference {
        guard case .registry(let reference) = try ImageLocation(parsing: text) else {
            throw ValidationError("--push-by-digest takes a registry repository, not \(text); use --output for a layout")
        }
        guard reference.tag == nil, reference.digest == nil else {
            throw ValidationError("--push-by-digest takes a repository without a tag or digest (\(reference.name), not \(text)): the push names no tag")
        }
        return reference
    }

    /// `--metadata-file F`: a file (not a directory) in a directory that exists, so that a finished build
    /// does not fail there.
    static func metadataPath(_ path: String) throws -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--metadata-file \(path) is a directory; name a file in it")
        }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--metadata-file \(path): the directory \(directory) does not exist")
        }
        return path
    }
}
