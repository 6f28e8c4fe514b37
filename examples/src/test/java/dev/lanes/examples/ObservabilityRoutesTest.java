package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard, the bad-async route the watchdog names, and {@code /metrics} only when metrics are on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObservabilityRoutesTest {

  @Test
  void theWatchdogCountsBadAsyncInTheScrape() {
    // A low threshold next to the route's 300 ms block; JFR left out of a unit test.
    DemoMetrics metrics = DemoMetrics.of(DemoSettings.from(Map.of("WATCHDOG_MS", "20", "PINNING", "off")));
    App app = ObservabilityRoutes.addTo(App.builder(), metrics).build();
    metrics.start(app);
    try (metrics; TestClient client = TestClient.start(app)) {
      TestResponse page = client.get("/_lanes");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("content-type")).contains("text/html; charset=utf-8");
      assertThat(client.get("/_lanes/snapshot").text()).contains("endpoints");

      // Each call blocks its loop for 300 ms; the watchdog samples every 10 ms, so one call is
      // normally enough. A machine too busy to run the watchdog in time gets more chances.
      String line = "lanes_eventloop_blocked_total{route=\"GET /test/bad_async\"}";
      String scrape = "";
      for (int i = 0; i < 20 && !scrape.contains(line); i++) {
        assertThat(client.get("/test/bad_async").text()).isEqualTo("null");
        TestResponse r = client.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        scrape = r.text();
      }
      assertThat(scrape).contains(line).contains("lanes_lane_capacity");
    }
  }

  @Test
  void withMetricsOffThereIsNoScrapeButTheRoutesStay() {
    DemoMetrics metrics = DemoMetrics.of(DemoSettings.from(Map.of("METRICS", "off")));
    App app = ObservabilityRoutes.addTo(App.builder(), metrics).build();
    metrics.start(app);
    try (metrics; TestClient client = TestClient.start(app)) {
      assertThat(client.get("/metrics").status()).isEqualTo(404);
      assertThat(client.get("/_lanes").status()).isEqualTo(200);
      assertThat(client.get("/test/bad_async").text()).isEqualTo("null");
    }
  }
}
