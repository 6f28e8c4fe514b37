package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.observe.micrometer.CoarseClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** A wall clock refreshed by its own thread: it moves, never runs ahead, and stops when closed. */
class CoarseClockTest {
  @Test
  void wallTimeFollowsTheSystemClockWithinItsResolution() {
    try (CoarseClock clock = CoarseClock.start(Duration.ofMillis(5))) {
      long start = clock.wallTime();
      assertThat(start).isLessThanOrEqualTo(System.currentTimeMillis());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (clock.wallTime() <= start && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000); // polling the state under test, bounded
      }
      assertThat(clock.wallTime()).as("refreshed by its thread").isGreaterThan(start);
      assertThat(clock.wallTime()).as("never ahead of the system clock")
          .isLessThanOrEqualTo(System.currentTimeMillis());
      long before = System.nanoTime();
      long monotonic = clock.monotonicTime();
      assertThat(monotonic).as("monotonic time is exact").isBetween(before, System.nanoTime());
    }
  }

  @Test
  void closeStopsItsThread() {
    CoarseClock clock = CoarseClock.start(Duration.ofMillis(1));
    assertThat(tickers()).isGreaterThanOrEqualTo(1);
    long before = tickers();
    clock.close(); // joins the thread
    assertThat(tickers()).isEqualTo(before - 1);
  }

  @Test
  void aRegistryOnItRecords() {
    try (CoarseClock clock = CoarseClock.start(Duration.ofMillis(10))) {
      var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
      Timer timer = Timer.builder("t").publishPercentileHistogram().register(registry);
      timer.record(Duration.ofMillis(3));
      timer.record(Duration.ofMillis(5));
      assertThat(timer.count()).isEqualTo(2);
      assertThat(timer.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5.0);
      assertThat(registry.scrape()).contains("t_seconds_count 2");
    }
  }

  @Test
  void resolutionMustBeSensible() {
    assertThatThrownBy(() -> CoarseClock.start(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resolution");
    assertThatThrownBy(() -> CoarseClock.start(Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class);
  }

  private static long tickers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("lanes-metrics-clock") && t.isAlive()).count();
  }
}
