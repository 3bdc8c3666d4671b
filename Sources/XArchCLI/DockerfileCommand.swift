import ArgumentParser
import Foundation
import XArch
import XArchDockerfile
import XArchModel

/// `xarch dockerfile …`: look at Dockerfiles as xarch (and BuildKit) parse them.
struct DockerfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockerfile",
        abstract: "Work with Dockerfiles.",
        subcommands: [DockerfileParseCommand.self]
    )
}

/// `xarch dockerfile parse FILE --format sexp|json`.
struct DockerfileParseCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print the parse tree of a Dockerfile.",
        discussion: "sexp is the form of BuildKit's parser test files, one instruction per line: (from \"alpine\"). json adds positions, flags and heredoc bodies."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case sexp, json }

    @Option(name: .long, help: "Output format: sexp or json.")
    var format: Format = .sexp

    @Argument(help: "The Dockerfile.")
    var file: String

    func execute(_ context: CommandContext) async throws {
        let data = try DockerfileLint.readDockerfile(file)
        let dockerfile: Dockerfile
        do {
            dockerfile = try DockerfileParser.parse(data: data)
        } catch {
            throw DockerfileSyntaxError.naming(file, in: error)
        }
        switch format {
        case .sexp: context.stdout.write(SExpression.render(dockerfile))
        case .json: try context.printJSON(DockerfileJSON(dockerfile))
        }
    }
}
