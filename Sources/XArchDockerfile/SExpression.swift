/// The s-expression form of BuildKit's parser test files (`Node.Dump`): one line per instruction,
/// `(from "alpine")`, `(run "echo hi")`, flags as a Go-quoted list, `ONBUILD` triggers nested.
///
/// Heredoc bodies are not part of the form (BuildKit does not print them either); the JSON form of
/// `xarch dockerfile parse` carries them.
public enum SExpression {
    /// The whole file, one instruction per line, with a final newline (as BuildKit's `result` files).
    public static func render(_ dockerfile: Dockerfile) -> String {
        dockerfile.instructions.map { "(" + render($0) + ")\n" }.joined()
    }

    /// One instruction without the surrounding parentheses.
    public static func render(_ instruction: Instruction) -> String {
        var text = instruction.command
        if !instruction.flags.isEmpty {
            text += " " + GoQuote.quoteList(instruction.flags.map(\.value))
        }
        if let trigger = instruction.trigger {
            text += " (" + render(trigger) + ")"
        } else if !instruction.isKnown {
            text += " \"\""
        } else {
            for argument in instruction.arguments {
                text += " " + GoQuote.quote(argument.value)
            }
        }
        return text
    }
}
