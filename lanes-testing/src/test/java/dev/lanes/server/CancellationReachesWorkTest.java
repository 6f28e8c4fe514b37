package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CancellationReachesWorkTest {

  @Test
  void disconnectInterruptsABlockingHandlerEvenThroughMiddlewareThatWrapsItsFuture() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    App app = App.builder()
        // This middleware replaces the future: cancelling what it returns would not reach the lane task.
        .middleware(next -> req -> next.call(req).thenApply(r -> r.withHeader("X-Wrapped", "yes")))
        .get("/hang", req -> {
          started.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return Response.text("never");
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      try (RawClient raw = RawClient.connect(client.port())) {
        raw.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
      Await.until(() -> app.lanes().get(Lanes.ENDPOINTS).statistics().borrowed() == 0, "token returned");
    }
  }

  @Test
  void http10KeepAliveIsAnnounced() throws Exception {
    App app = App.builder().get("/x", req -> Response.text("x")).build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      RawResponse first = raw.send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
      assertThat(first.header("connection").map(v -> v.toLowerCase(Locale.ROOT))).contains("keep-alive");
      assertThat(first.text()).isEqualTo("x");
      RawResponse second = raw.send("GET /x HTTP/1.0\r\n\r\n").read();
      assertThat(second.header("connection").map(v -> v.toLowerCase(Locale.ROOT))).contains("close");
      assertThat(raw.closedByServer()).isTrue();
    }
  }
}
