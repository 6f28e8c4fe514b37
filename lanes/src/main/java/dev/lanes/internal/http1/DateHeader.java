package dev.lanes.internal.http1;

import io.netty.util.AsciiString;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The {@code Date} header value, formatted at most once a second instead of per response. */
public final class DateHeader {
  // AsciiString: the encoder copies its bytes directly instead of converting chars each time.
  private record Cached(long second, AsciiString value) {}

  private static volatile Cached cached = new Cached(-1, AsciiString.EMPTY_STRING);

  private DateHeader() {}

  public static AsciiString now() {
    long second = System.currentTimeMillis() / 1000;
    Cached c = cached;
    if (c.second != second) {
      c = new Cached(second, AsciiString.cached(DateTimeFormatter.RFC_1123_DATE_TIME
          .format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC))));
      cached = c;
    }
    return c.value;
  }
}
