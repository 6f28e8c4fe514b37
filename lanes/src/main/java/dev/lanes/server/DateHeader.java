package dev.lanes.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The {@code Date} header value, formatted at most once a second instead of per response. */
final class DateHeader {
  private record Cached(long second, String value) {}

  private static volatile Cached cached = new Cached(-1, "");

  private DateHeader() {}

  static String now() {
    long second = System.currentTimeMillis() / 1000;
    Cached c = cached;
    if (c.second != second) {
      c = new Cached(second, DateTimeFormatter.RFC_1123_DATE_TIME
          .format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
      cached = c;
    }
    return c.value;
  }
}
