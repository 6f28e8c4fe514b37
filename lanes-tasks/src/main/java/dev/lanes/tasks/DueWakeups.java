package dev.lanes.tasks;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts the tasks this process enqueued for later, or put back after a failed attempt, when they
 * come due instead of at the scheduler's next poll: one timer thread ({@code lanes-tasks-wakeups})
 * wakes the local scheduler just after each due time. Wake-ups within the same 10 ms share one timer
 * entry, so a burst of delayed enqueues costs a few. What other processes enqueue for later, and
 * recurring runs, still wait for the poll (or, on PostgreSQL, a notification for tasks due now).
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

  /** Wake-ups scheduled and not yet run (tests). */
  int pending() {
    return pending.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
