package dev.lanes.internal.compression;

import dev.lanes.http.Response;
import dev.lanes.server.Compression;

/**
 * Whether a response may be compressed, whatever the protocol: a status with a full body (not
 * 1xx, 204, 206, 3xx), no {@code Content-Range}, no {@code Content-Encoding} yet, a compressible
 * type, and at least {@code minSize} bytes when the length is known (a streamed body of unknown
 * length always qualifies). Every response that passes says {@code Vary: Accept-Encoding},
 * whether or not this client accepted a coding ({@link ContentCodings#choose} says which).
 */
public final class CompressionRule {
  private final int minSize;

  public CompressionRule(Compression compression) {
    this.minSize = compression.minSize();
  }

  /** {@code length}: the body's length in bytes, or -1 when unknown. */
  public boolean eligible(int status, CharSequence contentType, boolean ranged, boolean encoded, long length) {
    if (status < 200 || status == 204 || status == 206 || status >= 300 && status < 400 || ranged || encoded) {
      return false;
    }
    if (length >= 0 && length < minSize) { // first: cheaper than parsing the type
      return false;
    }
    return contentType != null && CompressibleTypes.test(contentType.toString());
  }

  /**
   * Whether a 304 says {@code Vary: Accept-Encoding}: whether its 200 would have (RFC 9110
   * 15.4.5), by this rule, judged from what the 304 tells of that 200: its type, and its length
   * (the body it kept, which is never sent, else its {@code Content-Length}, which a 304 may
   * carry, RFC 9110 8.6; neither: unknown, as a streamed body's). A 304 without a type tells
   * nothing of its 200 and is sent as it was built. Asked for 304s only, not on the 200 path.
   */
  public boolean notModifiedVaries(Response notModified) {
    String type = notModified.contentType().orElse(null);
    if (type == null || notModified.header("content-encoding").isPresent()) {
      return false;
    }
    long length = notModified.body().length();
    if (length <= 0) {
      length = notModified.header("content-length").map(CompressionRule::length).orElse(-1L);
    }
    return eligible(200, type, false, false, length);
  }

  /** A {@code Content-Length} value, or -1 when it is not one. */
  private static long length(String value) {
    try {
      long n = Long.parseLong(value.strip());
      return n >= 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The {@code ETag} of a body this server compresses: a strong tag made weak ({@code W/"..."}),
   * as nginx does. A strong tag must tell representations apart (RFC 9110 8.8.3), and one shared
   * by the identity and the compressed body would let {@code If-Range} resume a compressed
   * download with identity bytes; a weak one is never a match there. Null or weak: unchanged.
   */
  public static String compressedEtag(String etag) {
    return etag == null || etag.startsWith("W/") ? etag : "W/" + etag;
  }
}
