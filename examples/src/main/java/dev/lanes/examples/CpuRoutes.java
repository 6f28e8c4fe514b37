package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneSizing;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * CPU-bound work in a lane with no number picked: lane {@code cpu} is adaptive unless the demo's
 * {@code CPU_LANE} says otherwise, so it shrinks to all cores but one while its requests wait for
 * a CPU, and other lanes keep a carrier (docs/lanes.md, "Sizing").
 *
 * <ul>
 *   <li>{@code GET /cpu?ms=N}: SHA-256 hashing for N ms (0..10000, default 20) in lane {@code cpu};
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

  /**
   * Adds lane {@code cpu} with {@code sizing} (adaptive in the demo) and the route. A fixed lane
   * (for the benchmark's comparison) gets the queue an adaptive one has, 4 x its maximum, so the
   * configurations differ in their limit alone.
   */
  static App.Builder addTo(App.Builder app, LaneSizing sizing) {
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
          return Response.json(Map.of("ms", ms, "hashes", hashFor(ms * 1_000_000L)));
        });
  }

  /** Hashes a 1 KiB block over and over for {@code nanos} of wall time; returns how many times. */
  static long hashFor(long nanos) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] block = new byte[1024];
    long end = System.nanoTime() + nanos;
    long hashes = 0;
    do {
      sha256.update(block);
      byte[] digest = sha256.digest();
      block[(int) (hashes & 1023)] ^= digest[0]; // each round depends on the last: no shortcut
      hashes++;
    } while (System.nanoTime() < end);
    return hashes;
  }
}
