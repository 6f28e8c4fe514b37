package dev.lanes.concurrency;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of the core, for queue-wait deadlines and for sleeps requested off an
 * event loop. Its tasks only complete futures, so one daemon thread is enough; cancelled timers
 * are removed at once so granted waiters leave no garbage behind.
 */
final class DelayScheduler {
  private static final ScheduledThreadPoolExecutor TIMER = create();

  private DelayScheduler() {}

  private static ScheduledThreadPoolExecutor create() {
    var executor = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().name("lanes-timer").daemon(true).factory());
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    return TIMER.schedule(task, CapacityLimiter.saturatedNanos(delay), TimeUnit.NANOSECONDS);
  }

  /** Timers waiting to fire (tests). */
  static int pending() {
    return TIMER.getQueue().size();
  }
}
