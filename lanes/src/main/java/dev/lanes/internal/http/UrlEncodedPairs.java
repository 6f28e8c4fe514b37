package dev.lanes.internal.http;

import java.io.ByteArrayOutputStream;

/**
 * Internal, not for users: {@code name=value} pairs as the WHATWG URL standard's
 * {@code application/x-www-form-urlencoded} parser reads them, for query strings and form bodies
 * alike (Starlette reads both with {@code parse_qsl}): split on '&amp;', empty pairs skipped, a
 * pair without '=' a name with an empty value, '+' a space, {@code %XX} a byte, and a '%' not
 * followed by two hex digits kept as sent. Bytes out: the caller decodes them in its charset and
 * applies its own limits.
 *
 * <pre>{@code UrlEncodedPairs.forEach(bytes, (name, value) -> fields.add(...)); }</pre>
 */
public final class UrlEncodedPairs {
  /** Receives each pair, percent-decoded, in order. */
  @FunctionalInterface
  public interface Sink {
    void pair(byte[] name, byte[] value);
  }

  private static final byte[] EMPTY = new byte[0];

  private UrlEncodedPairs() { }

  /** Calls {@code sink} for each non-empty pair of {@code input}, in order. */
  public static void forEach(byte[] input, Sink sink) {
    for (int start = 0; start <= input.length; ) {
      int end = indexOf(input, (byte) '&', start, input.length);
      if (end > start) {
        int eq = indexOf(input, (byte) '=', start, end);
        sink.pair(decode(input, start, eq), eq == end ? EMPTY : decode(input, eq + 1, end));
      }
      start = end + 1;
    }
  }

  private static int indexOf(byte[] input, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (input[i] == b) {
        return i;
      }
    }
    return to;
  }

  /** Percent-decodes {@code input[from, to)}, '+' as a space. */
  private static byte[] decode(byte[] input, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = input[i];
      int hi = b == '%' && i + 2 < to ? Character.digit(input[i + 1], 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(input[i + 2], 16);
      if (lo >= 0) {
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(b == '+' ? ' ' : b);
      }
    }
    return out.toByteArray();
  }
}
