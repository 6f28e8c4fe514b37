package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request's duration (requestEnd, hence {@code lanes_http_server_requests_seconds}) counts from
 * the read that brought it, as documented, also for a pipelined request that waited behind the one
 * before it: the client waited that long too.
 */
@Timeout(60)
class PipelinedDurationTest {

  @Test
  void aPipelinedRequestIsTimedFromItsReadNotFromWhenItsTurnCame() throws Exception {
    Map<String, Duration> durations = new ConcurrentHashMap<>();
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .listener(new LanesListener() {
          @Override
          public void requestEnd(String route, String method, int status, Duration duration) {
            durations.put(route, duration);
          }
        })
        .get("/slow", req -> {
          slowStarted.countDown();
          release.await();
          return Response.text("slow");
        })
        .get("/fast", req -> Response.text("fast"))
        .build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      // One write, read by the server in one read: /fast is read before /slow's handler starts.
      raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
      long heldFrom = System.nanoTime();
      // Keep /fast waiting behind /slow long enough to tell its wait from its own handling.
      Await.until(() -> System.nanoTime() - heldFrom >= TimeUnit.MILLISECONDS.toNanos(50), "50 ms held");
      long held = System.nanoTime() - heldFrom;
      release.countDown();
      assertThat(raw.read(2)).extracting(r -> r.status()).containsExactly(200, 200);
      Await.until(() -> durations.containsKey("GET /fast"), "requestEnd of /fast");
      assertThat(durations.get("GET /fast")).as("waited behind /slow").isGreaterThanOrEqualTo(Duration.ofNanos(held));
    }
  }
}
