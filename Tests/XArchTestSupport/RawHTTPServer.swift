import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A hostile "registry" on loopback: a raw TCP server that answers every request with the same bytes,
/// written as given (any status line, any framing), from a thread of its own. For answers no real
/// server would send (`HTTP/1.1 000 …`), which only a raw socket can produce.
public final class RawHTTPServer: @unchecked Sendable {
    // @unchecked: `fd` and `port` are set once in init; `requests` is guarded by `lock`.
    public let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var requestCount = 0

    /// How many requests (connections whose request head arrived) were answered.
    public var requests: Int { lock.withLock { requestCount } }

    /// Listens on 127.0.0.1 on a free port; `answer` is written after each request head, then the
    /// connection is closed.
    public init(answer: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else { close(fd); throw POSIXError(.EADDRNOTAVAIL) }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let bytes = Array(answer.utf8)
        let listener = fd
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }  // closed by stop()
                Self.readHead(client)
                lock.withLock { requestCount += 1 }
                _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                close(client)
            }
        }
    }

    /// Stops listening (the accept loop ends).
    public func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private static func readHead(_ client: Int32) {
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while seen.count < 1 << 20 {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            seen += buffer[0..<n]
            if String(decoding: seen, as: UTF8.self).contains("\r\n\r\n") { return }
        }
    }
}
