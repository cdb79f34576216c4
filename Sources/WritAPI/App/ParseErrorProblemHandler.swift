import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refuses (a bad request line, conflicting `Content-Length`
/// and `Transfer-Encoding`, malformed headers) with an RFC 9457 problem and closes the connection,
/// where Hummingbird would send an empty 400.
///
/// It sits in the pipeline after the HTTP codec. It takes over only between requests — no request
/// being read, no response being written — which is where such errors arrive, because NIO's
/// pipelining handler holds a parse error back until the current response has ended. An error in
/// the middle of a request's body goes on to Hummingbird, so a truncated body is never served.
final class ParseErrorProblemHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The problem sent for a request the parser refuses.
    static let body = """
        {"detail":"The request is not valid HTTP/1.1 (request line, headers or framing).",\
        "status":400,"title":"Bad Request","type":"urn:writ:problem:malformed-http"}
        """

    /// Whether a request has started and its response has not yet ended.
    private var exchangeOpen = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { exchangeOpen = true }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { exchangeOpen = false }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !exchangeOpen else {
            context.fireErrorCaught(error)
            return
        }
        exchangeOpen = true
        let buffer = context.channel.allocator.buffer(string: Self.body)
        let head = HTTPResponse(
            status: .badRequest,
            headerFields: [
                .contentType: "application/problem+json", .contentLength: String(buffer.readableBytes), .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
