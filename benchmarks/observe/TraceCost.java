import dev.lanes.internal.observe.RequestTrace;
import dev.lanes.observe.LanesListener;
import dev.lanes.internal.observe.Instruments;
import dev.lanes.observe.micrometer.LanesMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * The per-request cost of request events in isolation: a RequestTrace through no listener vs the
 * LanesMetrics listener (route timer with a percentile histogram, Prometheus registry), the same
 * calls the dispatcher makes for an in-memory response. Run by benchmarks/observe.sh:
 * {@code java -cp examples/target/examples.jar benchmarks/observe/TraceCost.java}.
 */
public class TraceCost {
  static long sink;

  static long run(Instruments o, int n) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      RequestTrace t = o.startRequest("GET", "/plaintext", System.nanoTime());
      t.routed("GET /plaintext");
      t.respondedAndEnded(200, System.nanoTime()); // the server passes the time it read once for the response
      sink += t.hashCode();
    }
    return System.nanoTime() - t0;
  }

  public static void main(String[] args) {
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    Instruments on = Instruments.of(List.<LanesListener>of(metrics), Duration.ZERO);
    Instruments off = Instruments.of(List.of(), Duration.ZERO);
    int n = 2_000_000;
    double bestOff = Double.MAX_VALUE, bestOn = Double.MAX_VALUE;
    for (int round = 0; round < 7; round++) { // the first rounds warm up the JIT; keep the best
      bestOff = Math.min(bestOff, run(off, n) / (double) n);
      bestOn = Math.min(bestOn, run(on, n) / (double) n);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += System.nanoTime();
    }
    double clock = (System.nanoTime() - t0) / (double) n;
    System.out.printf("%.0f %.0f %.0f%n", bestOff, bestOn, clock);
  }
}
