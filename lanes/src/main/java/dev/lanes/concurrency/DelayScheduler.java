package dev.lanes.concurrency;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of the core, for queue-wait deadlines, cancel scopes' timeouts and sleeps
 * requested off an event loop. A timer that fires runs its task on a new virtual thread: the task
 * completes futures, whose dependents are the caller's code (a continuation, a cancel callback, a
 * route's 504), and one of them that blocks must not hold every other timer of the process.
 * Cancelled timers are removed at once so granted waiters leave no garbage behind.
 */
final class DelayScheduler {
  private static final System.Logger LOG = System.getLogger(DelayScheduler.class.getName());
  private static final ScheduledThreadPoolExecutor TIMER = create();
  private static final ThreadFactory FIRED = Thread.ofVirtual().name("lanes-timeout").factory();

  private DelayScheduler() {}

  private static ScheduledThreadPoolExecutor create() {
    var executor = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().name("lanes-timer").daemon(true).factory());
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    return TIMER.schedule(() -> FIRED.newThread(() -> run(task)).start(),
        CapacityLimiter.saturatedNanos(delay), TimeUnit.NANOSECONDS);
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "timer task failed", t);
    }
  }

  /** Timers waiting to fire (tests). */
  static int pending() {
    return TIMER.getQueue().size();
  }
}
