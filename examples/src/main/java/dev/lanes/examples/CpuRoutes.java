package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneSizing;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CPU-bound work in a lane with no number picked: lane {@code cpu} is adaptive unless the demo's
 * {@code CPU_LANE} says otherwise, so once its requests compute and wait for a CPU it runs them on
 * platform threads, one per core, and other lanes keep their carriers (docs/lanes.md, "Sizing").
 *
 * <ul>
 *   <li>{@code GET /cpu?ms=N}: SHA-256 hashing, as much as one core does in N ms (0..10000,
 *       default 20), in lane {@code cpu};
 *       answers {@code {"ms":N,"hashes":count}}</li>
 * </ul>
 *
 * <p>{@code GET /ping} ({@link BackgroundWork}, lane {@code endpoints}) shows how fast other work is
 * served while {@code /cpu} floods ({@code benchmarks/cpu-lanes.sh}).
 */
final class CpuRoutes {
  /** The lane {@code /cpu} runs in. */
  static final String LANE = "cpu";
  private static final int MAX_MS = 10_000;

  private CpuRoutes() {}

  /** {@link #addTo(App.Builder, LaneSizing, int)}, calibrated at start. */
  static App.Builder addTo(App.Builder app, LaneSizing sizing) {
    return addTo(app, sizing, 0);
  }

  /**
   * Adds lane {@code cpu} with {@code sizing} (adaptive in the demo) and the route. A fixed lane
   * (for the benchmark's comparison) gets the queue an adaptive one has, 4 x its maximum, so the
   * configurations differ in their limit alone. {@code hashesPerMs} pins the work per ms (0:
   * calibrate): a calibration on a busy machine can be off by 2x from one JVM to the next, so JVMs
   * compared by requests per second must share one.
   */
  static App.Builder addTo(App.Builder app, LaneSizing sizing, int hashesPerMs) {
    if (hashesPerMs < 0) {
      throw new IllegalArgumentException("hashesPerMs must be >= 0: " + hashesPerMs);
    }
    if (hashesPerMs == 0) {
      hashFor(1); // calibrates on this (platform) thread, not on the first request's
    }
    Lane.Builder lane = Lane.builder(LANE).sizing(sizing);
    if (sizing instanceof LaneSizing.Fixed) {
      lane.maxWaiting(4 * LaneSizing.DEFAULT_ADAPTIVE_MAX);
    }
    return app
        .lane(lane)
        .route("GET", "/cpu", LANE, req -> {
          int ms = req.query().getInt("ms", 20);
          if (ms < 0 || ms > MAX_MS) {
            throw new HttpException(400, "ms must be 0.." + MAX_MS + ": " + ms);
          }
          long hashes = hashesPerMs == 0 ? hashFor(ms * 1_000_000L) : hash(Math.max(1L, (long) ms * hashesPerMs));
          return Response.json(Map.of("ms", ms, "hashes", hashes));
        });
  }

  /**
   * Hashes a 1 KiB block as many times as one core does in {@code nanos} of CPU time (calibrated
   * once per JVM); returns how many times. A fixed amount of work, not a wall-clock duration: a
   * task the OS time-slices (a platform thread) must not finish early for having waited.
   */
  static long hashFor(long nanos) {
    return hash(Math.max(1, Math.round(nanos * Calibration.HASHES_PER_NANO)));
  }

  private static long hash(long rounds) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] block = new byte[1024];
    long hashes = 0;
    while (hashes < rounds) {
      sha256.update(block);
      byte[] digest = sha256.digest();
      block[(int) (hashes & 1023)] ^= digest[0]; // each round depends on the last: no shortcut
      hashes++;
    }
    return hashes;
  }

  /** Hashes per nanosecond of one core's CPU time, measured by this thread's CPU clock. */
  private static final class Calibration {
    static final double HASHES_PER_NANO = measure();

    private static double measure() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      // A platform thread's CPU clock; the wall clock where there is none (a virtual thread on an
      // older JDK), then the least of five runs is the least disturbed one.
      boolean cpuClock = !Thread.currentThread().isVirtual() && threads.isCurrentThreadCpuTimeSupported();
      LongSupplier clock = cpuClock ? threads::getCurrentThreadCpuTime : System::nanoTime;
      hash(20_000); // warm up the JIT before timing
      long best = Long.MAX_VALUE;
      int rounds = 5_000;
      for (int i = 0; i < 5; i++) {
        long start = clock.getAsLong();
        hash(rounds);
        best = Math.min(best, clock.getAsLong() - start);
      }
      return (double) rounds / Math.max(1, best);
    }
  }
}
