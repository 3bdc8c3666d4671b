import Foundation
import Testing
@testable import XArchLayout
import XArchModel
import XArchTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A FIFO, directory or device where a layout has a file is reported at once, naming what it is: never
/// a hang in `open(2)` or `read(2)` (issue 18, "Hangs").
@Suite struct LayoutSpecialFileTests {
    @Test(.timeLimit(.minutes(1))) func aFIFOForIndexJSONOrOCILayoutIsAnErrorNotAHang() async throws {
        try await TestImages.withTemporaryDirectory("xarch-fifo") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            _ = try layout.index()
            try FileManager.default.removeItem(atPath: "\(dir)/l/index.json")
            #expect(mkfifo("\(dir)/l/index.json", 0o644) == 0)
            #expect { try layout.index() } throws: { error in
                let message = (error as? XArchError)?.message ?? ""
                return message.contains("is a FIFO (named pipe), not a file") && message.contains("index.json")
            }
            try FileManager.default.removeItem(atPath: "\(dir)/l/oci-layout")
            try FileManager.default.createDirectory(atPath: "\(dir)/l/oci-layout", withIntermediateDirectories: false)
            #expect { try OCILayout.open(at: "\(dir)/l") } throws: { error in
                (error as? XArchError)?.message.contains("is a directory, not a file") == true
            }
        }
    }
}

/// A blob whose path is a directory or a FIFO is reported as what it is, not as "missing" (issue 18).
@Suite struct LayoutSpecialBlobTests {
    @Test(.timeLimit(.minutes(1)), arguments: ["directory", "FIFO (named pipe)"])
    func aBlobThatIsNotAFileSaysWhatItIs(kind: String) async throws {
        try await TestImages.withTemporaryDirectory("xarch-special-blob") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let bytes = Fixture.bytes(100)
            let descriptor = Descriptor(mediaType: .ociLayer, bytes: bytes)
            let path = "\(dir)/l/blobs/sha256/\(descriptor.digest.encoded)"
            if kind == "directory" {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } else {
                try FileManager.default.createDirectory(atPath: "\(dir)/l/blobs/sha256", withIntermediateDirectories: true)
                #expect(mkfifo(path, 0o644) == 0)
            }
            await #expect { _ = try await layout.blob(descriptor) } throws: { error in
                (error as? XArchError)?.message == "blob \(descriptor.digest) in layout \(dir)/l is a \(kind), not a file"
            }
        }
    }
}

/// Temporary files of layout writes are known while they are written, so a Ctrl-C handler can remove
/// them (`OCILayout.removeFilesInFlight`, called by the CLI's interrupt handler before it exits).
@Suite struct LayoutFilesInFlightTests {
    @Test func temporaryFilesAreTrackedUntilCommittedOrDiscarded() async throws {
        try await TestImages.withTemporaryDirectory("xarch-in-flight") { dir in
            let kept = try TempFile(in: dir), dropped = try TempFile(in: dir)
            #expect(TempFile.inFlight.withLock { $0.isSuperset(of: [kept.path, dropped.path]) })
            try kept.write([1, 2, 3])
            try kept.commit(as: "\(dir)/final")
            dropped.discard()
            #expect(TempFile.inFlight.withLock { $0.isDisjoint(with: [kept.path, dropped.path]) })
            #expect(FileManager.default.fileExists(atPath: "\(dir)/final"))
        }
    }
}
