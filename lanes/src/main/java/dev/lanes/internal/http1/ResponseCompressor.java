package dev.lanes.internal.http1;

import dev.lanes.internal.compression.CompressionRule;
import dev.lanes.internal.compression.ContentCodings;
import dev.lanes.server.Compression;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * Netty's compressor with the server's rules on top ({@link CompressionRule}, the same as
 * HTTP/2's): only bodies of compressible types, of at least the configured size (when the length
 * is known), never partial content or a body already encoded, and not when the connection says no
 * for this response (a route that turned it off, an HTTP/1.0 client). Every response it could compress says {@code Vary: Accept-Encoding}, whether
 * or not this client accepted an encoding. Each body chunk is compressed and flushed on its own,
 * so a server-sent event reaches the client when it is written. Loop-confined, one per connection.
 */
final class ResponseCompressor extends HttpContentCompressor {
  private final CompressionRule rule;
  private boolean allowed = true;
  // Per request read, in order: whether Netty's encoder saw it; a response skips the encoder if
  // its request did (HTTP/1.1 answers in order).
  private final ArrayDeque<Boolean> encoderSawRequest = new ArrayDeque<>(1); // grows with pipelining only
  private boolean bypassing; // the response being written skips the encoder, up to its last content
  private ChannelHandlerContext ctx;

  ResponseCompressor(Compression compression) {
    super(0, ContentCodings.available());
    this.rule = new CompressionRule(compression);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
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
   * Where to write a whole final response with {@code status}, written on the loop, so that it
   * goes past this handler: this handler's own context when its request skipped Netty's encoder
   * (the response can only go out as it is), else null (write it through, as an
   * {@code HttpResponse}). Takes the request's place in line; the caller adds {@code Vary} when
   * {@link #varies} says so. It saves the handler's hop for most responses of a server that
   * compresses.
   */
  ChannelHandlerContext pastEncoder(int status) {
    if (bypassing || encoderSawRequest.peek() != Boolean.FALSE || status < 200) {
      return null;
    }
    encoderSawRequest.poll();
    return ctx;
  }

  /**
   * Whether a whole response with this body written past the encoder says
   * {@code Vary: Accept-Encoding}: whether the encoder could have compressed it.
   */
  boolean varies(int status, String contentType, boolean ranged, boolean encoded, int length) {
    return allowed && length > 0 && rule.eligible(status, contentType, ranged, encoded, length);
  }

  /**
   * A connection's last, empty answer (a 408 while a head arrives) may come before any request
   * was decoded; Netty's encoder would fail it for want of a request to pair it with.
   */
  @Override
  public boolean acceptOutboundMessage(Object msg) throws Exception {
    if (msg instanceof FullHttpResponse r && !r.content().isReadable()
        && r.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
      return false;
    }
    if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      bypassing = encoderSawRequest.poll() == Boolean.FALSE;
      if (bypassing && allowed && eligible(r)) {
        r.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
      }
    }
    boolean bypass = bypassing;
    if (msg instanceof LastHttpContent) {
      bypassing = false;
    }
    return !bypass && super.acceptOutboundMessage(msg);
  }

  /**
   * A request without {@code Accept-Encoding} (nor HEAD or CONNECT, which Netty's encoder treats
   * apart) skips Netty's encoder both ways: its response can only go out as it is, and the
   * encoder's per-message work was most of what compression cost such a request. The response
   * still gets {@code Vary}, like every response the encoder would have compressed.
   */
  @Override
  public boolean acceptInboundMessage(Object msg) throws Exception {
    if (!(msg instanceof HttpRequest req)) {
      return false;
    }
    boolean encoder = needsEncoder(req);
    encoderSawRequest.add(encoder);
    return encoder;
  }

  /**
   * A request that skips the encoder goes straight on, before Netty's codec machinery (an output
   * list per message), as the body aggregator does for whole requests.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest req && !needsEncoder(req)) {
      encoderSawRequest.add(false);
      ctx.fireChannelRead(msg);
    } else {
      super.channelRead(ctx, msg);
    }
  }

  private static boolean needsEncoder(HttpRequest req) {
    return req.headers().contains(HttpHeaderNames.ACCEPT_ENCODING)
        || req.method() == HttpMethod.HEAD || req.method() == HttpMethod.CONNECT;
  }

  /** Whether the next response head that passes may be compressed; set before each response. */
  void allowNext(boolean allow) {
    this.allowed = allow;
  }

  @Override
  protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
    if (!allowed || !eligible(response)) {
      return null;
    }
    response.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    return super.beginEncode(response, acceptEncoding);
  }

  /** The same choice as on HTTP/2. */
  @Override
  protected String determineEncoding(String acceptEncoding) {
    return ContentCodings.choose(acceptEncoding);
  }

  private boolean eligible(HttpResponse response) {
    HttpHeaders h = response.headers();
    long length;
    if (response instanceof HttpContent full) {
      if (!full.content().isReadable()) {
        return false; // an empty body passes Netty's encoder untouched, without Vary
      }
      length = full.content().readableBytes();
    } else {
      length = HttpUtil.getContentLength(response, -1L);
    }
    return rule.eligible(response.status().code(), h.get(HttpHeaderNames.CONTENT_TYPE),
        h.contains(HttpHeaderNames.CONTENT_RANGE), h.contains(HttpHeaderNames.CONTENT_ENCODING), length);
  }
}
