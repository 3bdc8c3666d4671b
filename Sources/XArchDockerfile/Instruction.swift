/// One instruction of a Dockerfile, as BuildKit's parser leaves it (`parser.Node`): the keyword as
/// written, the `--flags`, the arguments split by that instruction's rule, heredoc bodies, and positions.
///
/// Arguments follow BuildKit's node list exactly, so the s-expression printer matches BuildKit's test
/// files: `ENV` and `LABEL` give key, value and separator triples (`"="` for `k=v`, `""` for the legacy
/// `k v`), `HEALTHCHECK` gives the type first, the exec (JSON) form gives one argument per element, and
/// `ONBUILD` carries its trigger as `trigger`.
public struct Instruction: Sendable, Hashable {
    /// The instruction keyword as written (`FROM`, `from`, `Run`), with its position.
    public var keyword: Word
    /// The builder flags before the arguments, as written after quote removal: `--platform=linux/arm64`.
    public var flags: [Word]
    /// The arguments; see the type's documentation for how each instruction splits them.
    public var arguments: [Word]
    /// Whether the arguments were given in the exec (JSON array) form.
    public var isJSON: Bool
    /// Here-documents, in the order their bodies follow the instruction.
    public var heredocs: [Heredoc]
    /// The logical line after continuation lines were joined, as BuildKit's `Node.Original`.
    public var original: String
    /// From the keyword to the end of the last line (heredoc bodies included).
    public var range: SourceRange
    /// The comments between the previous instruction and this one (BuildKit's `PrevComment`, with positions).
    public var comments: [Comment]
    /// Whether BuildKit's parser knows the keyword; unknown ones keep no arguments and fail later.
    public var isKnown: Bool
    private var triggers: [Instruction]

    public init(keyword: Word, flags: [Word] = [], arguments: [Word] = [], isJSON: Bool = false, heredocs: [Heredoc] = [],
                original: String = "", range: SourceRange, comments: [Comment] = [], isKnown: Bool = true,
                trigger: Instruction? = nil) {
        self.keyword = keyword
        self.flags = flags
        self.arguments = arguments
        self.isJSON = isJSON
        self.heredocs = heredocs
        self.original = original
        self.range = range
        self.comments = comments
        self.isKnown = isKnown
        self.triggers = trigger.map { [$0] } ?? []
    }

    /// The lowercase instruction name: `from`, `run`, `copy`, …
    public var command: String { keyword.value.lowercased() }

    /// The instruction an `ONBUILD` registers, if this is one with an argument.
    public var trigger: Instruction? {
        get { triggers.first }
        set { triggers = newValue.map { [$0] } ?? [] }
    }

    /// The position of the keyword.
    public var position: SourcePosition { keyword.position }

    /// The value of `--name=value` (or `"true"` for a bare `--name`), the last one when repeated.
    public func flag(_ name: String) -> Word? {
        var found: Word?
        for flag in flags {
            let text = flag.value
            guard text.hasPrefix("--") else { continue }
            let body = text.dropFirst(2)
            if let eq = body.firstIndex(of: "=") {
                if body[..<eq] == name[...] {
                    let offset = body.distance(from: body.startIndex, to: eq) + 3
                    found = Word(String(body[body.index(after: eq)...]),
                                 at: SourcePosition(line: flag.position.line, column: flag.position.column + offset))
                }
            } else if body == name[...] {
                found = Word("true", at: flag.position)
            }
        }
        return found
    }

    /// Every value of a repeatable flag such as `--mount`, in order.
    public func flagValues(_ name: String) -> [Word] {
        flags.compactMap { flag in
            let prefix = "--\(name)="
            guard flag.value.hasPrefix(prefix) else { return nil }
            let column = flag.position.column + prefix.unicodeScalars.count
            return Word(String(flag.value.dropFirst(prefix.count)), at: SourcePosition(line: flag.position.line, column: column))
        }
    }
}
