package dev.lanes.internal.compression;

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
   * The {@code ETag} of a body this server compresses: a strong tag made weak ({@code W/"..."}),
   * as nginx does. A strong tag must tell representations apart (RFC 9110 8.8.3), and one shared
   * by the identity and the compressed body would let {@code If-Range} resume a compressed
   * download with identity bytes; a weak one is never a match there. Null or weak: unchanged.
   */
  public static String compressedEtag(String etag) {
    return etag == null || etag.startsWith("W/") ? etag : "W/" + etag;
  }
}
