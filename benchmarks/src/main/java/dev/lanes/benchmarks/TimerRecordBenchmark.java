package dev.lanes.benchmarks;

import dev.lanes.observe.micrometer.CoarseClock;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one request's timer costs in {@code LanesMetrics}: {@code Timer.record} on a Prometheus
 * registry, with the histogram the request timers publish (percentile buckets from 50 us to 60 s),
 * with 19 fixed buckets, or with none; on the system clock or on {@link CoarseClock}. The durations
 * vary so the bucket search is not always the same path.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TimerRecordBenchmark} (or
 * {@code benchmarks/jmh.sh}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TimerRecordBenchmark {
  private static final Duration[] FIXED = {
      Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
      Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  @Param({"percentiles", "fixed", "none"})
  public String histogram;

  @Param({"system", "coarse"})
  public String clock;

  private CoarseClock coarse;
  private Timer timer;
  private final Duration[] durations = new Duration[1024];
  private int next;

  @Setup(Level.Trial)
  public void setup() {
    Clock c = Clock.SYSTEM;
    if (clock.equals("coarse")) {
      coarse = CoarseClock.start(Duration.ofMillis(10));
      c = coarse;
    }
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), c);
    Timer.Builder b = Timer.builder("lanes.http.server.requests");
    timer = switch (histogram) {
      case "percentiles" -> b.publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
          .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
      case "fixed" -> b.serviceLevelObjectives(FIXED).register(registry);
      default -> b.register(registry);
    };
    long seed = 1;
    for (int i = 0; i < durations.length; i++) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      durations[i] = Duration.ofNanos(20_000 + ((seed >>> 40) & 0x3FFFF)); // 20-282 us
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (coarse != null) {
      coarse.close();
    }
  }

  @Benchmark
  public void record() {
    timer.record(durations[next++ & (durations.length - 1)]);
  }
}
