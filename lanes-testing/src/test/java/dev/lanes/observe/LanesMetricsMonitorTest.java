package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.observe.micrometer.LanesMetrics;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.lanes.concurrency.TaskOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The meters read from an app (its lanes, its background runner) are those of the app last
 * monitored, and every meter lives in the registry last bound.
 */
class LanesMetricsMonitorTest {

  /**
   * Monitoring a new app on the same registry, the first one closed (a restart, a test reusing the
   * registry), reports the new app's lanes, not the closed app's.
   */
  @Test
  void monitoringANewAppReportsItsLanesNotTheClosedOnes() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    App first = App.builder().listener(metrics).lane(Lane.builder("db").capacity(5)).build();
    metrics.monitor(first);
    first.close();
    App second = App.builder().listener(metrics).lane(Lane.builder("db").capacity(7)).build();
    try {
      metrics.monitor(second);
      assertThat(registry.get("lanes.lane.capacity").tag("lane", "db").gauge().value()).isEqualTo(7.0);
      assertThat(registry.get("lanes.lane.capacity.max").tag("lane", "db").gauge().value()).isEqualTo(7.0);
    } finally {
      second.close();
    }
  }

  /**
   * Bound to a second registry (a restart with a fresh registry, a test reusing the binder), the
   * events are recorded there: the second registry's request, queue-wait, loop and background
   * meters count what happens after the bind, not nothing while the first registry keeps counting.
   */
  @Test
  void eventsAfterBindingAnotherRegistryAreRecordedInIt() {
    var first = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var second = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(first);
    record(metrics);
    metrics.bindTo(second);
    record(metrics);
    record(metrics);

    assertThat(second.get("lanes.http.server.requests").tags("route", "GET /x", "method", "GET", "status", "200")
        .timer().count()).isEqualTo(2);
    assertThat(second.get("lanes.lane.queue.wait").tag("lane", "db").timer().count()).isEqualTo(2);
    assertThat(second.get("lanes.eventloop.task.latency").tag("loop", "lanes-loop-1-1").timer().count()).isEqualTo(2);
    assertThat(second.get("lanes.background.tasks").tag("outcome", "completed").counter().count()).isEqualTo(2.0);
    assertThat(first.get("lanes.http.server.requests").timer().count()).as("the first registry stopped").isEqualTo(1);
  }

  /**
   * A task refused because its lane is closed counts in {@code lanes.lane.rejected}, as the
   * listener's {@code laneRejected(CLOSED)} and the lane's statistics say.
   */
  @Test
  void aTaskAClosedLaneRefusesCountsAsRejected() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    App app = App.builder().listener(metrics).lane(Lane.builder("db").capacity(1)).build();
    metrics.monitor(app);
    Lane db = app.lanes().get("db");
    app.close();
    assertThat(db.run(() -> 1)).isCompletedExceptionally();
    assertThat(registry.get("lanes.lane.rejected").tag("lane", "db").functionCounter().count()).isEqualTo(1.0);
    assertThat(registry.get("lanes.lane.timed.out").tag("lane", "db").functionCounter().count()).isZero();
  }

  /**
   * A loop's latency timer is tagged with its thread's name, which a new server's loops do not
   * share ({@code lanes-loop-<pool>-<n>}, the pool numbered per JVM): a server stopped and started
   * again on the same registry left its stopped loops' timers behind, one set more per restart,
   * exported for ever. They go with the server that owned them.
   */
  @Test
  void aRestartedServerLeavesNoLatencyTimersOfTheLoopsItStopped() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    App app = App.builder().listener(metrics).blockedLoopThreshold(Duration.ofMillis(20)).build();
    metrics.monitor(app);
    try (app) {
      java.util.Set<String> stopped = new java.util.HashSet<>();
      for (int run = 0; run < 3; run++) {
        // A connection, or the idle loop gets no heartbeats to time.
        try (Server server = Server.start(app, ServerConfig.builder().port(0).ioThreads(1).stopOnSignal(false).build());
            java.net.Socket connection = new java.net.Socket("127.0.0.1", server.port())) {
          assertThat(connection.isConnected()).isTrue();
          Await.until(() -> registry.find("lanes.eventloop.task.latency").timers().stream()
              .anyMatch(t -> !stopped.contains(t.getId().getTag("loop"))), "a heartbeat of the new server's loop");
          assertThat(registry.find("lanes.eventloop.task.latency").timers()).as("run %d on port %d", run, server.port())
              .hasSize(1);
          registry.find("lanes.eventloop.task.latency").timers().forEach(t -> stopped.add(t.getId().getTag("loop")));
        }
      }
    }
  }

  private static void record(LanesMetrics metrics) {
    metrics.requestEnd("GET /x", "GET", 200, Duration.ofMillis(3));
    metrics.laneAcquired("db", Duration.ofMillis(1));
    metrics.eventLoopLatency("lanes-loop-1-1", Duration.ofMillis(1));
    metrics.backgroundTaskEnd("audit", "GET /x", TaskOutcome.COMPLETED, Duration.ofMillis(1));
  }
}
