/// One build stage: a `FROM` and the instructions up to the next `FROM` (Dockerfile reference,
/// "Multi-stage builds"; BuildKit `instructions.Stage`).
public struct BuildStage: Sendable, Hashable {
    /// The position among the stages, from 0.
    public var index: Int
    /// The `FROM` instruction.
    public var from: Instruction
    /// The base as written: an image reference, `scratch`, or an earlier stage's name; may hold `$VAR`s.
    public var base: Word
    /// The stage name after `AS`, lowercased as BuildKit stores it.
    public var name: String?
    /// The `AS name` word as written.
    public var nameWord: Word?
    /// The `--platform` value as written (the position is the value's).
    public var platform: Word?
    /// The instructions after `FROM`, in order.
    public var instructions: [Instruction]

    /// `name` or, for unnamed stages, the index as BuildKit accepts it in `COPY --from=0`.
    public var label: String { name ?? String(index) }

    /// `stage builder` or, for unnamed stages, `stage #0`: how messages name the stage.
    public var displayName: String { name.map { "stage \($0)" } ?? "stage #\(index)" }
}

/// A variable declared with `ARG`: `ARG NAME` or `ARG NAME=default`.
public struct ArgDeclaration: Sendable, Hashable {
    /// The variable's name.
    public var name: String
    /// The default as written (quotes and `$VAR`s not yet processed), if one is given.
    public var defaultValue: String?
    /// The `NAME[=default]` word.
    public var word: Word

    /// Reads the declarations of an `ARG` instruction.
    public static func parse(_ instruction: Instruction) -> [ArgDeclaration] {
        instruction.arguments.map { word in
            if let eq = word.value.firstIndex(of: "=") {
                return ArgDeclaration(name: String(word.value[..<eq]), defaultValue: String(word.value[word.value.index(after: eq)...]),
                                      word: word)
            }
            return ArgDeclaration(name: word.value, defaultValue: nil, word: word)
        }
    }
}
