package dev.lanes.concurrency;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Queue waits of one lane in power-of-two buckets (bucket {@code i} holds waits below
 * {@code 2^i} ns), so a lane's statistics can give percentiles for the price of one atomic add per
 * granted token. A percentile is the upper bound of its bucket: within a factor of two, which is
 * what a snapshot needs; exact histograms are the metrics module's business.
 */
final class WaitHistogram {
  private static final int BUCKETS = 64;
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long nanos) {
    // waits in [2^(i-1), 2^i) ns land in bucket i; 0 ns in bucket 0; a positive long needs <= 63
    counts.incrementAndGet(BUCKETS - Long.numberOfLeadingZeros(Math.max(0, nanos)));
  }

  /** The wait below which a fraction {@code q} (0..1) of recorded waits fall; zero if none. */
  Duration percentile(double q) {
    long total = 0;
    long[] snapshot = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return Duration.ZERO;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank && snapshot[i] > 0) {
        return Duration.ofNanos(i == 0 ? 0 : i >= 63 ? Long.MAX_VALUE : 1L << i);
      }
    }
    return Duration.ofNanos(Long.MAX_VALUE);
  }
}
