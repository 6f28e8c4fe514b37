package dev.lanes.concurrency;

import java.time.Duration;
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
 * <p><b>One carrier stays free.</b> Carriers are shared by every virtual-thread lane, and the JDK's
 * scheduler (a {@code ForkJoinPool}) keeps a carrier on the queue it is draining: a lane that keeps
 * all carriers busy and refills that queue as each task ends (each end grants the next waiter)
 * starves every other lane's tasks for seconds (measured: {@code /ping} p99 16 s beside a
 * {@code /cpu} flood with the cpu lane fixed at 2 on 2 cores, 33 ms at 1). So CPU-bound work gets
 * {@code C - 1} carriers (at least 1), never all of them unless {@code min} says so.
 *
 * <p><b>Computing, not just starting.</b> A burst of I/O-bound tasks also waits for carriers, once,
 * to start (1000 sleeping requests arriving at once on a busy machine). Fewer tokens would not
 * help them, so a shrink also needs the process to have spent at least a quarter of the tasks'
 * running time (ended minus started) computing: CPU time over the window / their running time
 * {@code >= 0.25}. Sleeping tasks run for seconds on microseconds of CPU.
 *
 * <p><b>Rule,</b> once per window (at least {@link #WINDOW_NANOS} and one sample):
 * <ul>
 *   <li>{@code w > 0.10}, the tasks computing, and more tasks in flight than the floor: shrink to the tasks that could
 *       have run, {@code ceil(inFlight x (1 - w))}, less the free carrier; never below the floor
 *       {@code max(min, C - 1, 1)}. Then hold for {@link #HOLD_WINDOWS} windows, or twice the
 *       last hold when a growth was taken back this soon (up to {@link #MAX_HOLD_WINDOWS}): a
 *       probe that only finds the CPU busy again becomes rarer.</li>
 *   <li>{@code w < 0.05}, tasks queued, and the process is not busy computing (it used fewer than
 *       {@code max(0.5, 0.8 x (C - 1))} cores over the window, from its CPU time): grow by a
 *       quarter (at least 1), up to {@code max}. The CPU gate matters because {@code C - 1}
 *       CPU-bound tasks on {@code C} carriers do not wait either: without it, the lane would probe
 *       its way back onto the free carrier.</li>
 *   <li>otherwise: keep the limit.</li>
 * </ul>
 *
 * <p>Concurrency: samples are added under one lock (O(1)); the window's decision reads the
 * limiter's snapshot under the same lock, and the new total is set after it is released, so that
 * waiters the limiter admits never run under this lock. The limiter itself never over-grants on a
 * resize, whoever calls it. The clocks are injected so tests can drive windows without sleeping.
 */
final class AdaptiveLimit {
  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final double SHRINK_ABOVE = 0.10;
  static final double GROW_BELOW = 0.05;
  static final int HOLD_WINDOWS = 10;
  static final int MAX_HOLD_WINDOWS = 300; // 30 s: how long a lane shrunk for CPU waits at most to probe
  private static final int PROBE_WINDOWS = 3; // a shrink this soon after a growth takes a probe back
  static final long UNKNOWN = -1;
  static final double COMPUTING = 0.25; // CPU time / running time from which tasks count as computing

  private final CapacityLimiter limiter;
  private final int max;
  private final int floor;
  private final double busyCores;
  private final LongSupplier clock;
  private final LongSupplier processCpu;
  private final ReentrantLock lock = new ReentrantLock();
  private long windowStart;
  private long windowCpu;
  private long dispatchSum;
  private long totalSum;
  private long runSum;
  private int hold;
  private int holdAfterShrink = HOLD_WINDOWS;
  private int sinceGrowth = Integer.MAX_VALUE / 2; // windows since the limit last grew
  private double lastCpuWait;

  /**
   * @param carriers threads the lane's tasks share a CPU through (the virtual-thread scheduler's
   *     parallelism)
   * @param clock nanoseconds, as {@link System#nanoTime}
   * @param processCpu the process's CPU time so far in nanoseconds, or {@link #UNKNOWN}
   */
  AdaptiveLimit(CapacityLimiter limiter, LaneSizing.Adaptive bounds, int carriers, LongSupplier clock,
      LongSupplier processCpu) {
    if (carriers < 1) {
      throw new IllegalArgumentException("carriers must be >= 1: " + carriers);
    }
    this.limiter = limiter;
    this.max = bounds.max();
    this.floor = Math.min(bounds.max(), Math.max(bounds.min(), Math.max(1, carriers - 1)));
    this.busyCores = Math.max(0.5, 0.8 * (carriers - 1));
    this.clock = clock;
    this.processCpu = processCpu;
    this.windowStart = clock.getAsLong();
    this.windowCpu = processCpu.getAsLong();
  }

  /** The controller of a real lane: the scheduler's carriers, the JVM's clock and CPU time. */
  static AdaptiveLimit of(CapacityLimiter limiter, LaneSizing.Adaptive bounds) {
    return new AdaptiveLimit(limiter, bounds, carriers(), System::nanoTime, AdaptiveLimit::processCpuNanos);
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

  private static long processCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(UNKNOWN);
  }

  /** One task's waits: from its grant until its body started, and until it ended. */
  void record(long dispatchNanos, long totalNanos) {
    int next;
    lock.lock();
    try {
      long dispatch = Math.max(0, dispatchNanos);
      long total = Math.max(dispatch, totalNanos);
      dispatchSum += dispatch;
      totalSum += total;
      runSum += total - dispatch;
      long now = clock.getAsLong();
      long elapsed = now - windowStart;
      if (elapsed < WINDOW_NANOS) {
        return;
      }
      double cpuWait = totalSum == 0 ? 0 : (double) dispatchSum / totalSum;
      long cpu = processCpu.getAsLong();
      boolean known = cpu != UNKNOWN && windowCpu != UNKNOWN;
      double cores = known ? (double) (cpu - windowCpu) / elapsed : 0;
      boolean computing = !known || runSum == 0 || (double) (cpu - windowCpu) / runSum >= COMPUTING;
      windowStart = now;
      windowCpu = cpu;
      dispatchSum = 0;
      totalSum = 0;
      runSum = 0;
      lastCpuWait = cpuWait;
      LimiterStatistics s = limiter.statistics();
      next = decide(s.totalTokens(), s.borrowed(), s.waiting(), computing ? cpuWait : 0, cores);
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

  private int decide(int limit, int inFlight, int waiting, double cpuWait, double cores) {
    sinceGrowth++;
    if (cpuWait > SHRINK_ABOVE && inFlight > floor) {
      holdAfterShrink = sinceGrowth <= PROBE_WINDOWS
          ? Math.min(MAX_HOLD_WINDOWS, 2 * holdAfterShrink) : HOLD_WINDOWS;
      hold = holdAfterShrink;
      // the epsilon keeps 2.0000000000000018 (floating-point noise) from rounding up to 3
      long couldRun = (long) Math.ceil(Math.min(limit, inFlight) * (1 - cpuWait) - 1e-9);
      return (int) Math.max(floor, Math.min(limit, couldRun - 1));
    }
    if (hold > 0) {
      hold--;
      return limit;
    }
    if (cpuWait < GROW_BELOW && waiting > 0 && limit < max && cores < busyCores) {
      sinceGrowth = 0;
      return (int) Math.min(max, limit + Math.max(1L, limit / 4));
    }
    return limit;
  }
}
