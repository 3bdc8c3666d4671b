/// A point in a Dockerfile: 1-based line and 1-based column.
///
/// BuildKit's parser keeps only lines (`parser.Position.Line`); xarch also keeps the column, counted in
/// Unicode scalar values (SARIF's `unicodeCodePoints`), so a finding can point at the word it is about.
public struct SourcePosition: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, in Unicode scalars.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A span of a Dockerfile from `start` to `end` (inclusive of the character at `end`).
public struct SourceRange: Hashable, Sendable, Codable, CustomStringConvertible {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// A range covering one position.
    public init(_ position: SourcePosition) {
        self.init(start: position, end: position)
    }

    /// `line:column` of the start.
    public var description: String { start.description }
}

/// A word of a Dockerfile with the position of its first character.
///
/// Values are what BuildKit's parser keeps in its `Node.Value` (quotes and escapes still in place for the
/// shell forms); the position is where the word starts in the source, or, for words BuildKit synthesizes
/// (the `=` separator of `ENV a b`), the nearest source position.
public struct Word: Hashable, Sendable, CustomStringConvertible {
    public var value: String
    public var position: SourcePosition

    public init(_ value: String, at position: SourcePosition) {
        self.value = value
        self.position = position
    }

    public var description: String { value }

    /// The range from the first to the last character of the word, assuming it sits on one line.
    public var range: SourceRange {
        let width = max(value.unicodeScalars.count, 1)
        return SourceRange(start: position, end: SourcePosition(line: position.line, column: position.column + width - 1))
    }
}
