package dev.lanes.internal.http1;

import io.netty.util.AsciiString;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Response header values that recur (content types, small lengths) as {@link AsciiString}: Netty's
 * encoder copies an {@code AsciiString}'s bytes in one go, but writes a {@code String} one char
 * at a time, each a bounds-checked store into the direct buffer. Bounded, so values that vary per
 * response (a multipart boundary) cannot grow it: past the bound they stay Strings.
 */
final class AsciiValues {
  /** The values responses on this server use. */
  static final AsciiValues RESPONSES = new AsciiValues(256);
  private static final AsciiString[] LENGTHS = new AsciiString[4096];

  static {
    for (int i = 0; i < LENGTHS.length; i++) {
      LENGTHS[i] = AsciiString.cached(Integer.toString(i));
    }
  }

  private final int max;
  private final ConcurrentHashMap<String, AsciiString> cache = new ConcurrentHashMap<>();

  AsciiValues(int max) {
    this.max = max;
  }

  /** {@code value}, as an {@code AsciiString} if it is one of the first {@code max} values seen. */
  CharSequence of(String value) {
    AsciiString cached = cache.get(value);
    if (cached != null) {
      return cached;
    }
    if (cache.size() >= max) {
      return value;
    }
    AsciiString ascii = new AsciiString(value);
    AsciiString raced = cache.putIfAbsent(value, ascii);
    return raced != null ? raced : ascii;
  }

  /** A {@code Content-Length} value. */
  static CharSequence length(long n) {
    return n >= 0 && n < LENGTHS.length ? LENGTHS[(int) n] : Long.toString(n);
  }
}
