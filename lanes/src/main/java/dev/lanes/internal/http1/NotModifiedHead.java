package dev.lanes.internal.http1;

/**
 * What a 304's head leaves out of its {@link dev.lanes.http.Response}: the type. A 304 keeps its
 * 200's type (and body, never sent) so that the compression rule can say the {@code Vary} and
 * weak {@code ETag} of that 200; it sends no representation metadata other than its validators
 * and caching fields (RFC 9110 15.4.5), as Starlette's {@code NotModifiedResponse}. Both
 * protocols' heads ask it. Usage: {@code if (NotModifiedHead.sendsType(status)) h.set(CONTENT_TYPE, type);}
 */
public final class NotModifiedHead {
  private NotModifiedHead() {}

  /** Whether a response with {@code status} sends its {@code Content-Type}: all but a 304. */
  public static boolean sendsType(int status) {
    return status != 304;
  }
}
