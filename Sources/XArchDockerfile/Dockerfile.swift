/// A parsed Dockerfile: the instructions in order, the parser directives, the comments and warnings.
///
/// This is BuildKit's parser result (`parser.Result`: the AST whose children are the instructions, the
/// escape token, the warnings) with a position on every word. Nothing is evaluated yet: variables are
/// expanded later by `ShellLexer`, stages are formed by `DockerfileStages`.
public struct Dockerfile: Sendable, Hashable {
    /// The parser directives at the top of the file (`# syntax=`, `# escape=`, `# check=`), in order.
    public var directives: [ParserDirective]
    /// The escape and line-continuation character: `\` unless `# escape=`` ` `` says otherwise.
    public var escapeToken: Unicode.Scalar
    /// The instructions, in source order.
    public var instructions: [Instruction]
    /// Every comment line (directives included), in source order.
    public var comments: [Comment]
    /// Parser warnings (BuildKit's: empty continuation lines).
    public var warnings: [ParserWarning]
    /// The source lines without line endings, for locating words inside instructions and heredocs.
    public var lines: [String] = []

    public init(directives: [ParserDirective] = [], escapeToken: Unicode.Scalar = "\\", instructions: [Instruction] = [],
                comments: [Comment] = [], warnings: [ParserWarning] = []) {
        self.directives = directives
        self.escapeToken = escapeToken
        self.instructions = instructions
        self.comments = comments
        self.warnings = warnings
    }

    /// The first position at or after `start`, up to line `endLine`, where `text` occurs in the source.
    public func locate(_ text: String, from start: SourcePosition, through endLine: Int) -> SourcePosition? {
        guard !text.isEmpty else { return nil }
        var line = start.line
        while line <= min(endLine, lines.count) {
            let scalars = lines[line - 1].scalars
            let needle = text.scalars
            let first = line == start.line ? max(0, start.column - 1) : 0
            if needle.count <= scalars.count, first <= scalars.count - needle.count {
                for i in first...(scalars.count - needle.count) where scalars[i] == needle[0] {
                    if Array(scalars[i..<(i + needle.count)]) == needle { return SourcePosition(line: line, column: i + 1) }
                }
            }
            line += 1
        }
        return nil
    }

    /// The value of a parser directive, by lowercase name.
    public func directive(_ name: String) -> String? {
        directives.first { $0.name == name }?.value
    }
}

/// A parser directive: `# syntax=docker/dockerfile:1`, `# escape=``, `# check=skip=…`.
public struct ParserDirective: Sendable, Hashable {
    /// The lowercase name: `syntax`, `escape` or `check`.
    public var name: String
    /// The value, trimmed.
    public var value: String
    /// The directive's line.
    public var range: SourceRange
}

/// A comment line: the text after `#`, trimmed.
public struct Comment: Sendable, Hashable {
    public var text: String
    public var position: SourcePosition
}

/// A warning from the parser (BuildKit reports empty continuation lines this way).
public struct ParserWarning: Sendable, Hashable {
    public var message: String
    public var range: SourceRange
}

/// A here-document attached to a `RUN`, `COPY` or `ADD` (Dockerfile reference, "Here-Documents").
public struct Heredoc: Sendable, Hashable {
    /// The delimiter word with quotes removed: `EOF` for `<<EOF`, `<<'EOF'`, `<<-"EOF"`.
    public var name: String
    /// The file descriptor before `<<` (`3<<EOF`), 0 when none.
    public var fileDescriptor: Int
    /// Whether variables in the body are expanded: true unless part of the delimiter is quoted.
    public var expand: Bool
    /// Whether `<<-` was used: leading tabs are stripped from the body and the terminator.
    public var chomp: Bool
    /// The body exactly as written, line endings included, without the terminator line.
    public var content: String
    /// The lines of the body and terminator.
    public var range: SourceRange

    /// The body as it is used: leading tabs of every line removed when `chomp` (BuildKit `ChompHeredocContent`).
    public var effectiveContent: String {
        guard chomp else { return content }
        var out = String.UnicodeScalarView()
        var atLineStart = true
        for scalar in content.unicodeScalars {
            if atLineStart && scalar == "\t" { continue }
            atLineStart = scalar == "\n"
            out.append(scalar)
        }
        return String(out)
    }
}
