package dev.lanes.internal.http1;

import dev.lanes.internal.compression.CompressionRule;
import dev.lanes.internal.compression.ContentCodings;
import dev.lanes.server.Compression;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
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
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's compressor with the server's rules on top ({@link CompressionRule}, the same as
 * HTTP/2's): only bodies of compressible types, of at least the configured size (when the length
 * is known), never partial content or a body already encoded, and not when the connection says no
 * for this response (a route that turned it off, an HTTP/1.0 client). Every response it could
 * compress says {@code Vary: Accept-Encoding}, whether or not this client accepted an encoding.
 * Each body chunk is compressed and flushed on its own, so a server-sent event reaches the client
 * when it is written. Loop-confined, one per connection.
 *
 * <p>An outbound handler only: the {@link Http1Connection} tells it of each request, in the order
 * they arrive ({@link #requested}), so requests do not cross it on their way in. Netty's encoder
 * (a codec that would see every request) is driven from here.
 */
final class ResponseCompressor extends ChannelOutboundHandlerAdapter {
  private final CompressionRule rule;
  private final Encoder encoder;
  private boolean allowed = true;
  // Per request read, in order: whether Netty's encoder saw it; a response skips the encoder if
  // its request did (HTTP/1.1 answers in order).
  private final ArrayDeque<Boolean> encoderSawRequest = new ArrayDeque<>(1); // grows with pipelining only
  private final List<Object> seen = new ArrayList<>(1); // what the encoder passes on of a request: dropped
  private boolean bypassing; // the response being written skips the encoder, up to its last content
  private ChannelHandlerContext ctx;

  ResponseCompressor(Compression compression) {
    this.rule = new CompressionRule(compression);
    this.encoder = new Encoder();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    encoder.handlerAdded(ctx);
  }

  /** Releases what Netty's encoder holds (also when the closed channel's pipeline is taken down). */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    encoder.handlerRemoved(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    encoder.write(ctx, msg, promise);
  }

  /**
   * A request was read; called for every request, in the order they arrive. One without
   * {@code Accept-Encoding} (nor HEAD or CONNECT, which Netty's encoder treats apart) skips Netty's
   * encoder both ways: its response can only go out as it is, and the encoder's per-message work
   * was most of what compression cost such a request. The response still gets {@code Vary}, like
   * every response the encoder would have compressed.
   */
  void requested(HttpRequest req) throws Exception {
    boolean needed = req.headers().contains(HttpHeaderNames.ACCEPT_ENCODING)
        || req.method() == HttpMethod.HEAD || req.method() == HttpMethod.CONNECT;
    encoderSawRequest.add(needed);
    if (needed) {
      encoder.requested(ctx, req, seen);
      for (Object o : seen) {
        ReferenceCountUtil.release(o); // the encoder passes the request on, retained: it stays the caller's
      }
      seen.clear();
    }
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

  /** Whether the next response head that passes may be compressed; set before each response. */
  void allowNext(boolean allow) {
    this.allowed = allow;
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

  /** Netty's compressor, with this connection's choices of what it may compress. */
  private final class Encoder extends HttpContentCompressor {
    Encoder() {
      super(0, ContentCodings.available());
    }

    /** Records the request's {@code Accept-Encoding} for its response, as Netty's codec does on a read. */
    void requested(ChannelHandlerContext ctx, HttpRequest req, List<Object> out) throws Exception {
      decode(ctx, req, out);
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
  }
}
