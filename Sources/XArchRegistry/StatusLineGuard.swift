import NIOCore
import NIOHTTP1
import XArchModel

/// Refuses a response whose status code is outside 100–599 before async-http-client sees it.
///
/// RFC 9110 §15: "All valid status codes are within the range of 100 to 599, inclusive." NIO's decoder
/// accepts any three digits (`HTTP/1.1 000`, `099`); async-http-client's request state machine skips a
/// head below 200 as if it were an informational (1xx) one and then traps on the body that follows
/// ("How can we receive a response body, if we haven't received a head"). This handler sits between the
/// decoder and async-http-client's handler: it turns such a head into an error on the channel (which
/// fails the request) and closes the connection, dropping whatever follows.
final class StatusLineGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart

    /// Once a head was refused, the rest of that response is dropped.
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        if case .head(let head) = unwrapInboundIn(data), !(100...599).contains(head.status.code) {
            refused = true
            context.fireErrorCaught(InvalidStatusCode(code: head.status.code))
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
    }

    /// Adds the guard right after the response decoder of an async-http-client HTTP/1.1 connection
    /// (given as `HTTPClient.Configuration.http1_1ConnectionDebugInitializer`).
    @Sendable static func install(on channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self)
            try pipeline.addHandler(StatusLineGuard(), position: .after(decoder))
        }
    }
}

/// The error a refused status line raises on the channel; `TransportFailure` words it for the user.
struct InvalidStatusCode: Error, CustomStringConvertible {
    var code: UInt
    var description: String { "invalid HTTP status code \(code) (valid codes are 100–599)" }
}
