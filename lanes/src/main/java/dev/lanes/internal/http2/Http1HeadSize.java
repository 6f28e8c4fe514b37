package dev.lanes.internal.http2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;

/**
 * An HTTP/2 request head measured as HTTP/1.1 measures the same request's head, so that
 * {@code maxHeaderCount} and {@code maxHeaderSize} refuse the same requests on both protocols:
 * its fields (cookie crumbs, which RFC 9113 8.2.3 lets a client split one {@code Cookie} into,
 * as the one field HTTP/1.1 sends) and the bytes of their lines ({@code name: value}, the crumbs
 * joined with {@code "; "}, {@code :authority} as the {@code Host} line when no {@code host} is
 * sent). HPACK's own measure adds 32 bytes per field and crumb, and would refuse heads
 * HTTP/1.1 serves.
 *
 * @param fields the header fields HTTP/1.1 would count
 * @param bytes the bytes of their lines, without line ends
 */
record Http1HeadSize(int fields, long bytes) {

  static Http1HeadSize of(Http2Headers h) {
    int fields = 0;
    long bytes = 0;
    boolean cookie = false;
    boolean host = false;
    CharSequence authority = null;
    for (Map.Entry<CharSequence, CharSequence> e : h) {
      CharSequence name = e.getKey();
      int value = e.getValue().length();
      if (name.length() > 0 && name.charAt(0) == ':') {
        if (Http2Headers.PseudoHeaderName.AUTHORITY.value().contentEquals(name)) {
          authority = e.getValue();
        }
        continue;
      }
      if (HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(name)) {
        if (cookie) {
          bytes += 2 + value; // "; " and the crumb, on the one Cookie line
          continue;
        }
        cookie = true;
      } else if (!host && HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
        host = true;
      }
      fields++;
      bytes += name.length() + 2 + value;
    }
    if (!host && authority != null) {
      fields++;
      bytes += HttpHeaderNames.HOST.length() + 2 + authority.length();
    }
    return new Http1HeadSize(fields, bytes);
  }
}
