package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class DateHeaderTest {
  private static Instant parse(CharSequence value) {
    return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
  }

  @Test
  void isTheWallClockSecond() {
    Instant before = Instant.now().minusSeconds(1);
    Instant date = parse(DateHeader.now());
    Instant after = Instant.now();
    assertThat(date).isBetween(before, after);
  }

  @Test
  void aTimeInTheCachedSecondGetsTheCachedValue() {
    long now = System.nanoTime();
    CharSequence first = DateHeader.at(now);
    // The first call cached the second that holds now: the second is served from the cache.
    CharSequence again = DateHeader.at(now);
    assertThat(again).isSameAs(first);
  }

  @Test
  void aTimePastTheCachedSecondIsDatedFromTheWallClockAgain() {
    long now = System.nanoTime();
    Instant date = parse(DateHeader.at(now));
    Instant later = parse(DateHeader.at(now + Duration.ofMillis(1500).toNanos()));
    // Past the cached second, the wall clock is read again: the date is the real one, not a guess.
    assertThat(later).isAfterOrEqualTo(date);
    assertThat(Duration.between(date, later)).isLessThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void anOlderTimeThanTheCachedSecondIsStillDatedFromTheWallClock() {
    long now = System.nanoTime();
    DateHeader.at(now);
    Instant old = parse(DateHeader.at(now - Duration.ofSeconds(5).toNanos()));
    assertThat(Duration.between(old, Instant.now()).abs()).isLessThanOrEqualTo(Duration.ofSeconds(2));
  }
}
