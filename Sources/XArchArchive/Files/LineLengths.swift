import XArchModel

/// Line lengths of a text read in pieces, for `POSIXFile.readFile(lineLimit:)`: fails on the first line
/// longer than a limit while the text streams in (a Dockerfile line over 64 KiB, as BuildKit refuses it).
struct LineLengths {
    /// The 1-based number of the line being read.
    private(set) var line = 1
    /// Bytes of that line read so far.
    private var length = 0

    /// Counts `bytes`; throws naming the line once it is longer than `limit` bytes (one more is allowed
    /// for a `\r` before its `\n`).
    mutating func check(_ bytes: ArraySlice<UInt8>, limit: Int, what: String) throws {
        for byte in bytes {
            if byte == 10 {
                line += 1
                length = 0
            } else {
                length += 1
                if length > limit + 1 {
                    throw XArchError(.tooLarge, "\(what): line \(line) is longer than the \(limit)-byte limit for a line")
                }
            }
        }
    }
}
