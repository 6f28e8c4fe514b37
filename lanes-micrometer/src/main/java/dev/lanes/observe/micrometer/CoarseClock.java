package dev.lanes.observe.micrometer;

import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Micrometer's {@link Clock} with a wall time that one daemon thread refreshes every
 * {@code resolution}, instead of a system clock read on every call. A timer with a histogram
 * reads the wall clock twice per recording (to rotate its maximum's and its histogram's time
 * windows): on this project's VMs that is 60 of a recording's 100 ns, and one recording per
 * request. The windows turn every tens of seconds, so a wall time up to {@code resolution} old
 * changes nothing a meter reports. The monotonic time stays exact.
 *
 * <pre>{@code
 * CoarseClock clock = CoarseClock.start(Duration.ofMillis(100));
 * var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
 * // ... on shutdown:
 * clock.close();
 * }</pre>
 */
public final class CoarseClock implements Clock, AutoCloseable {
  private final long resolutionNanos;
  private final Thread ticker;
  private volatile long wallTime = System.currentTimeMillis();
  private volatile boolean closed;

  private CoarseClock(Duration resolution) {
    this.resolutionNanos = resolution.toNanos();
    this.ticker = Thread.ofPlatform().name("lanes-metrics-clock").daemon().unstarted(this::tick);
  }

  /** A clock whose wall time is at most {@code resolution} old; starts its thread. */
  public static CoarseClock start(Duration resolution) {
    Objects.requireNonNull(resolution, "resolution");
    if (resolution.isNegative() || resolution.isZero() || resolution.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("resolution must be above 0 and at most 1 s: " + resolution);
    }
    CoarseClock clock = new CoarseClock(resolution);
    clock.ticker.start();
    return clock;
  }

  private void tick() {
    while (!closed) {
      LockSupport.parkNanos(resolutionNanos);
      wallTime = System.currentTimeMillis();
    }
  }

  /** Milliseconds since the epoch, as of the last refresh. */
  @Override
  public long wallTime() {
    return wallTime;
  }

  @Override
  public long monotonicTime() {
    return System.nanoTime();
  }

  /** Stops the refreshing thread and waits for it; the wall time stays where it was. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(ticker);
    boolean interrupted = false;
    while (ticker.isAlive()) {
      try {
        ticker.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
