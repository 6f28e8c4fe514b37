package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A recurring type's times across daylight-saving changes, read as cron(8) reads its table: a time
 * the clocks skip runs when they have moved on, a time they repeat runs once, unless the hour or
 * minute is a wildcard, which runs by the clock (New York: 2027-03-14 02:00 -> 03:00, 2026-11-01
 * 02:00 -> 01:00).
 */
class RecurringTypeTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  record Job(String text) {}

  /**
   * The schedule's next {@code n} times after {@code from} (New York local time), each as
   * db-scheduler asks for it: after the previous run ended, a second after its time.
   */
  private static List<ZonedDateTime> times(String cron, LocalDateTime from, int n) {
    Schedule schedule = RecurringType.of(TaskType.of("t", Job.class, j -> null), cron, NEW_YORK, new Job("x")).schedule();
    List<ZonedDateTime> out = new ArrayList<>();
    Instant ended = from.atZone(NEW_YORK).toInstant();
    for (int i = 0; i < n; i++) {
      Instant at = schedule.getInitialExecutionTime(ended);
      out.add(at.atZone(NEW_YORK));
      ended = at.plusSeconds(1);
    }
    return out;
  }

  private static ZonedDateTime ny(String local, String offset) {
    return ZonedDateTime.ofStrict(LocalDateTime.parse(local), java.time.ZoneOffset.of(offset), NEW_YORK);
  }

  @Test
  void aDailyTimeTheClocksSkipRunsWhenTheyHaveMovedOnNotTheNextDay() {
    // db-scheduler's cron skipped the day: 03-13 02:30, then 03-15 02:30.
    assertThat(times("0 30 2 * * *", LocalDateTime.parse("2027-03-13T12:00"), 2))
        .containsExactly(ny("2027-03-14T03:00", "-04:00"), ny("2027-03-15T02:30", "-04:00"));
  }

  @Test
  void aDailyTimeTheClocksRepeatRunsOnce() {
    // db-scheduler's cron ran it twice: 01:30 EDT and again an hour later, 01:30 EST.
    assertThat(times("0 30 1 * * *", LocalDateTime.parse("2026-10-31T12:00"), 2))
        .containsExactly(ny("2026-11-01T01:30", "-04:00"), ny("2026-11-02T01:30", "-05:00"));
  }

  @Test
  void wildcardHoursAndMinutesRunByTheClockThroughBothChanges() {
    assertThat(times("0 0 * * * *", LocalDateTime.parse("2026-11-01T00:30"), 3))
        .containsExactly(ny("2026-11-01T01:00", "-04:00"), ny("2026-11-01T01:00", "-05:00"), ny("2026-11-01T02:00", "-05:00"));
    assertThat(times("0 */30 * * * *", LocalDateTime.parse("2027-03-14T01:15"), 3))
        .containsExactly(ny("2027-03-14T01:30", "-05:00"), ny("2027-03-14T03:00", "-04:00"), ny("2027-03-14T03:30", "-04:00"));
  }

  @Test
  void onOrdinaryDaysTheTimesAreTheZonesWallClock() {
    assertThat(times("0 0 3 * * MON", LocalDateTime.parse("2026-12-03T12:00"), 2))
        .containsExactly(ny("2026-12-07T03:00", "-05:00"), ny("2026-12-14T03:00", "-05:00"));
  }
}
