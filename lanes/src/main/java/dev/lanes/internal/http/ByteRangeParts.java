package dev.lanes.internal.http;

/**
 * A {@code multipart/byteranges} body's writer, as the server sees it: the type and complete
 * length of the representation its parts are ranges of, which the 206's own head names nowhere
 * (its type is the multipart one, and it has no {@code Content-Range}, RFC 9110 14.6). By them
 * the server tells whether that representation's 200 could have been compressed, and gives the
 * 206 the {@code Vary} that 200 would have (RFC 9110 15.3.7).
 *
 * <pre>{@code if (source.writer() instanceof ByteRangeParts p) eligible(200, p.type(), p.completeLength()); }</pre>
 */
public interface ByteRangeParts {
  /** The {@code Content-Type} each part names: the representation's. */
  String type();

  /** The representation's length in bytes, which each part's {@code Content-Range} names. */
  long completeLength();
}
