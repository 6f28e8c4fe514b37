package dev.lanes.concurrency;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Sets the total of an adaptive lane's {@link CapacityLimiter} from the lane's own measurements.
 *
 * <p><b>Signal.</b> Every task that ran reports two durations, both from the moment it was granted
 * its token: until its body started (its dispatch wait; on virtual threads, the wait for a free
 * carrier) and until it ended. Over a window, the CPU wait share {@code w = sum(dispatch) /
 * sum(total)} is how much of the tokens' time went to waiting for a CPU to run on. I/O-bound tasks
 * park and get a carrier back at once, so {@code w} stays near 0 however many run; CPU-bound tasks
 * beyond the number of carriers only queue for one (virtual threads are not time-sliced): with
 * {@code L} such tasks on {@code C} carriers, {@code w = (L - C) / L}. Latency alone cannot tell a
 * slower downstream or a change in the mix of requests from saturation; this share can, and it
 * needs no baseline to be learnt.
 *
 * <p><b>Rule,</b> once per window (at least {@link #WINDOW_NANOS} and one sample):
 * <ul>
 *   <li>{@code w > 0.10} with more tasks in flight than carriers: shrink to the tasks that could
 *       have run, {@code ceil(inFlight x (1 - w))} (for CPU-bound tasks: {@code C}), never below
 *       {@code max(min, C)}: fewer tasks than carriers cannot oversubscribe them. Then hold for
 *       {@link #HOLD_WINDOWS} windows before growing again, so the probe above stays rare.</li>
 *   <li>{@code w < 0.05} and the limit is in use (tasks queued): grow by a quarter (at least 1),
 *       up to {@code max}. If the extra tasks only queue for a carrier, the next window takes
 *       them back.</li>
 *   <li>otherwise: keep the limit.</li>
 * </ul>
 *
 * <p>Concurrency: samples are added under one lock (O(1)); the window's decision reads the
 * limiter's snapshot under the same lock, and the new total is set after it is released, so that
 * waiters the limiter admits never run under this lock. The limiter itself never over-grants on a
 * resize, whoever calls it. The clock is injected so tests can drive windows without sleeping.
 */
final class AdaptiveLimit {
  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final double SHRINK_ABOVE = 0.10;
  static final double GROW_BELOW = 0.05;
  static final int HOLD_WINDOWS = 10;

  private final CapacityLimiter limiter;
  private final int max;
  private final int floor;
  private final LongSupplier clock;
  private final ReentrantLock lock = new ReentrantLock();
  private long windowStart;
  private long dispatchSum;
  private long totalSum;
  private int hold;
  private double lastCpuWait;

  /**
   * @param carriers threads the lane's tasks share a CPU through (the virtual-thread scheduler's
   *     parallelism)
   * @param clock nanoseconds, as {@link System#nanoTime}
   */
  AdaptiveLimit(CapacityLimiter limiter, LaneSizing.Adaptive bounds, int carriers, LongSupplier clock) {
    if (carriers < 1) {
      throw new IllegalArgumentException("carriers must be >= 1: " + carriers);
    }
    this.limiter = limiter;
    this.max = bounds.max();
    this.floor = Math.min(bounds.max(), Math.max(bounds.min(), carriers));
    this.clock = clock;
    this.windowStart = clock.getAsLong();
  }

  /** The virtual-thread scheduler's parallelism: its own property if set, else the cores. */
  static int carriers() {
    int cores = Runtime.getRuntime().availableProcessors();
    try {
      return Math.max(1, Integer.getInteger("jdk.virtualThreadScheduler.parallelism", cores));
    } catch (SecurityException e) {
      return cores;
    }
  }

  /** One task's waits: from its grant until its body started, and until it ended. */
  void record(long dispatchNanos, long totalNanos) {
    int next;
    lock.lock();
    try {
      long dispatch = Math.max(0, dispatchNanos);
      dispatchSum += dispatch;
      totalSum += Math.max(dispatch, totalNanos);
      long now = clock.getAsLong();
      if (now - windowStart < WINDOW_NANOS) {
        return;
      }
      double cpuWait = totalSum == 0 ? 0 : (double) dispatchSum / totalSum;
      windowStart = now;
      dispatchSum = 0;
      totalSum = 0;
      lastCpuWait = cpuWait;
      LimiterStatistics s = limiter.statistics();
      next = decide(s.totalTokens(), s.borrowed(), s.waiting(), cpuWait);
      if (next == s.totalTokens()) {
        return;
      }
    } finally {
      lock.unlock();
    }
    limiter.setTotalTokens(next);
  }

  /** The CPU wait share of the last closed window (0..1). */
  double lastCpuWait() {
    lock.lock();
    try {
      return lastCpuWait;
    } finally {
      lock.unlock();
    }
  }

  private int decide(int limit, int inFlight, int waiting, double cpuWait) {
    if (cpuWait > SHRINK_ABOVE && inFlight > floor) {
      hold = HOLD_WINDOWS;
      // the epsilon keeps 2.0000000000000018 (floating-point noise) from rounding up to 3
      long couldRun = (long) Math.ceil(Math.min(limit, inFlight) * (1 - cpuWait) - 1e-9);
      return (int) Math.max(floor, Math.min(limit, couldRun));
    }
    if (hold > 0) {
      hold--;
      return limit;
    }
    if (cpuWait < GROW_BELOW && waiting > 0 && limit < max) {
      return (int) Math.min(max, limit + Math.max(1L, limit / 4));
    }
    return limit;
  }
}
