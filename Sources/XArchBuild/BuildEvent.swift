import XArchCopy
import XArchRun

/// What a build is doing, for a progress display: planning, then the new layers being written, then
/// the copy into each destination (the copy engine's own events).
public enum BuildEvent: Sendable {
    /// The plan is made: `platforms` images, `layers` distinct new layers to write.
    case planned(platforms: Int, layers: Int)
    /// A RUN starts on `platform` in execution `mode` (`native`, `binfmt-userns`, …). `step` is its place
    /// in its stage as BuildKit numbers it (`FROM` is 1): `4/9`, or `builder 4/9` in a Dockerfile of
    /// several stages; `line` its Dockerfile line.
    case run(platform: String, mode: String, step: String, line: Int, instruction: String)
    /// What a running RUN wrote (stdout and stderr, as written), with `BuildOptions.showsRunOutput`.
    case runOutput(platform: String, step: String, isError: Bool, bytes: [UInt8])
    /// A RUN's result is taken from the build cache of an earlier build: nothing runs.
    case runCached(platform: String, step: String, line: Int, instruction: String)
    /// `--test` passed: every platform ran (before anything is written or pushed).
    case tested(ImageTestReport)
    /// One new layer is written (`bytes` compressed).
    case layerWritten(bytes: Int64)
    /// The copy into `destination` (`oci:PATH:TAG` or a registry reference) reports `event`.
    case copy(destination: String, event: CopyEvent)
}
