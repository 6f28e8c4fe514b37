package dev.lanes.internal.http1;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Netty's response encoder, told by the {@link RequestDecoder} which method each response answers
 * (a response to {@code HEAD} has no body, not even a last chunk), as {@code HttpServerCodec}'s
 * pair does; each message written goes to the read timers first ({@link ConnectionTimeouts}: a
 * response ended), and a {@code 100 Continue} held back for a pipelined request follows the
 * response it waited for. Decoder and encoder are two handlers, not one combined codec, so a message
 * crosses one pipeline hop each way instead of a combined handler's two. An
 * {@link EncodedResponse} is in wire form already: it goes on as it is.
 */
final class ResponseEncoder extends HttpResponseEncoder {
  private final ConnectionTimeouts timeouts;
  private final Methods methods;

  ResponseEncoder(ConnectionTimeouts timeouts, Methods methods) {
    this.timeouts = timeouts;
    this.methods = methods;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    timeouts.writing(msg);
    if (msg instanceof EncodedResponse whole) {
      methods.answered(); // a final response: its request is answered (its HEAD was applied)
      ctx.write(whole.content(), promise);
    } else {
      super.write(ctx, msg, promise);
    }
    if (timeouts.continueDue()) {
      // A pipelined request's 100 Continue, held back until the responses before it were written:
      // right behind the last of them, and flushed with it.
      super.write(ctx, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER), ctx.voidPromise());
    }
  }

  /**
   * Pairs each final response with the next request's method. An interim response (100
   * Continue) answers no request on its own, so it takes none; {@code HttpServerCodec} takes one
   * for it too, and then misreads the final response to a {@code HEAD} that asked to continue.
   */
  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      return super.isContentAlwaysEmpty(msg);
    }
    return HttpMethod.HEAD.equals(methods.answered()) || super.isContentAlwaysEmpty(msg);
  }

  /** The methods of requests decoded and not yet answered, oldest first. Loop-confined. */
  static final class Methods {
    private final OneSlotQueue<HttpMethod> pending = new OneSlotQueue<>();

    void requested(HttpMethod method) {
      pending.add(method);
    }

    /** The method of the oldest request not yet answered, or null if none is waiting. */
    HttpMethod answered() {
      return pending.poll();
    }
  }
}
