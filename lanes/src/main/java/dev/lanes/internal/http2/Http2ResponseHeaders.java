package dev.lanes.internal.http2;

import dev.lanes.http.Response;
import dev.lanes.internal.http1.DateHeader;
import dev.lanes.internal.http1.NotModifiedHead;
import dev.lanes.internal.http1.ReasonPhrases;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Response}'s head as HTTP/2 header fields: {@code :status}, lower-case names (RFC 9113
 * 8.2.1), no connection-specific fields (8.2.2: {@code Connection}, {@code Keep-Alive},
 * {@code Transfer-Encoding}... would make a client fail the stream), {@code Date} and the
 * length when it is known. On a status with a body the length is the server's alone: a
 * handler's {@code Content-Length} that disagreed with the DATA frames would make the stream
 * malformed (8.1.1), so it is never copied. Without content, as on HTTP/1.1: a 204 has no
 * length (RFC 9110 8.6), a 205 says 0, a 304 keeps the handler's (the length a GET would have)
 * and sends no {@code content-type} ({@link NotModifiedHead#sendsType}).
 */
final class Http2ResponseHeaders {
  private static final AsciiString DATE = AsciiString.cached("date");
  private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
  private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
  private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive",
      "proxy-connection", "transfer-encoding", "upgrade");

  private Http2ResponseHeaders() {}

  /**
   * {@code length} is the body's length, or -1 when unknown (the end of the stream tells it);
   * {@code date} the Date value ({@link DateHeader}).
   */
  static Http2Headers of(Response response, long length, AsciiString date) {
    // Not validated again: a Response's headers were checked when it was built.
    Http2Headers h = new DefaultHttp2Headers(false);
    h.status(ReasonPhrases.status(response.status()).codeAsText()); // no new status object for 418 and the like
    int status = response.status();
    String type = response.contentType().orElse(null);
    if (type != null && NotModifiedHead.sendsType(status)) {
      h.set(CONTENT_TYPE, ascii(type));
    }
    boolean ownLength = status != 304;
    for (Map.Entry<String, String> e : response.headers()) {
      AsciiString name = new AsciiString(e.getKey()).toLowerCase();
      if (!CONNECTION_SPECIFIC.contains(name.toString()) && !(ownLength && name.contentEquals(CONTENT_LENGTH))) {
        h.add(name, e.getValue());
      }
    }
    h.set(DATE, date);
    if (status == 205) {
      h.setLong(CONTENT_LENGTH, 0);
    } else if (length >= 0 && hasBody(status)) {
      h.setLong(CONTENT_LENGTH, length);
    }
    return h;
  }

  /**
   * {@code type} as an AsciiString, which HPACK hashes and compares faster than a String. An app
   * answers with a handful of types, mostly the same String: the last one is kept (shared by the
   * event loops without a lock; a {@link Converted} is immutable, a lost update costs a copy).
   */
  private static AsciiString ascii(String type) {
    Converted c = lastType;
    if (!c.text.equals(type)) {
      c = new Converted(type, new AsciiString(type));
      lastType = c;
    }
    return c.ascii;
  }

  private static Converted lastType = new Converted("", AsciiString.EMPTY_STRING);

  private record Converted(String text, AsciiString ascii) {}

  /** Whether a response with {@code status} has content (RFC 9110 6.4.1; 15.3.6 for 205). */
  static boolean hasBody(int status) {
    return status >= 200 && status != 204 && status != 205 && status != 304;
  }
}
