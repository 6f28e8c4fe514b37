package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.PinningMonitor;
import dev.lanes.observe.micrometer.LanesMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo's instrumentation: Micrometer metrics scraped by Prometheus at {@code /metrics}, the
 * blocked-loop watchdog (default 100 ms) and JFR pinning reports. {@code METRICS=off} turns all
 * of it off (no listener, no watchdog), to measure what it costs; {@code WATCHDOG_MS} sets the
 * blocked-loop threshold (0: off) and {@code PINNING=off} leaves JFR out.
 */
final class DemoMetrics implements AutoCloseable {
  private final boolean enabled;
  private final Duration watchdog = Duration.ofMillis(Long.parseLong(System.getenv().getOrDefault("WATCHDOG_MS", "100")));
  private final boolean pinning = !"off".equalsIgnoreCase(System.getenv().getOrDefault("PINNING", "on"));
  private final PrometheusMeterRegistry registry;
  private final LanesMetrics metrics = LanesMetrics.create();
  private PinningMonitor pinningMonitor;

  private DemoMetrics(boolean enabled) {
    this.enabled = enabled;
    this.registry = enabled ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
  }

  static DemoMetrics fromEnv() {
    return new DemoMetrics(!"off".equalsIgnoreCase(System.getenv().getOrDefault("METRICS", "on")));
  }

  /** Adds the listener and the {@code /metrics} route (or, when off, turns the watchdog off). */
  App.Builder register(App.Builder app) {
    if (!enabled) {
      return app.blockedLoopThreshold(Duration.ZERO);
    }
    // Scraping formats every meter: a blocking handler, so it runs in the endpoints lane.
    return app.listener(metrics).blockedLoopThreshold(watchdog).get("/metrics", req -> Response.bytes(
        registry.scrape().getBytes(StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8"));
  }

  /** Binds the app's meters and starts the pinning monitor. */
  void start(App app) {
    if (enabled) {
      metrics.monitor(app).bindTo(registry);
      if (pinning) {
        pinningMonitor = PinningMonitor.start(app.observability(), Duration.ofMillis(20));
      }
    }
  }

  @Override
  public void close() {
    if (pinningMonitor != null) {
      pinningMonitor.close();
    }
  }
}
