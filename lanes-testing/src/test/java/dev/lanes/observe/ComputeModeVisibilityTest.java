package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.observe.micrometer.LanesMetrics;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which thread kind an adaptive lane runs its tasks on (compute mode: platform threads) is shown
 * where its limit is: a gauge and a counter of entries beside {@code lanes.lane.capacity}, and the
 * dashboard's snapshot beside {@code capacity}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ComputeModeVisibilityTest {

  @Test
  void aLaneInComputeModeShowsItInItsMetricsAndOnTheDashboard() {
    int cores = Runtime.getRuntime().availableProcessors();
    int max = 8 * cores;
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    App.Builder builder = App.builder().listener(metrics)
        .lane(Lane.builder("spin").adaptive(1, max)).lane(Lane.builder("db").capacity(3));
    LanesDashboard.mount(builder::getAsync, "/_lanes");
    App app = builder.build();
    metrics.monitor(app);
    try (TestClient client = TestClient.start(app)) {
      assertThat(registry.get("lanes.lane.compute").tag("lane", "spin").gauge().value()).isZero();
      assertThat(registry.get("lanes.lane.compute").tag("lane", "db").gauge().value()).isZero();
      assertThat(registry.get("lanes.lane.compute.entered").tag("lane", "spin").functionCounter().count()).isZero();
      var before = lane(client, "spin");
      assertThat(before.get("computeMode").asBoolean()).isFalse();
      assertThat(before.get("executor").asText()).isEqualTo("virtual");
      assertThat(before.get("computeModeEntries").asLong()).isZero();

      Lane spin = app.lanes().get("spin");
      // CPU-bound tasks, many more than carriers: the lane moves to platform threads
      Await.until(Duration.ofSeconds(60), () -> {
        List<CompletableFuture<Void>> batch = new ArrayList<>();
        for (int i = 0; i < max; i++) {
          batch.add(spin.execute(() -> spinFor(TimeUnit.MILLISECONDS.toNanos(3))));
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
        return spin.statistics().computeMode();
      }, "the lane to enter compute mode");

      assertThat(registry.get("lanes.lane.compute").tag("lane", "spin").gauge().value()).isEqualTo(1.0);
      assertThat(registry.get("lanes.lane.compute").tag("lane", "db").gauge().value()).isZero();
      assertThat(registry.get("lanes.lane.compute.entered").tag("lane", "spin").functionCounter().count())
          .isGreaterThanOrEqualTo(1.0);
      assertThat(registry.scrape()).contains("lanes_lane_compute{lane=\"spin\"} 1.0",
          "lanes_lane_compute_entered_total{lane=\"spin\"}");
      var after = lane(client, "spin");
      assertThat(after.get("computeMode").asBoolean()).as(after.toString()).isTrue();
      assertThat(after.get("executor").asText()).isEqualTo("platform");
      assertThat(after.get("computeModeEntries").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(lane(client, "db").get("computeMode").asBoolean()).isFalse();
      assertThat(client.get("/_lanes").text()).contains("l.computeMode", "s.compute"); // column and history
    } finally {
      app.close();
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode lane(TestClient client, String name) {
    for (var lane : client.get("/_lanes/snapshot").json().get("lanes")) {
      if (lane.get("name").asText().equals(name)) {
        return lane;
      }
    }
    throw new AssertionError("no lane " + name);
  }

  private static void spinFor(long nanos) {
    long end = System.nanoTime() + nanos;
    long x = 0;
    while (System.nanoTime() < end) {
      x += Long.numberOfTrailingZeros(x + 1);
    }
    if (x == 42) {
      System.out.print(""); // keeps the loop from being optimised away
    }
  }
}
