package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.http.Response;
import dev.lanes.observe.micrometer.LanesMetrics;
import dev.lanes.testing.TestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every Prometheus name docs/observability.md's metrics table lists is one the registry exports
 * once each kind of event has happened (with a timer's {@code _max}), and no other
 * {@code lanes_} name is exported.
 */
class DocumentedMeterNamesTest {
  private static final Set<String> DOCUMENTED = Set.of(
      "lanes_lane_capacity", "lanes_lane_borrowed", "lanes_lane_waiting",
      "lanes_lane_capacity_min", "lanes_lane_capacity_max",
      "lanes_lane_compute", "lanes_lane_compute_entered_total",
      "lanes_lane_completed_total", "lanes_lane_failed_total", "lanes_lane_cancelled_total",
      "lanes_lane_rejected_total", "lanes_lane_timed_out_total",
      "lanes_lane_queue_wait_seconds", "lanes_http_server_requests_seconds",
      "lanes_background_tasks_total", "lanes_background_pending",
      "lanes_eventloop_task_latency_seconds", "lanes_eventloop_blocked_total",
      "lanes_virtualthread_pinned_total", "lanes_tls_handshake_failures_total",
      // Micrometer exports a timer's maximum as a gauge family of its own beside the histogram.
      "lanes_lane_queue_wait_seconds_max", "lanes_http_server_requests_seconds_max",
      "lanes_eventloop_task_latency_seconds_max");

  @Test
  void theRegistryExportsExactlyTheDocumentedNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    App app = App.builder().listener(metrics).get("/items/{id}", req -> Response.text("item")).build();
    metrics.monitor(app).bindTo(registry);
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/items/1").status()).isEqualTo(200);
    }
    // The events a plain request does not cause, reported as their sources would.
    metrics.laneAcquired("endpoints", Duration.ofMillis(1));
    metrics.backgroundTaskEnd("audit", "GET /items/{id}", TaskOutcome.COMPLETED, Duration.ofMillis(1));
    metrics.eventLoopLatency("lanes-loop-1-1", Duration.ofMillis(1));
    metrics.eventLoopBlocked(new BlockedLoop("lanes-loop-1-1", Optional.empty(), Duration.ofMillis(150),
        Thread.State.TIMED_WAITING, List.of()));
    metrics.virtualThreadPinned(new PinnedThread("v", Duration.ofMillis(30), List.of()));
    metrics.tlsHandshakeFailed(TlsHandshakeFailure.TIMEOUT);

    Set<String> exported = registry.scrape().lines()
        .filter(l -> l.startsWith("# TYPE lanes_"))
        .map(l -> l.split(" ")[2])
        .collect(Collectors.toSet());
    assertThat(exported).containsExactlyInAnyOrderElementsOf(DOCUMENTED);
  }
}
