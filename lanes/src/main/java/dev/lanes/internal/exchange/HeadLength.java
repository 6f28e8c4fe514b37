package dev.lanes.internal.exchange;

import dev.lanes.http.Response;
import java.util.Map;

/**
 * The {@code Content-Length} a response to {@code HEAD} announces. A HEAD carries the header
 * fields its GET would, the length included when known (RFC 9110 9.3.2, 8.6); a handler that
 * answers HEAD without building the representation says its size in {@code Content-Length}, and
 * that is the length to send. A handler that built the body anyway is answered with the body's
 * length, as its GET is; a handler's value that is not a length (not all digits, or several
 * that differ) is not sent, as on GET.
 */
public final class HeadLength {
  private HeadLength() {}

  /** The length to announce for a HEAD answered with {@code response}, whose in-memory body has {@code bodyLength} bytes. */
  public static long of(Response response, int bodyLength) {
    if (bodyLength > 0) {
      return bodyLength;
    }
    long said = -1;
    for (Map.Entry<String, String> e : response.headers()) {
      if (e.getKey().length() == 14 && e.getKey().equalsIgnoreCase("content-length")) {
        long value = digits(e.getValue());
        if (value < 0 || said >= 0 && value != said) {
          return bodyLength;
        }
        said = value;
      }
    }
    return said >= 0 ? said : bodyLength;
  }

  /** {@code 1*DIGIT} as a number (at most 18 digits), else -1. */
  private static long digits(String value) {
    String v = value.strip();
    if (v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
