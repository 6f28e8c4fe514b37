package dev.lanes.internal.observe;

import dev.lanes.observe.BlockedLoop;
import dev.lanes.observe.LanesListener;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices event loops that stop running their tasks, as asyncio's debug mode does for callbacks
 * slower than 100 ms.
 *
 * <p>How: one daemon platform thread, {@code lanes-watchdog}, wakes once per threshold and
 * posts a heartbeat task to every loop that has none pending, except a loop waiting for I/O with no
 * channel registered ({@link LoopActivity#idleWithoutChannels}): nothing can block it, and waking
 * it only to see it idle cost an idle server most of its CPU. A heartbeat still pending a
 * threshold later means the loop has been busy all that time: usually one task that blocks (a
 * {@code Thread.sleep}, JDBC or file I/O in an async handler). The watchdog then samples the loop
 * thread's stack, reads the route of the async handler it is in (from its {@link LoopActivity}) and
 * reports the incident once: logged (WARN when {@link BlockedLoop#certain()}, else INFO) and passed to
 * {@link LanesListener#eventLoopBlocked}, which is how it is counted in metrics. When the
 * heartbeat finally runs, its delay is reported as {@link LanesListener#eventLoopLatency} and the
 * incident is over.
 *
 * <p>Limits: a stall is seen between one and two thresholds after it began (a check per threshold
 * rather than per half: each wake-up of this thread and of an idle loop costs tens of
 * microseconds of CPU on a VM, and at half the period the watchdog was a third of an idle
 * server's CPU). The stack is sampled once, when the stall is seen, so it shows where the loop
 * was then; a loop kept busy by many short tasks in a row is reported the same way (its stack
 * then shows no single culprit).
 */
final class LoopWatchdog {
  private static final System.Logger LOG = System.getLogger(LoopWatchdog.class.getName());

  private final List<LoopActivity> loops;
  private final LanesListener listener;
  private final long thresholdNanos;
  private final LongAdder incidents; // the app's, shared by its watchdogs over its servers' lives
  private final Thread thread;
  private volatile boolean stopped;

  /** A watchdog over {@code loops} that adds each incident it reports to {@code incidents}. */
  LoopWatchdog(List<LoopActivity> loops, LanesListener listener, Duration threshold, LongAdder incidents) {
    this.incidents = incidents;
    this.loops = loops;
    this.listener = listener;
    this.thresholdNanos = threshold.toNanos();
    this.thread = Thread.ofPlatform().name("lanes-watchdog").daemon(true).unstarted(this::watch);
  }

  void start() {
    thread.start();
  }

  void stop() {
    stopped = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watch() {
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(5), thresholdNanos);
    while (!stopped) {
      LockSupport.parkNanos(this, period);
      for (LoopActivity slot : loops) {
        check(slot, System.nanoTime());
      }
    }
  }

  private void check(LoopActivity slot, long now) {
    long posted = slot.heartbeatPostedAt();
    if (posted == 0) {
      if (!slot.idleWithoutChannels()) { // waking an idle loop only to see it idle costs it CPU
        slot.postHeartbeat(now, listener);
      }
      return;
    }
    long busy = now - posted;
    if (busy < thresholdNanos || !slot.markReported(posted)) {
      return;
    }
    String route = slot.route();
    Thread.State state = slot.thread().getState();
    StackTraceElement[] stack = slot.thread().getStackTrace();
    BlockedLoop report = new BlockedLoop(slot.thread().getName(), Optional.ofNullable(route),
        Duration.ofNanos(busy), state, Arrays.asList(stack));
    incidents.increment();
    if (report.certain()) {
      LOG.log(System.Logger.Level.WARNING, report::describe);
    } else {
      LOG.log(System.Logger.Level.INFO, () -> report.describe() + "\n(the loop was running outside"
          + " any async handler: CPU-bound work, class loading on a first request, or a machine"
          + " too busy to schedule it)");
    }
    listener.eventLoopBlocked(report);
  }
}
