package dev.lanes.internal.http1;

import dev.lanes.http.HttpDate;
import io.netty.util.AsciiString;
import java.time.Instant;

/**
 * The {@code Date} header value, formatted at most once a second instead of per response. A
 * caller that has just read {@link System#nanoTime} passes it ({@link #at}): within the cached
 * second no other clock is read, so a response's date and its request's duration share one read
 * (a clock read costs ~40 ns on this project's VMs, a few tenths of a percent of a request).
 */
public final class DateHeader {
  private static final long SECOND_NANOS = 1_000_000_000L;

  // [from, from + 1 s) in System.nanoTime() is the wall-clock second whose text is value.
  // AsciiString: the encoder copies its bytes directly instead of converting chars each time.
  private record Cached(long from, AsciiString value) {}

  private static volatile Cached cached =
      new Cached(System.nanoTime() - 2 * SECOND_NANOS, AsciiString.EMPTY_STRING); // stale: the first call formats

  private DateHeader() {}

  /** The date now. */
  public static AsciiString now() {
    return at(System.nanoTime());
  }

  /**
   * The date at {@code nanoTime} (a {@link System#nanoTime} value read just before). A step of
   * the wall clock shows at the next second boundary.
   */
  public static AsciiString at(long nanoTime) {
    Cached c = cached;
    long into = nanoTime - c.from;
    if (into >= 0 && into < SECOND_NANOS) {
      return c.value;
    }
    long millis = System.currentTimeMillis();
    long secondStarted = nanoTime - (millis % 1000) * 1_000_000L;
    String text = HttpDate.format(Instant.ofEpochSecond(millis / 1000));
    c = new Cached(secondStarted, AsciiString.cached(text));
    cached = c;
    return c.value;
  }
}
