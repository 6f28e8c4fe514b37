package dev.lanes.internal.http1;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

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
