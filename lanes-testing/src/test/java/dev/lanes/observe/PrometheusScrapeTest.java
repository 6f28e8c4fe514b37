package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.http.Response;
import dev.lanes.observe.micrometer.LanesMetrics;
import dev.lanes.testing.TestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scrape endpoint speaks the Prometheus text format and carries the lanes' meters. */
class PrometheusScrapeTest {
  // name{label="value",...} value [timestamp] (Prometheus text exposition format 0.0.4)
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
  private static final String VALUE = "(?:[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?|NaN|[-+]Inf)";
  private static final Pattern SAMPLE = Pattern.compile(
      "^" + NAME + "(?:\\{(?:" + LABEL + "(?:," + LABEL + ")*,?)?\\})? " + VALUE + "(?: -?[0-9]+)?$");
  private static final Pattern COMMENT = Pattern.compile("^# (?:HELP " + NAME + " .*|TYPE " + NAME
      + " (?:counter|gauge|histogram|summary|untyped))$");

  @Test
  void everyLineParsesAndLaneRouteAndLoopMetricsAreThere() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    CountDownLatch backgroundDone = new CountDownLatch(1);
    CountDownLatch blockedSeen = new CountDownLatch(1);
    LanesListener latch = new LanesListener() {
      @Override
      public void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration d) {
        backgroundDone.countDown();
      }

      @Override
      public void eventLoopBlocked(BlockedLoop report) {
        if (report.route().isPresent()) { // not a first request's class loading
          blockedSeen.countDown();
        }
      }
    };
    App app = App.builder()
        .listener(metrics)
        .listener(latch)
        .blockedLoopThreshold(Duration.ofMillis(50))
        .get("/items/{id}", req -> Response.text("item").withBackground(
            BackgroundTasks.create().add("audit", () -> { })))
        .getAsync("/bad", req -> {
          blockedSeen.await(20, TimeUnit.SECONDS);
          return CompletableFuture.completedFuture(Response.text("bad"));
        })
        .get("/metrics", req -> Response.bytes(registry.scrape().getBytes(StandardCharsets.UTF_8),
            "text/plain; version=0.0.4; charset=utf-8"))
        .build();
    metrics.monitor(app).bindTo(registry);
    try (TestClient client = TestClient.start(app)) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.get("/items/" + i).status()).isEqualTo(200);
      }
      assertThat(client.get("/missing").status()).isEqualTo(404);
      assertThat(client.get("/bad").text()).isEqualTo("bad");
      assertThat(backgroundDone.await(10, TimeUnit.SECONDS)).isTrue();
      app.background().awaitIdle(Duration.ofSeconds(10));

      var scrape = client.get("/metrics");
      assertThat(scrape.status()).isEqualTo(200);
      assertThat(scrape.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      List<String> lines = scrape.text().lines().filter(l -> !l.isEmpty()).toList();
      assertThat(lines).isNotEmpty();
      assertThat(lines).allSatisfy(line -> assertThat(
          line.startsWith("#") ? COMMENT.matcher(line).matches() : SAMPLE.matcher(line).matches())
          .as("exposition format: %s", line).isTrue());
      String text = scrape.text();
      assertThat(text)
          .contains("lanes_lane_capacity{lane=\"endpoints\"} 16384.0")
          .contains("lanes_lane_capacity_min{lane=\"endpoints\"} 1.0") // adaptive 1..16384 (Lanes.HANDLER_LANE_MAX)
          .contains("lanes_lane_capacity_max{lane=\"endpoints\"} 16384.0")
          .contains("lanes_lane_capacity_min{lane=\"files\"} 64.0") // fixed: both bounds are the capacity
          .contains("lanes_lane_capacity_max{lane=\"files\"} 64.0")
          .contains("lanes_lane_borrowed{lane=\"background\"}")
          .contains("lanes_lane_waiting{lane=\"files\"} 0.0")
          .contains("lanes_lane_completed_total{lane=\"endpoints\"}")
          .contains("lanes_lane_rejected_total{lane=\"endpoints\"} 0.0")
          .contains("lanes_lane_queue_wait_seconds_bucket{lane=\"endpoints\",le=")
          .contains("lanes_http_server_requests_seconds_count{method=\"GET\",route=\"GET /items/{id}\",status=\"200\"} 3")
          .contains("lanes_http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"} 1")
          .contains("lanes_background_tasks_total{outcome=\"completed\"} 3.0")
          .contains("lanes_eventloop_blocked_total{route=\"GET /bad\"} 1.0")
          .contains("lanes_eventloop_task_latency_seconds_count{loop=\"lanes-loop-");
      // A request timer's histogram: the 18 fixed bounds and +Inf, cumulative, every request counted.
      List<String> buckets = lines.stream()
          .filter(l -> l.startsWith("lanes_http_server_requests_seconds_bucket{") && l.contains("GET /items/{id}"))
          .toList();
      assertThat(buckets).hasSize(19);
      assertThat(buckets.get(0)).contains("le=\"1.0E-4\"");
      assertThat(buckets.get(17)).contains("le=\"60.0\"");
      assertThat(buckets.get(18)).contains("le=\"+Inf\"").endsWith(" 3");
    }
  }
}
