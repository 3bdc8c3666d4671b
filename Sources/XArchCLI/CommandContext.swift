import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Somewhere text goes: the terminal, or a buffer in tests.
public protocol TextSink: Sendable {
    func write(_ text: String)
    /// Whether this is an interactive terminal (tables, colour).
    var isTerminal: Bool { get }
}

/// Standard output.
public struct StandardOutput: TextSink {
    public static let shared = StandardOutput()
    public func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    public var isTerminal: Bool { isatty(1) == 1 }
}

/// Standard error.
public struct StandardError: TextSink {
    public static let shared = StandardError()
    public func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
    public var isTerminal: Bool { isatty(2) == 1 }
}

/// Collects text in memory (tests).
public final class TextBuffer: TextSink, Sendable {
    private let storage = Mutex("")
    public init() {}
    public func write(_ text: String) { storage.withLock { $0 += text } }
    public var text: String { storage.withLock { $0 } }
    public var isTerminal: Bool { false }
}

/// What a command needs from its surroundings.
struct CommandContext: Sendable {
    let stdout: any TextSink
    let stderr: any TextSink

    /// Colour only on a terminal and when `NO_COLOR` is unset (no-color.org).
    var useColor: Bool {
        stdout.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    func print(_ line: String = "") { stdout.write(line + "\n") }

    func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        stdout.write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }

    func style(_ text: String, _ code: ANSI) -> String {
        useColor ? "\u{1B}[\(code.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// Terminal styles used by xarch's human output.
enum ANSI: String {
    case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
}
