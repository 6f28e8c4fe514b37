package dev.lanes.examples;

import static dev.lanes.examples.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo app's contract (routes, bodies, the lanes view), which benchmarks and docs rely on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoAppTest {
  private static final Path STATIC = Path.of("static"); // examples/static; tests run in the module dir

  @Test
  void seedRoutesAndTheLanesView() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    App app = demo(Map.of("SLEEP", "0.02"), executor);
    try (TestClient client = TestClient.start(app)) {
      for (String path : List.of("/test/sync", "/test/async", "/test/sync_async", "/test/sync_async_fastapi")) {
        TestResponse r = client.get(path);
        assertThat(r.status()).as(path).isEqualTo(200);
        assertThat(r.text()).as(path).isEqualTo("null");
        assertThat(r.header("content-type")).as(path).contains("application/json");
      }
      // /test/sync ran in "endpoints", /test/sync_async_fastapi in "blocking"
      await("both blocking seed routes counted", () -> app.lanes().get("endpoints").statistics().completed() == 1
          && app.lanes().get("blocking").statistics().completed() == 1);

      // /plaintext and /json: HelloRoutesTest
      JsonNode lanes = client.get("/get_available_threads").json();
      List<String> names = new ArrayList<>();
      lanes.fieldNames().forEachRemaining(names::add);
      assertThat(names).contains("endpoints", "blocking", "background", "streaming", "files", "websockets");
      JsonNode endpoints = lanes.get("endpoints");
      assertThat(endpoints.get("capacity").asInt()).isEqualTo(dev.lanes.concurrency.Lanes.HANDLER_LANE_MAX);
      assertThat(endpoints.get("borrowed").asInt()).isZero();
      assertThat(endpoints.get("available").asInt()).isEqualTo(dev.lanes.concurrency.Lanes.HANDLER_LANE_MAX);
      assertThat(endpoints.get("waiting").asInt()).isZero();
      assertThat(endpoints.get("executor").asText()).isEqualTo("virtual");
      for (String lane : names) {
        JsonNode l = lanes.get(lane);
        assertThat(l.get("capacity").asInt() - l.get("borrowed").asInt()).as(lane)
            .isEqualTo(l.get("available").asInt());
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void theOtherDemoRoutes() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(1);
    App app = demo(Map.of("SLEEP", "0.01", "BG_SLEEP", "0.01", "STATIC_DIR", STATIC.toString()), executor);
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/ping").text()).isEqualTo("pong");

      TestResponse queued = client.get("/background");
      assertThat(queued.json().get("queued").asBoolean()).isTrue();
      await("the background task to finish", () -> app.lanes().get("background").statistics().completed() == 1);
      JsonNode starts = client.get("/background/starts").json();
      assertThat(starts.get("startOffsetsMillis")).hasSize(1);
      assertThat(starts.get("lane").get("completed").asInt()).isEqualTo(1);
      assertThat(client.delete("/background/starts").status()).isEqualTo(204);
      assertThat(client.get("/background/starts").json().get("startOffsetsMillis")).isEmpty();

      assertThat(client.get("/stream?n=3&delay_ms=0").text()).isEqualTo("line 0\nline 1\nline 2\n");
      assertThat(client.get("/stream/bytes?mib=1").body()).hasSize(1024 * 1024);

      String sse = client.get("/sse?n=2&delay_ms=0").text();
      assertThat(sse).contains("id: 0\nevent: tick\ndata: line 0\n").contains("id: 1\nevent: tick\ndata: line 1\n");

      byte[] file = "file contents\n".getBytes(StandardCharsets.UTF_8);
      String boundary = "demo-boundary";
      String multipart = "--" + boundary + "\r\n"
          + "Content-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
          + "Content-Type: text/plain\r\n\r\n" + new String(file, StandardCharsets.UTF_8) + "\r\n"
          + "--" + boundary + "\r\n"
          + "Content-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
          + "--" + boundary + "--\r\n";
      TestResponse upload = client.post("/upload", multipart, "multipart/form-data; boundary=" + boundary);
      assertThat(upload.status()).as(upload.text()).isEqualTo(200);
      JsonNode parts = upload.json().get("parts");
      assertThat(parts).hasSize(2);
      assertThat(parts.get(0).get("filename").asText()).isEqualTo("a.txt");
      assertThat(parts.get(0).get("size").asInt()).isEqualTo(file.length);
      assertThat(parts.get(0).get("sha256").asText()).isEqualTo(sha256(file));
      assertThat(parts.get(1).get("name").asText()).isEqualTo("note");
      assertThat(parts.get(1).get("sha256").asText()).isEqualTo(sha256("hi".getBytes(StandardCharsets.UTF_8)));

      assertThat(client.get("/static/").body()).isEqualTo(Files.readAllBytes(STATIC.resolve("index.html")));
      assertThat(client.get("/static/hello.txt").body()).isEqualTo(Files.readAllBytes(STATIC.resolve("hello.txt")));
      assertThat(client.get("/static/missing.txt").status()).isEqualTo(404);
      assertThat(client.get("/static/../pom.xml").status()).isIn(400, 404);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void manyConcurrentSleepsAllComplete() throws Exception {
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    App app = demo(Map.of("SLEEP", "0.05"), executor);
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

  /** The app {@code bin/demo} serves for the environment {@code env}, not yet started. */
  private static App demo(Map<String, String> env, ExecutorService executor) {
    DemoSettings settings = DemoSettings.from(env);
    return DemoApp.recipes(settings, executor, new BackgroundLog(), DemoMetrics.of(settings)).build();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
