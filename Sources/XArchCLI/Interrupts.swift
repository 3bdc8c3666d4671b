import Foundation
import XArchArchive
import XArchLayout

/// Ctrl-C and SIGTERM: a build's work directories (layer files) and the temporary files of layout writes
/// in flight (a copy's partial blob) are removed before xarch exits with 128 + the signal number, as
/// shells expect. Nothing else needs it: layout and registry writes are atomic and an index is written last.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                WorkDirectories.removeAll()
                OCILayout.removeFilesInFlight()
                StandardError.shared.write("\nxarch: interrupted\n")
                Foundation.exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
