package dev.lanes.internal.http1;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Netty's aggregator, except that a body found too large while it arrives (chunked, so no
 * {@code Content-Length} to refuse up front) always gets 413 and a close: Netty keeps a
 * keep-alive connection open and skips the rest of the body, which trusts the framing of a
 * client that has just misbehaved.
 */
final class BodyAggregator extends HttpObjectAggregator {
  BodyAggregator(int maxBodySize) {
    super(maxBodySize, true);
  }

  /**
   * A whole request (one without a body, made whole by {@link RequestDecoder}) goes straight on,
   * before Netty's decoder machinery (an output list per message, the aggregator's acceptance
   * checks), which only bodies need.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof FullHttpRequest) {
      ctx.fireChannelRead(msg);
    } else {
      super.channelRead(ctx, msg);
    }
  }

  /**
   * Not sharable (one per connection). Said outright because Netty asks on every read burst's
   * end, and its default answer is a per-thread map lookup by class.
   */
  @Override
  public boolean isSharable() {
    return false;
  }

  /**
   * The full request for a head that announces no body (no {@code Transfer-Encoding}, no or a
   * zero {@code Content-Length}, no {@code Expect}): an empty body and the headers the client
   * sent (Netty's aggregator would add {@code Content-Length: 0}; HTTP/2 requests do not get it
   * either), without gathering an empty composite buffer; null for any other head, which the
   * aggregator takes. Most requests are such GETs.
   */
  static FullHttpRequest withoutBody(HttpRequest req) {
    if (!announcesNoBody(req)) {
      return null;
    }
    return new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
        Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE);
  }

  /** Whether {@code msg} is the decoder's empty last content: no bytes, no trailers, no failure. */
  static boolean isEmptyLast(Object msg) {
    return msg instanceof LastHttpContent last && !last.content().isReadable()
        && last.decoderResult().isSuccess() && last.trailingHeaders().isEmpty();
  }

  private static boolean announcesNoBody(HttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      return false;
    }
    HttpHeaders h = req.headers();
    if (h.contains(HttpHeaderNames.TRANSFER_ENCODING) || h.contains(HttpHeaderNames.EXPECT)) {
      return false;
    }
    String length = h.get(HttpHeaderNames.CONTENT_LENGTH);
    return length == null || length.equals("0");
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse tooLarge = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    tooLarge.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .set(HttpHeaderNames.DATE, DateHeader.now());
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(tooLarge).addListener(ChannelFutureListener.CLOSE);
  }
}
