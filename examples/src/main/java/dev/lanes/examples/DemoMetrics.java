package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.PinningMonitor;
import dev.lanes.observe.micrometer.CoarseClock;
import dev.lanes.observe.micrometer.LanesMetrics;
import dev.lanes.tasks.TaskMetrics;
import dev.lanes.tasks.Tasks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo's instrumentation: Micrometer metrics scraped by Prometheus at {@code /metrics}, the
 * blocked-loop watchdog and JFR pinning reports. Off ({@code METRICS=off}) means all of it off (no
 * listener, no watchdog), to measure what it costs; see {@link DemoSettings} for the settings.
 */
final class DemoMetrics implements AutoCloseable {
  private final boolean enabled;
  private final Duration watchdog;
  private final boolean pinning;
  private final CoarseClock clock; // null when off
  private final PrometheusMeterRegistry registry;
  private final LanesMetrics metrics = LanesMetrics.create();
  private PinningMonitor pinningMonitor;

  private DemoMetrics(boolean enabled, Duration watchdog, boolean pinning) {
    this.enabled = enabled;
    this.watchdog = watchdog;
    this.pinning = pinning;
    // A wall clock refreshed every second: each request's timer reads it twice (see CoarseClock),
    // and the windows it turns are tens of seconds long.
    // At 10 ms its thread used 0.5% of the server's core at 100k requests/s (woken 100 times a
    // second on a busy core), about what it saved.
    this.clock = enabled ? CoarseClock.start(Duration.ofSeconds(1)) : null;
    this.registry = enabled
        ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock) : null;
  }

  /** The instrumentation {@code settings} ask for: metrics on or off, watchdog threshold, pinning. */
  static DemoMetrics of(DemoSettings settings) {
    return new DemoMetrics(settings.metrics(), settings.watchdog(), settings.pinning());
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

  /**
   * Adds the task meters ({@code lanes_tasks_*}: events per task type, with {@link #bindTasks} the
   * counts per state and the queue's age) when metrics are on.
   */
  Tasks.Builder instrument(Tasks.Builder tasks) {
    return enabled ? tasks.listener(new TaskMetrics(registry)) : tasks;
  }

  /** Gauges of {@code tasks}' store: tasks per state (queue depth) and queue age, read at each scrape. */
  void bindTasks(Tasks tasks) {
    if (enabled) {
      TaskMetrics.bindStates(tasks, registry);
    }
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
    if (clock != null) {
      clock.close();
    }
  }
}
