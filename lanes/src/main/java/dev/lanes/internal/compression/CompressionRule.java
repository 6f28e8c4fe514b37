package dev.lanes.internal.compression;

import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.http.BodySource;
import dev.lanes.internal.http.ByteRangeParts;
import dev.lanes.internal.http.VaryField;
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
   * {@code notModified}, a 304, with the fields this rule would have given its 200 (RFC 9110
   * 15.4.5): {@code Vary: Accept-Encoding} when that 200 could have been compressed, and its
   * weak {@code ETag} when it would have been for this client ({@code coding}, from
   * {@link ContentCodings#choose}, not null), as a HEAD's head says, without the identity
   * {@code Content-Length} a handler gave it (RFC 9110 8.6). A weak tag also selects a
   * stored identity copy for update (RFC 9111 4.3.4); a strong one never selects the compressed
   * copy. Called for 304s only, not on the 200 path. Usage:
   * {@code if (status == 304) response = rule.notModified(response, ContentCodings.choose(acceptEncoding));}
   */
  public Response notModified(Response notModified, String coding) {
    if (!notModifiedVaries(notModified)) {
      return notModified;
    }
    Response said = varied(notModified);
    if (coding == null) {
      return said;
    }
    // The compressed 200 goes without a length (not known without compressing): the identity
    // length a 304 names is not its 200's, which RFC 9110 8.6 requires of a 304's Content-Length.
    said = said.withoutHeader("Content-Length");
    String etag = said.header("etag").orElse(null);
    String weak = compressedEtag(etag);
    return weak == null || weak.equals(etag) ? said : said.withoutHeader("ETag").withHeader("ETag", weak);
  }

  /**
   * Whether a 304's 200 could have been compressed, judged from what the 304 tells of it: its
   * type, and its length (the body it kept, which is never sent, else its
   * {@code Content-Length}, which a 304 may carry, RFC 9110 8.6; neither: unknown, as a streamed
   * body's). A 304 without a type tells nothing of its 200, and is sent as it was built.
   */
  private boolean notModifiedVaries(Response notModified) {
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

  /**
   * {@code partial}, a 206, with the {@code Vary} its 200 would have had (RFC 9110 15.3.7),
   * judged from the representation's type and complete length: for one range its
   * {@code Content-Type} and the length its {@code Content-Range} names, for several
   * ({@code multipart/byteranges}, whose head names neither) what its body's writer tells of
   * them ({@link ByteRangeParts}); a multipart body that tells nothing goes as built. Its bytes
   * are never compressed and its ETag stays as it is. Usage:
   * {@code if (status == 206) response = rule.partial(response);}
   */
  public Response partial(Response partial) {
    if (partial.header("content-encoding").isPresent()) {
      return partial;
    }
    String type;
    long complete;
    String range = partial.header("content-range").orElse(null);
    if (range != null) {
      type = partial.contentType().orElse(null);
      complete = length(range.substring(range.lastIndexOf('/') + 1)); // "*" (unknown): -1
    } else if (partial.body() instanceof ResponseBody.Written w && w.writer() instanceof BodySource source
        && source.writer() instanceof ByteRangeParts parts) {
      type = parts.type();
      complete = parts.completeLength();
    } else {
      return partial;
    }
    return type != null && complete > 0 && eligible(200, type, false, false, complete)
        ? varied(partial) : partial;
  }

  /** {@code response} varying by {@code Accept-Encoding} too: one {@code Vary} field ({@link VaryField}). */
  private static Response varied(Response response) {
    return response.withoutHeader("Vary").withHeader("Vary", VaryField.in(response.headers(), "Accept-Encoding"));
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
   * For the same reason a compressed response says no {@code Accept-Ranges}: ranges are served
   * of the identity body only (nginx's gzip filter drops the field too).
   */
  public static String compressedEtag(String etag) {
    return etag == null || etag.startsWith("W/") ? etag : "W/" + etag;
  }
}
