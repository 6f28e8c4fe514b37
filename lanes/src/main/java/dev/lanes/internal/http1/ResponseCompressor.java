package dev.lanes.internal.http1;

import dev.lanes.internal.compression.CompressionRule;
import dev.lanes.internal.compression.ContentCodings;
import dev.lanes.server.Compression;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

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

  ResponseCompressor(Compression compression) {
    super(0, ContentCodings.available());
    this.rule = new CompressionRule(compression);
  }

  /**
   * A connection's last, empty answer (408 while a head arrives, 413) may come before any request
   * was decoded; Netty's encoder would fail it for want of a request to pair it with.
   */
  @Override
  public boolean acceptOutboundMessage(Object msg) throws Exception {
    if (msg instanceof FullHttpResponse r && !r.content().isReadable()
        && r.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
      return false;
    }
    return super.acceptOutboundMessage(msg);
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
    long length = response instanceof HttpContent full
        ? full.content().readableBytes() : HttpUtil.getContentLength(response, -1L);
    return rule.eligible(response.status().code(), h.get(HttpHeaderNames.CONTENT_TYPE),
        h.contains(HttpHeaderNames.CONTENT_RANGE), h.contains(HttpHeaderNames.CONTENT_ENCODING), length);
  }
}
