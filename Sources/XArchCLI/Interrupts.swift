import Foundation
import XArchBuild

/// Ctrl-C and SIGTERM: a build's work directories (layer files) are removed before xarch exits with
/// 128 + the signal number, as shells expect. Layouts and registries need nothing: their writes are
/// atomic and an index is written last.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                WorkDirectories.removeAll()
                StandardError.shared.write("\nxarch: interrupted\n")
                Foundation.exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
