import Foundation
import XArchModel

/// Parses Dockerfiles exactly as BuildKit's `frontend/dockerfile/parser` does: parser directives,
/// comments, line continuations with the escape character (empty and comment lines inside a
/// continuation are skipped), heredocs, and each instruction's argument rule.
///
/// Errors are `XArchError`s (`invalid-input`) whose cause is a `DockerfileSyntaxError` with the location.
public enum DockerfileParser {
    /// BuildKit's scanner limit: a line may hold at most this many bytes.
    public static let maximumLineLength = 65_535
    /// Largest Dockerfile read (xarch's limit; real ones are kilobytes): the parser holds the text
    /// several times over, so a bound keeps memory bounded.
    public static let maximumFileSize = 16 << 20

    /// Parses Dockerfile text.
    public static func parse(_ text: String) throws -> Dockerfile {
        do {
            var state = ParserState(lines: SourceLines(text))
            return try state.run()
        } catch let error as DockerfileSyntaxError {
            throw error.error
        }
    }

    /// Parses Dockerfile bytes (UTF-8; invalid sequences become U+FFFD).
    public static func parse(data: Data) throws -> Dockerfile {
        try parse(String(decoding: data, as: UTF8.self))
    }
}

/// The state of one parse: BuildKit's `Parse` loop.
struct ParserState {
    let lines: SourceLines
    var next = 0
    var escape: Unicode.Scalar = "\\"
    var directiveScanner = DirectiveScanner()
    var result = Dockerfile()
    var pendingComments: [Comment] = []

    init(lines: SourceLines) {
        self.lines = lines
    }

    mutating func run() throws -> Dockerfile {
        while next < lines.count {
            let first = next
            next += 1
            let (text, column) = try processLine(first, startsInstruction: true)
            let number = first + 1
            var (kept, isEnd) = trimContinuation(text)
            if isEnd && kept.isEmpty { continue }
            var line = LogicalLine()
            line.append(kept, line: number, firstColumn: column)
            var hasEmptyContinuation = false
            while !isEnd && next < lines.count {
                let index = next
                next += 1
                let (continued, continuedColumn) = try processLine(index, startsInstruction: false)
                if isComment(lines.content(index)) { continue }
                if continued.allSatisfy(\.isGoSpace) {
                    hasEmptyContinuation = true
                    continue
                }
                (kept, isEnd) = trimContinuation(continued)
                line.append(kept, line: index + 1, firstColumn: continuedColumn)
            }
            if hasEmptyContinuation {
                result.warnings.append(ParserWarning(
                    message: "Empty continuation line found in: \(line.scalars.string)",
                    range: SourceRange(start: SourcePosition(line: number, column: column), end: line.endPosition)))
            }
            var instruction = try InstructionBuilder(line: line, escape: escape).instruction(0..<line.scalars.count)
            instruction.comments = pendingComments
            pendingComments = []
            if instruction.canContainHeredoc && line.containsHeredocMarker(0..<line.scalars.count) {
                instruction.heredocs = try readHeredocs(for: line, instructionLine: number)
                if let last = instruction.heredocs.last { instruction.range.end = last.range.end }
            }
            result.instructions.append(instruction)
        }
        guard !result.instructions.isEmpty else {
            throw DockerfileSyntaxError("file with no instructions", at: SourcePosition(line: max(lines.count, 1), column: 1))
        }
        result.escapeToken = escape
        result.lines = (0..<lines.count).map { lines.content($0).string }
        if let first = result.lines.first, first.hasPrefix("\u{FEFF}") { result.lines[0] = String(first.dropFirst()) }
        return result
    }

    /// BuildKit `processLine`: strips the line ending (and leading white space when the line starts an
    /// instruction), feeds the directive parser, records comments, and blanks comment lines.
    mutating func processLine(_ index: Int, startsInstruction: Bool) throws -> (ArraySlice<Unicode.Scalar>, Int) {
        let number = index + 1
        guard lines.utf8Length(index) <= DockerfileParser.maximumLineLength else {
            throw DockerfileSyntaxError("dockerfile line greater than max allowed size of \(DockerfileParser.maximumLineLength)",
                                        at: SourcePosition(line: number, column: 1))
        }
        var text = lines.content(index)
        if index == 0, text.first == "\u{FEFF}" { text = text.dropFirst() }
        var column = 1
        if startsInstruction {
            while let c = text.first, c.isGoSpace {
                text = text.dropFirst()
                column += 1
            }
        }
        let directive = try directiveScanner.scan(text, number: number)
        if let directive {
            if directive.name == "escape" {
                guard directive.value == "`" || directive.value == "\\" else {
                    throw DockerfileSyntaxError("invalid escape token '\(directive.value)' does not match ` or \\", at: directive.range)
                }
                escape = directive.value.unicodeScalars.first!
            }
            result.directives.append(directive)
        }
        if isComment(text) {
            var body = text.drop { $0.isGoSpace }.dropFirst()
            while let c = body.first, c.isGoSpace { body = body.dropFirst() }
            while let c = body.last, c.isGoSpace { body = body.dropLast() }
            let comment = Comment(text: body.string, position: SourcePosition(line: number, column: column))
            result.comments.append(comment)
            if startsInstruction && directive == nil {
                if comment.text.isEmpty { pendingComments = [] } else { pendingComments.append(comment) }
            }
            return (text[text.endIndex...], column)
        }
        return (text, column)
    }

    func isComment(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        text.first { !$0.isGoSpace } == "#"
    }

    /// BuildKit's continuation rule: the line ends with the escape character (and optional blanks) that
    /// is not itself escaped; the escape and the blanks after it are removed.
    func trimContinuation(_ text: ArraySlice<Unicode.Scalar>) -> (ArraySlice<Unicode.Scalar>, Bool) {
        var end = text.endIndex
        while end > text.startIndex, text[end - 1] == " " || text[end - 1] == "\t" { end -= 1 }
        guard end > text.startIndex, text[end - 1] == escape else { return (text, true) }
        let escapeIndex = end - 1
        if escapeIndex > text.startIndex && text[escapeIndex - 1] == escape { return (text, true) }
        return (text[text.startIndex..<escapeIndex], false)
    }
}
