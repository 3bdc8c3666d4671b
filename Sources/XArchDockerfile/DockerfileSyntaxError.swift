import XArchModel

/// Where and why a Dockerfile does not parse: the `cause` of the `XArchError` the parser throws.
///
/// BuildKit attaches a line range to its parse errors (`parser.ErrorLocation`); xarch keeps the range with
/// columns. The messages are BuildKit's where BuildKit has one (`unterminated heredoc`, `file with no
/// instructions`, `FROM requires either one or three arguments`, …) so users can search for them.
public struct DockerfileSyntaxError: Error, Sendable, CustomStringConvertible {
    /// BuildKit's wording of the problem, without the location.
    public let message: String
    /// Where the problem is.
    public let range: SourceRange

    public init(_ message: String, at range: SourceRange) {
        self.message = message
        self.range = range
    }

    public init(_ message: String, at position: SourcePosition) {
        self.init(message, at: SourceRange(position))
    }

    /// `line L:C: message`.
    public var description: String { "line \(range.start): \(message)" }

    /// The error as xarch throws it: `invalid-input`, the location in the message, this value as the cause.
    public var error: XArchError {
        XArchError(.invalidInput, "Dockerfile \(description)", cause: self)
    }

    /// The location of a parse error thrown by this module, if `error` is one.
    public static func location(of error: any Error) -> SourceRange? {
        if let syntax = error as? DockerfileSyntaxError { return syntax.range }
        if let xarch = error as? XArchError, let cause = xarch.cause { return location(of: cause) }
        return nil
    }

    /// A parse error restated for a named file, `FILE:LINE:COLUMN: message` (the compiler convention);
    /// other errors are returned as they are.
    public static func naming(_ file: String, in error: any Error) -> any Error {
        guard let range = location(of: error), let message = message(of: error) else { return error }
        return XArchError(.invalidInput, "\(file):\(range.start.line):\(range.start.column): \(message)", cause: error)
    }

    /// The message without location, if `error` is a parse error of this module.
    public static func message(of error: any Error) -> String? {
        if let syntax = error as? DockerfileSyntaxError { return syntax.message }
        if let xarch = error as? XArchError, let cause = xarch.cause { return message(of: cause) }
        return nil
    }
}
