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
 * incident is over. While every loop is idle without channels the watchdog sleeps too, until a
 * loop leaving that state wakes it ({@link WatchdogSleep}), and from then on checks once per
 * threshold again.
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
  private static final long MAX_SLEEP_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final List<LoopActivity> loops;
  private final LanesListener listener;
  private final long thresholdNanos;
  private final LongAdder incidents; // the app's, shared by its watchdogs over its servers' lives
  private final Thread thread;
  private final WatchdogSleep sleep;
  private volatile boolean stopped;

  /** A watchdog over {@code loops} that adds each incident it reports to {@code incidents}. */
  LoopWatchdog(List<LoopActivity> loops, LanesListener listener, Duration threshold, LongAdder incidents) {
    this.incidents = incidents;
    this.loops = loops;
    this.listener = listener;
    this.thresholdNanos = threshold.toNanos();
    this.thread = Thread.ofPlatform().name("lanes-watchdog").daemon(true).unstarted(this::watch);
    this.sleep = new WatchdogSleep(thread);
  }

  void start() {
    loops.forEach(slot -> slot.watchedBy(sleep));
    thread.start();
  }

  void stop() {
    stopped = true;
    loops.forEach(slot -> slot.watchedBy(null));
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
      boolean allIdle = true;
      for (LoopActivity slot : loops) {
        allIdle &= check(slot, System.nanoTime());
      }
      if (allIdle) {
        sleepWhileIdle();
      }
    }
  }

  /**
   * Parks until a loop stops being idle without channels (it wakes {@link #sleep}), or, as a
   * safety net against a loop that never says so, a minute at most. The loops are read again
   * after the sleep is marked, so one that left idleness meanwhile is either seen here or sees
   * the mark and wakes this thread.
   */
  private void sleepWhileIdle() {
    sleep.begin();
    for (LoopActivity slot : loops) {
      if (!slot.idleWithoutChannels()) {
        sleep.end();
        return;
      }
    }
    while (sleep.asleep() && !stopped) {
      LockSupport.parkNanos(sleep, MAX_SLEEP_NANOS);
      if (sleep.asleep()) {
        sleep.end(); // the safety net: check the loops once anyway
      }
    }
  }

  /** Checks one loop; true if it was idle without channels and so left alone. */
  private boolean check(LoopActivity slot, long now) {
    long posted = slot.heartbeatPostedAt();
    if (posted == 0) {
      if (slot.idleWithoutChannels()) { // waking an idle loop only to see it idle costs it CPU
        return true;
      }
      slot.postHeartbeat(now, listener);
      return false;
    }
    long busy = now - posted;
    if (busy < thresholdNanos || !slot.markReported(posted)) {
      return false;
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
    return false;
  }
}
