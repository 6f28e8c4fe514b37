package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.observe.micrometer.LanesMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Request timers: one per route, method and status, whatever the strings' identity or the race. */
class LanesMetricsRequestsTest {
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  @Test
  void equalMethodStringsShareOneTimer() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    metrics.requestEnd("GET /a", "GET", 200, Duration.ofMillis(1));
    metrics.requestEnd("GET /a", new String("GET".toCharArray()), 200, Duration.ofMillis(1));
    metrics.requestEnd("GET /a", "GET", 404, Duration.ofMillis(1));

    assertThat(registry.find("lanes.http.server.requests").timers()).hasSize(2);
    assertThat(timer(registry, "GET /a", "GET", "200").count()).isEqualTo(2);
    assertThat(timer(registry, "GET /a", "GET", "404").count()).isEqualTo(1);
  }

  /** Each request counts in its own timer when route, method or status change from one to the next. */
  @Test
  void consecutiveRequestsThatDifferInOneTagEachCountApart() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    String[][] requests = {
        {"GET /a", "GET", "200"}, {"GET /a", "GET", "404"}, {"GET /a", "HEAD", "200"}, {"GET /b", "GET", "200"},
        {"GET /a", "GET", "200"}, {new String("GET /b".toCharArray()), "GET", "200"}, {"GET /b", "GET", "200"},
        {"GET /a", new String("HEAD".toCharArray()), "200"}};
    for (String[] r : requests) {
      metrics.requestEnd(r[0], r[1], Integer.parseInt(r[2]), Duration.ofMillis(1));
    }

    assertThat(registry.find("lanes.http.server.requests").timers()).hasSize(4);
    assertThat(timer(registry, "GET /a", "GET", "200").count()).isEqualTo(2);
    assertThat(timer(registry, "GET /a", "GET", "404").count()).isEqualTo(1);
    assertThat(timer(registry, "GET /a", "HEAD", "200").count()).isEqualTo(2);
    assertThat(timer(registry, "GET /b", "GET", "200").count()).isEqualTo(3);
  }

  /** A binder moved to another registry records there only, also for the request just recorded. */
  @Test
  void aRebindRecordsTheSameRequestInTheNewRegistry() {
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(first);
    metrics.requestEnd("GET /a", "GET", 200, Duration.ofMillis(1));
    metrics.bindTo(second);
    metrics.requestEnd("GET /a", "GET", 200, Duration.ofMillis(1));

    assertThat(timer(first, "GET /a", "GET", "200").count()).isEqualTo(1);
    assertThat(timer(second, "GET /a", "GET", "200").count()).isEqualTo(1);
  }

  @Test
  void inventedMethodsShareOneOtherTimer() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    for (int i = 0; i < 1000; i++) {
      metrics.requestEnd("unmatched", "M" + i, 404, Duration.ofMillis(1));
    }
    metrics.requestEnd("unmatched", "GET", 404, Duration.ofMillis(1));

    assertThat(registry.find("lanes.http.server.requests").timers()).hasSize(2);
    assertThat(timer(registry, "unmatched", "_OTHER", "404").count()).isEqualTo(1000);
    assertThat(timer(registry, "unmatched", "GET", "404").count()).isEqualTo(1);
  }

  /** Threads meeting a route's methods for the first time together lose no count and see no gap. */
  @Test
  void concurrentFirstRecordingsAllCount() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    int threads = 4;
    int routes = 200;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int r = 0; r < routes; r++) {
            for (int m = 0; m < METHODS.size(); m++) {
              // each thread walks the methods in a different order, so new methods race
              String method = METHODS.get((m + offset) % METHODS.size());
              metrics.requestEnd("route " + r, method, 200, Duration.ofMillis(1));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(); // rethrows what a recording thread threw
      }
    } finally {
      pool.shutdownNow();
    }
    // One pass over the timers: a registry search per timer scans them all (minutes on a busy machine).
    Map<String, Long> counts = new HashMap<>();
    for (Timer t : registry.find("lanes.http.server.requests").timers()) {
      counts.merge(t.getId().getTag("route") + " " + t.getId().getTag("method") + " " + t.getId().getTag("status"),
          t.count(), Long::sum);
    }
    assertThat(counts).hasSize(routes * METHODS.size());
    for (int r = 0; r < routes; r++) {
      for (String m : METHODS) {
        assertThat(counts.get("route " + r + " " + m + " 200")).as("route %d %s", r, m).isEqualTo(threads);
      }
    }
  }

  private static Timer timer(SimpleMeterRegistry registry, String route, String method, String status) {
    return registry.get("lanes.http.server.requests").tag("route", route).tag("method", method)
        .tag("status", status).timer();
  }
}
