import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes the connection of an event stream (`text/event-stream`) as soon as its client hangs up.
///
/// The server allows remote half-closure, so a client that goes away shows up only as
/// `inputClosed`, and an idle stream would notice at its next keep-alive write; until then it
/// holds one of its tenant's and its credential's stream slots. Closing the channel completes its
/// `closeFuture`, which releases the slot at once (`EventsController`). Other responses are left to
/// finish: a client may half-close after its request and still read the answer.
final class HangupHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Whether an event stream's head went out and its end has not.
    private var streaming = false
    /// Whether the client has closed its side.
    private var inputClosed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            if streaming {
                context.close(promise: nil)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            streaming = head.headerFields[.contentType]?.hasPrefix("text/event-stream") == true
        case .end:
            streaming = false
        case .body:
            break
        }
        context.write(data, promise: promise)
        if streaming, inputClosed { context.close(promise: nil) }
    }
}
