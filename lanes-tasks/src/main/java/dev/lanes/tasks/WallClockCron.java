package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;

/**
 * A cron expression's times as wall-clock times in a zone, read across daylight-saving changes as
 * cron(8) reads its table: a time the clocks skip (02:30 when they go from 02:00 to 03:00) runs as
 * they move on, and a time they repeat (01:30 when they go back from 02:00 to 01:00) runs once, at
 * its first occurrence, unless the expression's hour or minute is a wildcard ({@code *} or a step),
 * which runs by the clock in both passes. db-scheduler's cron alone lost the day's run in the first
 * case and ran it twice in the second. On other days it is db-scheduler's cron in the zone.
 */
final class WallClockCron implements Schedule {
  private final CronSchedule inZone;
  /** The same expression over local date-times (UTC stands for "no zone"), to find skipped times. */
  private final CronSchedule local;
  private final ZoneId zone;
  private final boolean clockWildcard;

  WallClockCron(String pattern, ZoneId zone) {
    this.inZone = new CronSchedule(pattern, zone);
    this.local = new CronSchedule(pattern, ZoneOffset.UTC);
    this.zone = zone;
    this.clockWildcard = clockWildcard(pattern);
  }

  /** Whether the minute or hour field is a wildcard or a step (cron(8)'s "run by the new time"). */
  private static boolean clockWildcard(String pattern) {
    String[] fields = pattern.strip().split("\\s+");
    if (fields.length < 3) {
      return fields[0].toLowerCase(Locale.ROOT).equals("@hourly"); // the other macros are fixed times
    }
    return fields[1].contains("*") || fields[1].contains("/") || fields[2].contains("*") || fields[2].contains("/");
  }

  @Override
  public Instant getNextExecutionTime(ExecutionComplete complete) {
    return nextAfter(complete.getTimeDone());
  }

  private Instant nextAfter(Instant after) {
    Instant next = inZone.getNextExecutionTime(ExecutionComplete.simulatedSuccess(after));
    if (next.equals(NEVER)) {
      return next;
    }
    // The first local time after 'after' the expression names: if the clocks skip it, it runs when
    // they have moved on, at the end of the gap.
    Instant localAfter = LocalDateTime.ofInstant(after, zone).toInstant(ZoneOffset.UTC);
    LocalDateTime named = LocalDateTime.ofInstant(local.getNextExecutionTime(ExecutionComplete.simulatedSuccess(localAfter)), ZoneOffset.UTC);
    ZoneOffsetTransition gap = zone.getRules().getTransition(named);
    if (gap != null && gap.isGap() && gap.getInstant().isAfter(after) && gap.getInstant().isBefore(next)) {
      return gap.getInstant();
    }
    // A fixed time the clocks repeat ran at its first occurrence.
    while (!clockWildcard && isRepeat(next)) {
      next = inZone.getNextExecutionTime(ExecutionComplete.simulatedSuccess(next));
    }
    return next;
  }

  /** Whether {@code t} is the second occurrence of its local time (the clocks went back over it). */
  private boolean isRepeat(Instant t) {
    ZoneOffsetTransition overlap = zone.getRules().getTransition(LocalDateTime.ofInstant(t, zone));
    return overlap != null && overlap.isOverlap() && zone.getRules().getOffset(t).equals(overlap.getOffsetAfter());
  }

  @Override
  public boolean isDeterministic() {
    return true;
  }

  @Override
  public String toString() {
    return "WallClockCron[" + inZone + "]";
  }
}
