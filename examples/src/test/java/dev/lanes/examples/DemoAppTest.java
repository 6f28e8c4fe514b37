package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo app's contract (routes, bodies, the lanes view), which benchmarks and docs rely on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoAppTest {

  @Test
  void everyDemoRouteAnswers() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    App app = DemoApp.build(Duration.ofMillis(20), executor);
    try (TestClient client = TestClient.start(app)) {
      for (String path : List.of("/test/sync", "/test/async", "/test/sync_async", "/test/sync_async_fastapi")) {
        TestResponse r = client.get(path);
        assertThat(r.status()).as(path).isEqualTo(200);
        assertThat(r.text()).as(path).isEqualTo("null");
        assertThat(r.header("content-type")).as(path).contains("application/json");
      }

      TestResponse plain = client.get("/plaintext");
      assertThat(plain.text()).isEqualTo("Hello, World!");
      assertThat(plain.header("content-type")).contains("text/plain; charset=utf-8");

      TestResponse json = client.get("/json");
      assertThat(json.text()).isEqualTo("{\"message\":\"Hello, World!\"}");
      assertThat(json.header("content-type")).contains("application/json");

      JsonNode lanes = client.get("/get_available_threads").json();
      List<String> names = new ArrayList<>();
      lanes.fieldNames().forEachRemaining(names::add);
      assertThat(names).containsExactly("endpoints", "blocking", "background", "streaming", "files");
      JsonNode endpoints = lanes.get("endpoints");
      assertThat(endpoints.get("capacity").asInt()).isEqualTo(1024);
      assertThat(endpoints.get("borrowed").asInt()).isZero();
      assertThat(endpoints.get("available").asInt()).isEqualTo(1024);
      assertThat(endpoints.get("waiting").asInt()).isZero();
      assertThat(endpoints.get("executor").asText()).isEqualTo("virtual");
      for (String lane : names) {
        JsonNode l = lanes.get(lane);
        assertThat(l.get("capacity").asInt() - l.get("borrowed").asInt()).isEqualTo(l.get("available").asInt());
      }
      // the blocking endpoints were counted in their lanes
      assertThat(app.lanes().get("endpoints").statistics().completed()).isEqualTo(1);
      assertThat(app.lanes().get("blocking").statistics().completed()).isEqualTo(1);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void manyConcurrentSleepsAllComplete() throws Exception {
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    App app = DemoApp.build(Duration.ofMillis(50), executor);
    try (TestClient client = TestClient.start(app)) {
      List<CompletableFuture<TestResponse>> pending = new ArrayList<>();
      for (String path : List.of("/test/sync", "/test/async", "/test/sync_async", "/test/sync_async_fastapi")) {
        for (int i = 0; i < 25; i++) {
          pending.add(client.sendAsync(client.request(path).GET()));
        }
      }
      for (CompletableFuture<TestResponse> f : pending) {
        assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
