package dev.lanes.concurrency;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Sets the total of an adaptive lane's {@link CapacityLimiter} from the lane's own measurements,
 * and says whether its tasks compute, so that the lane runs them on platform threads (which the OS
 * time-slices) instead of virtual threads (which it does not).
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
 * <p><b>Computing, not just starting.</b> A burst of I/O-bound tasks also waits for carriers, once,
 * to start (1000 sleeping requests arriving at once on a busy machine). Fewer tokens would not
 * help them, so the share only counts when the process spent at least half of the tasks' running
 * time (ended minus started) computing: CPU time over the window / their running time {@code >=
 * 0.5}. Sleeping tasks run for seconds on microseconds of CPU. Virtual threads cannot measure
 * their own CPU time, so this is the whole process's, and it counts only while the tasks' running
 * time can account for it: above twice their running time ({@link #ACCOUNTED}) most of it was
 * not theirs (the JIT at start-up, the loops beside a burst of short tasks; measured on the demo:
 * 100 ms of CPU time against two short tasks' 1.3 ms made sleeping requests look CPU-bound).
 *
 * <p><b>Compute mode.</b> CPU-bound tasks on virtual threads hold their carriers until they end,
 * and the JDK's scheduler keeps a carrier on the queue it is draining, so a lane that fills every
 * carrier starves every other lane (measured: {@code /ping} unanswered for 18 s beside a {@code
 * /cpu} flood with the cpu lane fixed at 2 on 2 cores). Leaving one carrier free costs half the
 * throughput on 2 cores. So once the lane's tasks are seen computing and waiting for carriers, the
 * lane enters compute mode: its limit becomes the cores (within its bounds) and the lane runs new
 * tasks on platform threads, which the OS time-slices with the carriers: the CPU-bound work gets
 * every core, and other lanes' virtual threads keep their carriers.
 *
 * <p><b>Rule,</b> once per window (at least {@link #WINDOW_NANOS} and one sample; after a quiet
 * spell of two windows, the next window starts with its first sample):
 * <ul>
 *   <li>Virtual threads: {@code w > 0.10}, the tasks computing ({@link #ENTER} up to
 *       {@link #ACCOUNTED}), and more tasks in flight than cores: enter compute mode at {@code
 *       clamp(cores, min, max)}. {@code w < 0.05} with tasks queued: grow by a quarter (at least
 *       1), up to {@code max}.</li>
 *   <li>Compute mode: the limit stays. The tasks run on platform threads, which measure their own
 *       CPU time; theirs (not the process's, which the JIT, the loops and other lanes add to)
 *       under a tenth of their running time ({@link #LEAVE}: they wait on something else now):
 *       back to virtual threads at the limit the lane had when it entered (or a quarter more than
 *       now, if that is more). A window in which no task ran on a platform thread (those that
 *       started before the switch) judges by the process's CPU time.</li>
 *   <li>Where the process's CPU time is not known ({@link #UNKNOWN}), the tasks never count as
 *       computing: the lane never enters compute mode.</li>
 *   <li>otherwise: keep the limit.</li>
 * </ul>
 *
 * <p>Concurrency: samples are added under one lock (O(1)); the window's decision reads the
 * limiter's snapshot and sets its new total under the same lock, so decisions land in the order
 * they were made (one set after the lock could overwrite a later window's), while the waiters a
 * larger total admits are completed after it is released, so they never run under this lock. The
 * limiter itself never over-grants on a resize, whoever calls it. A task's own CPU time is read
 * (twice, ~0.2 us each on Linux) only on compute mode's platform threads; nothing is added per task
 * on virtual threads. The clocks are injected so tests can drive windows without sleeping.
 */
final class AdaptiveLimit {
  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final double SHRINK_ABOVE = 0.10;
  static final double GROW_BELOW = 0.05;
  static final long UNKNOWN = -1;
  // CPU time / running time of the tasks over a window: from ENTER they count as computing (a
  // lane of them may enter compute mode), below LEAVE as waiting on something else. The gap keeps a
  // lane whose platform threads the OS shares with other processes (their running time then
  // includes waits for a core) from leaving and coming back.
  static final double ENTER = 0.5;
  static final double LEAVE = 0.1;
  // Above it the process computed more than twice the tasks' running time: most of that CPU time
  // was not theirs (the JIT at start-up, the loops and other lanes beside a burst of short tasks),
  // so it says nothing about whether they compute.
  static final double ACCOUNTED = 2.0;

  private final CapacityLimiter limiter;
  private final int max;
  private final int computeLimit;
  private final int cores;
  private final LongSupplier clock;
  private final LongSupplier processCpu;
  private final ReentrantLock lock = new ReentrantLock();
  private long windowStart;
  private long windowCpu;
  private int samples;
  private long dispatchSum;
  private long totalSum;
  private long runSum;
  private long ownCpuSum; // CPU time of the window's tasks that measured their own (compute mode)
  private long ownRunSum; // and their running time
  private int limitBeforeCompute;
  private double lastCpuWait;
  private volatile boolean computeMode;
  private volatile long computeModeEntries; // written under lock

  /**
   * @param cores CPUs the lane's tasks compute on (the virtual-thread scheduler's carriers by
   *     default are as many)
   * @param clock nanoseconds, as {@link System#nanoTime}
   * @param processCpu the process's CPU time so far in nanoseconds, or {@link #UNKNOWN}
   */
  AdaptiveLimit(CapacityLimiter limiter, LaneSizing.Adaptive bounds, int cores, LongSupplier clock,
      LongSupplier processCpu) {
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be >= 1: " + cores);
    }
    this.limiter = limiter;
    this.max = bounds.max();
    this.cores = cores;
    this.computeLimit = Math.min(bounds.max(), Math.max(bounds.min(), cores));
    this.clock = clock;
    this.processCpu = processCpu;
    this.windowStart = clock.getAsLong();
    this.windowCpu = processCpu.getAsLong();
  }

  /** The controller of a real lane: the machine's cores, the JVM's clock and CPU time. */
  static AdaptiveLimit of(CapacityLimiter limiter, LaneSizing.Adaptive bounds) {
    return new AdaptiveLimit(limiter, bounds, Runtime.getRuntime().availableProcessors(),
        System::nanoTime, AdaptiveLimit::processCpuNanos);
  }

  private static long processCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(UNKNOWN);
  }

  /** Whether the lane's tasks compute: new ones then run on platform threads. */
  boolean computeMode() {
    return computeMode;
  }

  /**
   * How often the lane entered compute mode since it was built: a lane that went in and out between
   * two reads of {@link #computeMode} still shows it.
   */
  long computeModeEntries() {
    return computeModeEntries;
  }

  /** {@link #record(long, long, long)} for a task that measured no CPU time (a virtual thread's). */
  void record(long dispatchNanos, long totalNanos) {
    record(dispatchNanos, totalNanos, UNKNOWN);
  }

  /**
   * One task's waits: from its grant until its body started, and until it ended; and the CPU time
   * its thread spent from start to end, or {@link #UNKNOWN} (only platform threads measure it).
   */
  void record(long dispatchNanos, long totalNanos, long cpuNanos) {
    Runnable admitted;
    lock.lock();
    try {
      long now = clock.getAsLong();
      if (samples == 0 && now - windowStart >= 2 * WINDOW_NANOS) {
        // The first task after a quiet spell opens the window: the spell's CPU time (the JIT, other
        // lanes) must not be weighed against this one task's running time.
        windowStart = now;
        windowCpu = processCpu.getAsLong();
      }
      long dispatch = Math.max(0, dispatchNanos);
      long total = Math.max(dispatch, totalNanos);
      samples++;
      dispatchSum += dispatch;
      totalSum += total;
      runSum += total - dispatch;
      if (cpuNanos != UNKNOWN) {
        ownCpuSum += Math.max(0, cpuNanos);
        ownRunSum += total - dispatch;
      }
      long elapsed = now - windowStart;
      if (elapsed < WINDOW_NANOS) {
        return;
      }
      double cpuWait = totalSum == 0 ? 0 : (double) dispatchSum / totalSum;
      long cpu = processCpu.getAsLong();
      boolean known = cpu != UNKNOWN && windowCpu != UNKNOWN;
      // Without the process's CPU time a burst of tasks starting cannot be told from tasks
      // computing: such a lane never enters compute mode (and leaves it).
      double computing = !known ? 0 : runSum == 0 ? 1 : (double) (cpu - windowCpu) / runSum;
      if (computeMode && ownRunSum > 0) {
        // The tasks on platform threads measured their own CPU time: theirs, not the process's
        // (the JIT, the loops, other lanes), says whether they still compute.
        computing = (double) ownCpuSum / ownRunSum;
      }
      windowStart = now;
      windowCpu = cpu;
      samples = 0;
      dispatchSum = 0;
      totalSum = 0;
      runSum = 0;
      ownCpuSum = 0;
      ownRunSum = 0;
      lastCpuWait = cpuWait;
      LimiterStatistics s = limiter.statistics();
      int next = decide(s.totalTokens(), s.borrowed(), s.waiting(), cpuWait, computing);
      if (next == s.totalTokens()) {
        return;
      }
      admitted = limiter.resize(next);
    } finally {
      lock.unlock();
    }
    admitted.run();
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

  private int decide(int limit, int inFlight, int waiting, double cpuWait, double computing) {
    if (computeMode) {
      if (computing < LEAVE) {
        computeMode = false;
        // The limit it had before: the tasks that made the lane enter no longer compute, and
        // those that were running at that limit without waiting for a CPU need it back at once.
        return Math.max(limitBeforeCompute, grown(limit));
      }
      return limit;
    }
    boolean computes = computing >= ENTER && computing <= ACCOUNTED;
    if (cpuWait > SHRINK_ABOVE && computes && inFlight > cores) {
      computeMode = true;
      limitBeforeCompute = limit;
      computeModeEntries++; // under lock: the only writer
      return computeLimit;
    }
    return cpuWait < GROW_BELOW && waiting > 0 ? grown(limit) : limit;
  }

  private int grown(int limit) {
    return (int) Math.min(max, limit + Math.max(1L, limit / 4));
  }
}
