/// The variables visible at a point of a stage: BuildKit's scoping, where `ARG` and `ENV` lines
/// declare names for the instructions after them, and a global `ARG` is visible in a stage only after
/// it is declared again there (Dockerfile reference, "Scope").
struct StageScope {
    struct Value {
        var text: String
        /// `ARG` or `ENV`, and the line that set it.
        var source: String
        var line: Int
    }

    /// Names declared in the stage so far (with or without a value).
    private(set) var declared: Set<String> = []
    /// Values known without build arguments: defaults and `ENV` values, expanded.
    private(set) var values: [String: Value] = [:]

    var environment: ShellEnvironment {
        ShellEnvironment(values.mapValues(\.text))
    }

    /// Updates the scope with an instruction's declarations.
    mutating func apply(_ instruction: Instruction, globals: ShellEnvironment, lexer: ShellLexer) {
        switch instruction.command {
        case "arg":
            for declaration in ArgDeclaration.parse(instruction) {
                declared.insert(declaration.name)
                if let raw = declaration.defaultValue {
                    let text = (try? lexer.expandWord(raw, environment: environment)) ?? raw
                    values[declaration.name] = Value(text: text, source: "ARG", line: declaration.word.position.line)
                } else if let global = globals[declaration.name] {
                    values[declaration.name] = Value(text: global, source: "ARG", line: declaration.word.position.line)
                }
            }
        case "env":
            let args = instruction.arguments
            for key in stride(from: 0, to: args.count - 1, by: 3) {
                let name = args[key].value
                declared.insert(name)
                let text = (try? lexer.expandWord(args[key + 1].value, environment: environment)) ?? args[key + 1].value
                values[name] = Value(text: text, source: "ENV", line: args[key].position.line)
            }
        default:
            break
        }
    }
}

extension DockerfileStages {
    /// The variables a stage starts with. A stage built `FROM <stage>` starts from that stage's state:
    /// its `ENV` values (in the image config) and its `ARG`s, which the Dockerfile reference's "Build
    /// variables" guide shows inherited by the child stage, and which BuildKit's Dockerfile frontend 1.9
    /// also uses for expansion in the child. A stage built from an image starts empty.
    func initialScope(of stage: BuildStage, globals: ShellEnvironment, lexer: ShellLexer) -> StageScope {
        guard let base = baseStage(of: stage) else { return StageScope() }
        var scope = initialScope(of: base, globals: globals, lexer: lexer)
        for instruction in base.instructions { scope.apply(instruction, globals: globals, lexer: lexer) }
        return scope
    }
}
