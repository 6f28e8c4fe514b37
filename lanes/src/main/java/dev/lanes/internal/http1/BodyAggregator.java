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
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's aggregator, except that a body found too large while it arrives (chunked, so no
 * {@code Content-Length} to refuse up front) always gets 413 and a close: Netty keeps a
 * keep-alive connection open and skips the rest of the body, which trusts the framing of a
 * client that has just misbehaved.
 */
final class BodyAggregator extends HttpObjectAggregator {
  private FullHttpRequest withoutBody; // a head without a body, until its empty last content

  BodyAggregator(int maxBodySize) {
    super(maxBodySize, true);
  }

  /**
   * A head that announces no body (no {@code Transfer-Encoding}, no or a zero
   * {@code Content-Length}, no {@code Expect}) becomes the full request as Netty's aggregator
   * would make it (an empty body, {@code Content-Length: 0}), but without gathering an empty
   * composite buffer: most requests are such GETs. It goes on when the decoder's empty last
   * content arrives (right behind the head), in its place, so the handlers in front
   * ({@link ConnectionTimeouts}) have seen the request end before it is served. Both messages
   * are handled here, before Netty's decoder machinery (an output list per message, the
   * aggregator's state), which only bodies need.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    FullHttpRequest ready = withoutBody;
    if (ready != null) {
      withoutBody = null;
      if (isEmptyLast(msg)) {
        ReferenceCountUtil.release(msg);
        ctx.fireChannelRead(ready);
        return;
      }
      ctx.fireChannelRead(ready); // then the content (not empty, or failed) goes its usual way
    }
    if (msg instanceof HttpRequest req && !(msg instanceof HttpContent) && announcesNoBody(req)) {
      HttpHeaders h = req.headers();
      if (!h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        // add, not set: the name is absent, so set's search to remove it would find nothing.
        h.add(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
      }
      withoutBody = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
          Unpooled.EMPTY_BUFFER, h, EmptyHttpHeaders.INSTANCE);
      return;
    }
    super.channelRead(ctx, msg);
  }

  /**
   * Not sharable (one per connection). Said outright because Netty asks on every read burst's
   * end, and its default answer is a per-thread map lookup by class.
   */
  @Override
  public boolean isSharable() {
    return false;
  }

  private static boolean isEmptyLast(Object msg) {
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
