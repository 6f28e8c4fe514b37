package dev.lanes.examples;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.DashboardSection;
import dev.lanes.observe.LanesDashboard;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Seeing the lanes at work, and catching bad async code (see {@code docs/observability.md}).
 *
 * <ul>
 *   <li>{@code GET /_lanes}: the live lanes dashboard (with {@code /_lanes/events} and
 *       {@code /_lanes/snapshot}), with the task counts per type and state below the lanes</li>
 *   <li>{@code GET /test/bad_async}: seed 003's "bad async code", a 300 ms sleep on the event loop;
 *       the watchdog reports it (route, stack) and counts it in {@code lanes_eventloop_blocked_total}</li>
 *   <li>{@code GET /metrics}: the Prometheus scrape, with the metrics listener, the blocked-loop
 *       watchdog and JFR pinning reports (all from {@link DemoMetrics}; none of it when it is off)</li>
 * </ul>
 */
final class ObservabilityRoutes {
  private ObservabilityRoutes() {}

  /** Adds the routes, and {@code metrics}' listener, watchdog and {@code /metrics}. */
  static App.Builder addTo(App.Builder app, DemoMetrics metrics) {
    return addTo(app, metrics, List.of());
  }

  /** As {@link #addTo(App.Builder, DemoMetrics)}, the dashboard showing {@code sections} (the task counts). */
  static App.Builder addTo(App.Builder app, DemoMetrics metrics, List<DashboardSection> sections) {
    LanesDashboard.mount(app::getAsync, "/_lanes", sections);
    app.getAsync("/test/bad_async", req -> {
      Thread.sleep(300); // blocks the loop: what the watchdog is there to name
      return CompletableFuture.completedFuture(Response.json(NullNode.instance));
    });
    return metrics.register(app);
  }
}
