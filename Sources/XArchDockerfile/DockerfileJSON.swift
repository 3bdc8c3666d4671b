/// The JSON form of `xarch dockerfile parse --format json`: every instruction with positions, flags,
/// arguments (as in the s-expression form) and heredoc bodies; directives and warnings.
public struct DockerfileJSON: Encodable, Sendable {
    public struct WordJSON: Encodable, Sendable {
        var value: String
        var line: Int
        var column: Int
        init(_ word: Word) {
            value = word.value
            line = word.position.line
            column = word.position.column
        }
    }

    public struct HeredocJSON: Encodable, Sendable {
        var name: String
        var fileDescriptor: Int
        var expand: Bool
        var chomp: Bool
        var content: String
        var startLine: Int
        var endLine: Int
    }

    public final class InstructionJSON: Encodable, Sendable {
        let instruction: String
        let keyword: WordJSON
        let flags: [WordJSON]
        let arguments: [WordJSON]
        let json: Bool
        let heredocs: [HeredocJSON]
        let trigger: InstructionJSON?
        let startLine: Int
        let endLine: Int

        init(_ i: Instruction) {
            instruction = i.command
            keyword = WordJSON(i.keyword)
            flags = i.flags.map(WordJSON.init)
            arguments = i.arguments.map(WordJSON.init)
            json = i.isJSON
            heredocs = i.heredocs.map {
                HeredocJSON(name: $0.name, fileDescriptor: $0.fileDescriptor, expand: $0.expand, chomp: $0.chomp,
                            content: $0.content, startLine: $0.range.start.line, endLine: $0.range.end.line)
            }
            trigger = i.trigger.map(InstructionJSON.init)
            startLine = i.range.start.line
            endLine = i.range.end.line
        }
    }

    let escape: String
    let directives: [String: String]
    let instructions: [InstructionJSON]
    let warnings: [String]

    public init(_ dockerfile: Dockerfile) {
        escape = String(dockerfile.escapeToken)
        directives = Dictionary(dockerfile.directives.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        instructions = dockerfile.instructions.map(InstructionJSON.init)
        warnings = dockerfile.warnings.map(\.message)
    }
}
