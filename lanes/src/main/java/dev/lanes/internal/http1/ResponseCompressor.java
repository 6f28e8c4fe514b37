package dev.lanes.internal.http1;

import dev.lanes.http.Response;
import dev.lanes.internal.compression.CompressionRule;
import dev.lanes.internal.compression.ContentCodings;
import dev.lanes.internal.http.VaryField;
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
  // Made at the first request that needs it: many clients (API clients, load tools) never send
  // Accept-Encoding, and each of 10 000 connections would hold its state for nothing.
  private Encoder encoder;
  private boolean allowed = true; // set by the last Switch that passed: the route of the head behind it
  // The last Switch handed out, by whichever thread writes a response head: written in order with
  // the heads, a switch takes effect exactly for the heads behind it, even those queued elsewhere
  // in the pipeline (a chunked file's writer) when it is handed out.
  private volatile boolean announced = true;
  // Per request read, in order: whether Netty's encoder saw it (a Boolean), or the HeadRequest of
  // a HEAD; a response skips the encoder unless its request was TRUE (HTTP/1.1 answers in order).
  private final OneSlotQueue<Object> encoderSawRequest = new OneSlotQueue<>();
  private boolean bypassing; // the response being written skips the encoder, up to its last content
  private ChannelHandlerContext ctx;

  ResponseCompressor(Compression compression) {
    this.rule = new CompressionRule(compression);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Releases what Netty's encoder holds (also when the closed channel's pipeline is taken down). */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    if (encoder != null) {
      encoder.handlerRemoved(ctx);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof Switch next) {
      allowed = next == Switch.MAY_COMPRESS;
      promise.trySuccess();
      return;
    }
    if (skipsEncoder(msg) || encoder == null) { // skipsEncoder first: it follows every message
      ctx.write(msg, promise);
    } else {
      encoder.write(ctx, msg, promise);
    }
  }

  /**
   * Follows the responses as they pass and says whether {@code msg} goes past Netty's encoder: a
   * response whose request skipped it, up to its last content (it still says {@code Vary}, and a
   * HEAD's gets the head its GET would: {@link #asGetWouldSay}), and
   * a connection's last, empty answer owed to no request read (a 408 while a head arrives), which
   * Netty's encoder would fail for want of a request to pair it with. An empty answer with
   * {@code Connection: close} to a request read (a HEAD's, a 204) takes its request's place as any.
   */
  private boolean skipsEncoder(Object msg) {
    if (msg instanceof FullHttpResponse r && encoderSawRequest.isEmpty() && !r.content().isReadable()
        && r.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
      return true;
    }
    if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      Object request = encoderSawRequest.poll();
      bypassing = request != Boolean.TRUE;
      if (request instanceof HeadRequest head) {
        asGetWouldSay(r, head.coding());
      } else if (bypassing && allowed && eligible(r)) {
        vary(r.headers());
      }
    }
    boolean bypass = bypassing;
    if (msg instanceof LastHttpContent) {
      bypassing = false;
    }
    return bypass;
  }

  /**
   * A request was read; called for every request, in the order they arrive. One without
   * {@code Accept-Encoding} (nor CONNECT, which Netty's encoder treats apart) skips Netty's
   * encoder both ways: its response can only go out as it is, and the encoder's per-message work
   * was most of what compression cost such a request. The response still gets {@code Vary}, like
   * every response the encoder would have compressed. A HEAD skips it too (its answer has no body
   * to compress), with the coding its GET would get.
   */
  void requested(HttpRequest req) throws Exception {
    if (req.method() == HttpMethod.HEAD) {
      String acceptEncoding = ContentCodings.acceptEncoding(req.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING));
      encoderSawRequest.add(new HeadRequest(ContentCodings.choose(acceptEncoding)));
      return;
    }
    boolean needed = req.headers().contains(HttpHeaderNames.ACCEPT_ENCODING) || req.method() == HttpMethod.CONNECT;
    encoderSawRequest.add(needed);
    if (needed) {
      if (encoder == null) {
        encoder = new Encoder();
        encoder.handlerAdded(ctx);
      }
      encoder.requested(ctx, req);
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

  /**
   * {@code notModified}, a 304 that Netty's encoder would pass by, with the {@code Vary} and
   * {@code ETag} its 200 would have had here ({@link CompressionRule#notModified});
   * {@code acceptEncoding}: the request's, or null.
   */
  Response notModified(Response notModified, String acceptEncoding) {
    return rule.notModified(notModified, ContentCodings.choose(acceptEncoding));
  }

  /** {@code partial}, a 206, with the {@code Vary} its 200 would have had here ({@link CompressionRule#partial}). */
  Response partial(Response partial) {
    return rule.partial(partial);
  }

  /** Whether a request of this connection needed Netty's encoder, so that it was made. */
  boolean madeEncoder() {
    return encoder != null;
  }

  /**
   * What to write ahead of a response head, from the same context and thread, so that it passes
   * here compressible or not ({@code allow}: its route's choice); null when the heads before it
   * had the same choice. Usage: {@code Object s = compressor.switchTo(false); if (s != null) ctx.write(s, ctx.voidPromise());}
   */
  Object switchTo(boolean allow) {
    if (allow == announced) {
      return null;
    }
    announced = allow;
    return allow ? Switch.MAY_COMPRESS : Switch.AS_IS;
  }

  /** Whether the response heads behind it may be compressed: a message this handler takes out. */
  enum Switch { MAY_COMPRESS, AS_IS }

  /** A HEAD request read: {@code coding} is the one its GET would be sent with, or null. */
  private record HeadRequest(String coding) {}

  /**
   * Gives the answer to a HEAD the fields its GET would have (RFC 9110 9.3.2): {@code Vary} when
   * the GET's body could be compressed, and when this client would get it compressed, its
   * {@code Content-Encoding}, its weak {@code ETag}, no {@code Accept-Ranges}, and no {@code Content-Length} (the length
   * of the compressed body is not known without compressing it). The HEAD's head carries the
   * GET's length, or chunked when that is unknown.
   */
  private void asGetWouldSay(HttpResponse response, String coding) {
    if (!allowed || !Http1ExchangeCodec.hasBody(response.status().code())) {
      return; // and a 304 may carry a handler's Content-Length, not to be read here
    }
    HttpHeaders h = response.headers();
    long length = HttpUtil.getContentLength(response, -1L);
    if (length == 0 || !rule.eligible(response.status().code(), h.get(HttpHeaderNames.CONTENT_TYPE),
        h.contains(HttpHeaderNames.CONTENT_RANGE), h.contains(HttpHeaderNames.CONTENT_ENCODING), length)) {
      return;
    }
    vary(h);
    if (coding != null) {
      h.set(HttpHeaderNames.CONTENT_ENCODING, coding);
      h.remove(HttpHeaderNames.CONTENT_LENGTH);
      asCompressed(h);
    }
  }

  /**
   * The fields of a head whose body goes compressed: a weak {@code ETag}, and no
   * {@code Accept-Ranges}, since ranges are served of the identity body only
   * ({@link CompressionRule#compressedEtag}).
   */
  private static void asCompressed(HttpHeaders h) {
    String etag = h.get(HttpHeaderNames.ETAG);
    if (etag != null) {
      h.set(HttpHeaderNames.ETAG, CompressionRule.compressedEtag(etag));
    }
    h.remove(HttpHeaderNames.ACCEPT_RANGES);
  }

  /** Adds {@code Accept-Encoding} to the head's one {@code Vary} field ({@link VaryField}). */
  private static void vary(HttpHeaders h) {
    h.set(HttpHeaderNames.VARY, VaryField.with(h.getAll(HttpHeaderNames.VARY), "accept-encoding"));
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

    private final List<Object> seen = new ArrayList<>(1); // what decode passes on of a request: dropped

    /** Records the request's {@code Accept-Encoding} for its response, as Netty's codec does on a read. */
    void requested(ChannelHandlerContext ctx, HttpRequest req) throws Exception {
      decode(ctx, req, seen);
      for (Object o : seen) {
        ReferenceCountUtil.release(o); // passed on retained: the request stays the caller's
      }
      seen.clear();
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
      if (!allowed || !eligible(response)) {
        return null;
      }
      vary(response.headers());
      Result result = super.beginEncode(response, acceptEncoding);
      if (result != null) {
        asCompressed(response.headers());
      }
      return result;
    }

    /** The same choice as on HTTP/2. */
    @Override
    protected String determineEncoding(String acceptEncoding) {
      return ContentCodings.choose(acceptEncoding);
    }
  }
}
