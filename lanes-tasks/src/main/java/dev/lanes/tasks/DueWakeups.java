package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts the tasks this process enqueued for later, or put back after a failed attempt, and the
 * runs of recurring types, when they come due instead of at the scheduler's next poll: one timer
 * thread ({@code lanes-tasks-wakeups}) wakes the local scheduler just after each due time.
 * Wake-ups within the same 10 ms share one timer entry, so a burst of delayed enqueues costs a few.
 * A recurring type wakes every worker at each time of its schedule; the one that claims the run
 * starts it. What other processes enqueue for later still waits for the poll (or, on PostgreSQL, a
 * notification for tasks due now).
 */
final class DueWakeups implements AutoCloseable {
  private static final long GRAIN_MILLIS = 10;

  private final ScheduledThreadPoolExecutor timer;
  private final Set<Long> pending = ConcurrentHashMap.newKeySet();
  private volatile Runnable wake; // null until the scheduler runs: a wake-up then waits for the poll

  DueWakeups() {
    timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("lanes-tasks-wakeups").factory());
    timer.setRemoveOnCancelPolicy(true);
  }

  /** From now on, a due time runs {@code wake} (the scheduler's check for due tasks). */
  void wakes(Runnable wake) {
    this.wake = wake;
  }

  /** Wakes the scheduler within 10 ms after {@code due} (at once if it has passed). */
  void at(Instant due) {
    long grain = Math.floorDiv(due.toEpochMilli(), GRAIN_MILLIS) + 1; // the first boundary after due
    if (!pending.add(grain)) {
      return;
    }
    try {
      timer.schedule(() -> {
        pending.remove(grain);
        Runnable w = wake;
        if (w != null) {
          w.run();
        }
      }, Math.max(0, grain * GRAIN_MILLIS - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      pending.remove(grain);
    }
  }

  /**
   * Wakes the scheduler at every time of {@code schedule} (a recurring type's) from now on, until
   * closed: db-scheduler moves a recurring run to the schedule's next time as the last one ends.
   */
  void following(Schedule schedule) {
    if (!schedule.isDisabled()) {
      followFrom(schedule, Instant.now());
    }
  }

  private void followFrom(Schedule schedule, Instant after) {
    Instant next = schedule.getInitialExecutionTime(after);
    if (next == null || next.equals(Schedule.NEVER)) {
      return;
    }
    if (!next.isAfter(after)) {
      next = schedule.getInitialExecutionTime(after.plusMillis(1)); // never the same time twice
      if (!next.isAfter(after)) {
        return;
      }
    }
    Instant due = next;
    try {
      timer.schedule(() -> {
        Runnable w = wake;
        if (w != null) {
          w.run();
        }
        followFrom(schedule, due);
      }, Math.max(0, due.toEpochMilli() + 1 - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // closed: no more wake-ups
    }
  }

  /** Wake-ups scheduled and not yet run (tests). */
  int pending() {
    return pending.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
