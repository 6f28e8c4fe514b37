package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing a {@link TestClient} while one of its requests is still in flight (a stream that never
 * ends, a handler a test never released) ends that request instead of waiting for it: the JDK
 * client's own {@code close()} waits for every request it sent, so a test would hang in its
 * try-with-resources.
 */
class TestClientCloseTest {
  /** Guards against the hang only: a close that works returns in well under it. */
  private static final long HANG_GUARD_SECONDS = 20;

  private static App endless(CountDownLatch streaming) {
    return App.builder()
        .get("/forever", req -> StreamingResponse.writer(out -> {
          while (true) {
            out.write("tick\n".getBytes());
            out.flush();
            streaming.countDown();
            Thread.sleep(20); // a slow feed
          }
        }, "text/plain"))
        .build();
  }

  @Test
  void closingAClientThatOwnsItsServerEndsARequestStillStreaming() throws Exception {
    CountDownLatch streaming = new CountDownLatch(1);
    TestClient client = TestClient.start(endless(streaming),
        ServerConfig.builder().shutdownGrace(Duration.ofMillis(200)));
    CompletableFuture<TestResponse> endless = client.sendAsync(client.request("/forever"));
    assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture.runAsync(client::close).get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
    assertThat(endless).failsWithin(Duration.ofSeconds(HANG_GUARD_SECONDS));
  }

  @Test
  void closingAClientOfARunningServerEndsItsRequestAndLeavesTheServerRunning() throws Exception {
    CountDownLatch streaming = new CountDownLatch(1);
    App app = endless(streaming);
    try (Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        .shutdownGrace(Duration.ofMillis(200)).build()); app) {
      TestClient client = TestClient.of(server);
      CompletableFuture<TestResponse> endless = client.sendAsync(client.request("/forever"));
      assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture.runAsync(client::close).get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
      assertThat(endless).failsWithin(Duration.ofSeconds(HANG_GUARD_SECONDS));
      assertThat(RawClient.exchange(server.port(), "GET /missing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
          .statuses()).containsExactly(404);
    }
  }
}
