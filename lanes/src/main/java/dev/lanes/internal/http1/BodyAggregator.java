package dev.lanes.internal.http1;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.BooleanSupplier;

/**
 * Netty's aggregator, except that it writes nothing itself, so every answer keeps its request's
 * place in line behind the requests pipelined before it:
 * <ul>
 *   <li>a body found too large (chunked, so no {@code Content-Length} to refuse up front; or a
 *       declared length the validator did not see) leaves as its request, failed with 413, which
 *       the connection answers in order and then closes: Netty writes the 413 at once and keeps
 *       a keep-alive connection open, skipping the rest of the body, which trusts the framing of
 *       a client that has just misbehaved;</li>
 *   <li>a head already refused ({@link RequestValidator}) leaves with its own failure, never a
 *       413 for its length or an interim response;</li>
 *   <li>{@code 100 Continue} is sent only when no earlier response is still being written: in the
 *       middle of one it would break it. Until then it is held back, and sent right behind the
 *       last of them (a client may also send its body after its own wait, RFC 9110 10.1.1).</li>
 * </ul>
 */
final class BodyAggregator extends HttpObjectAggregator {
  private final BooleanSupplier earlierResponsesPending;
  private final Runnable continueHeldBack;

  /**
   * @param earlierResponsesPending whether responses to earlier requests are still to be written
   * @param continueHeldBack told when a {@code 100 Continue} is held back for that reason, to be
   *     sent once they are ({@link ConnectionTimeouts#continueHeldBack})
   */
  BodyAggregator(int maxBodySize, BooleanSupplier earlierResponsesPending, Runnable continueHeldBack) {
    super(maxBodySize, true);
    this.earlierResponsesPending = earlierResponsesPending;
    this.continueHeldBack = continueHeldBack;
  }

  /**
   * A whole request (one without a body, made whole by {@link RequestDecoder}) goes straight on,
   * before Netty's decoder machinery (an output list per message, the aggregator's acceptance
   * checks), which only bodies need.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof FullHttpRequest || msg instanceof StreamedHead) {
      // A streamed head's contents pass by too: the aggregator takes contents only after a head it took.
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpRequest req && req.decoderResult().isSuccess() && unsupportedExpectation(req)) {
      // Refused in order, as the validator's refusals are (Netty would write 417 at once).
      req.setDecoderResult(DecoderResult.failure(
          new RejectedRequest(417, "Expectation Failed: only 100-continue is supported")));
      ctx.channel().config().setAutoRead(false);
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
    // The decoder checked the method and target when it made the head: not scanned again.
    return new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
        Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE, false);
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

  /** An {@code Expect} other than {@code 100-continue} in an HTTP/1.1 request (1.0 ignores it). */
  static boolean unsupportedExpectation(HttpRequest req) {
    String expect = req.headers().get(HttpHeaderNames.EXPECT);
    return expect != null && req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0
        && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect);
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    if (!start.decoderResult().isSuccess()) {
      return null;
    }
    if (earlierResponsesPending.getAsBoolean()) {
      if (HttpUtil.is100ContinueExpected(start)) {
        continueHeldBack.run();
      }
      return null;
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }

  @Override
  protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
    return start.decoderResult().isSuccess() && super.isContentLengthInvalid(start, maxContentLength);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    // Netty releases `oversized` (maybe the body gathered so far) after this: only its head is kept.
    HttpRequest head = (HttpRequest) oversized;
    FullHttpRequest refused = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
        Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE);
    refused.setDecoderResult(DecoderResult.failure(new RejectedRequest(413, "Content Too Large")));
    ctx.channel().config().setAutoRead(false);
    ctx.fireChannelRead(refused);
  }
}
