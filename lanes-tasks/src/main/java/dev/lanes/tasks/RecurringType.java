package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A task type run on a cron schedule ({@link Tasks.Builder#recurring}), with the payload every run
 * gets. The expression is parsed by db-scheduler ({@code Schedules.cron}) when it is registered, so
 * a bad one fails the build naming it; its times are wall-clock times in the zone
 * ({@link WallClockCron}).
 */
record RecurringType<P>(TaskType<P> type, String cron, Schedule schedule, P payload) {
  /** Ids are {@code name@dueEpochMillis}: at most 50 + 1 + 13 characters, within the id column's 64. */
  static final int MAX_NAME = 50;

  static <P> RecurringType<P> of(TaskType<P> type, String cron, ZoneId zone, P payload) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(payload, "payload");
    if (type.name().length() > MAX_NAME) {
      throw new IllegalArgumentException("recurring task type '" + type.name() + "' has a name longer than "
          + MAX_NAME + " characters (its runs' ids add the due time)");
    }
    if (!type.payloadType().isInstance(payload)) {
      throw new IllegalArgumentException("recurring task type '" + type.name() + "' takes a "
          + type.payloadType().getName() + ", got a " + payload.getClass().getName());
    }
    Schedule parsed;
    try {
      parsed = Schedules.cron(cron.strip(), zone);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("recurring task type '" + type.name() + "': bad cron expression '" + cron
          + "' (six fields: second minute hour day-of-month month day-of-week): " + e.getMessage(), e);
    }
    // db-scheduler reads "-" as a disabled schedule, and a worker starting with one deletes the
    // execution every worker shares: the type would silently stop running everywhere.
    if (parsed.isDisabled()) {
      throw new IllegalArgumentException("recurring task type '" + type.name() + "': '" + cron + "' is not a cron "
          + "expression (six fields: second minute hour day-of-month month day-of-week); to run the type on no "
          + "schedule, do not register it as recurring");
    }
    Schedule schedule = new WallClockCron(cron.strip(), zone);
    // A date that never comes (February 30th) would be stored as due in the year 2500.
    Instant first = schedule.getInitialExecutionTime(Instant.now());
    if (first == null || !first.isBefore(Schedule.NEVER)) {
      throw new IllegalArgumentException("recurring task type '" + type.name() + "': cron expression '" + cron
          + "' never comes due");
    }
    return new RecurringType<>(type, cron.strip(), schedule, payload);
  }

  /** The id of the run due at {@code due}: the same on every worker, so a run is recorded once. */
  static String runId(String name, Instant due) {
    return name + "@" + due.toEpochMilli();
  }
}
