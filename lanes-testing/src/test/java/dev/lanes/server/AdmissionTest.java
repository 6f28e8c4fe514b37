package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Server-wide and per-lane admission: past each limit a fast 503 with Retry-After, counted. */
class AdmissionTest {

  private static App blockingApp(Semaphore entered, CountDownLatch release, Lane.Builder lane) {
    return App.builder()
        .lane(lane)
        .route("GET", "/hold", lane.name(), req -> {
          entered.release();
          release.await(10, TimeUnit.SECONDS);
          return Response.text("held");
        })
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .build();
  }

  @Test
  void serverWideInFlightLimitAnswers503WithRetryAfter() throws Exception {
    Semaphore entered = new Semaphore(0);
    CountDownLatch release = new CountDownLatch(1);
    App app = blockingApp(entered, release, Lane.builder("work").capacity(10));
    try (TestClient client = TestClient.start(app, ServerConfig.builder().maxInFlight(2))) {
      var first = client.sendAsync(client.request("/hold"));
      var second = client.sendAsync(client.request("/hold"));
      assertThat(entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();

      TestResponse busy = client.get("/");
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.header("Retry-After")).contains("1");
      assertThat(client.server().statistics().rejectedBusy()).isEqualTo(1);

      release.countDown();
      assertThat(first.get().status()).isEqualTo(200);
      assertThat(second.get().status()).isEqualTo(200);
      Await.until(() -> client.server().inFlight() == 0, "no request in flight");
      assertThat(client.get("/").status()).isEqualTo(200);
    }
  }

  @Test
  void connectionsPastTheLimitGet503AndClose() {
    App app = App.builder()
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder().maxConnections(2));
        RawClient a = RawClient.connect(client.port());
        RawClient b = RawClient.connect(client.port())) {
      a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(a.read().status()).isEqualTo(200);
      assertThat(b.read().status()).isEqualTo(200);

      RawClient.Transcript third = RawClient.exchange(client.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(third.statuses()).containsExactly(503);
      assertThat(third.text()).contains("Retry-After: 1");
      assertThat(third.closed()).isTrue();
      assertThat(client.server().statistics().rejectedConnections()).isEqualTo(1);
    }
  }

  @Test
  void fullLaneQueueGivesFast503sAndCountsThem() throws Exception {
    Semaphore entered = new Semaphore(0);
    CountDownLatch release = new CountDownLatch(1);
    App app = blockingApp(entered, release, Lane.builder("tiny").capacity(1).maxWaiting(1));
    try (TestClient client = TestClient.start(app)) {
      Lane lane = app.lanes().get("tiny");
      var holder = client.sendAsync(client.request("/hold"));
      assertThat(entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
      var queued = client.sendAsync(client.request("/hold"));
      client.awaitWaiting("tiny", 1);

      for (int i = 0; i < 3; i++) {
        TestResponse r = client.get("/hold");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).contains("1");
        assertThat(r.text()).contains("too many requests waiting");
      }
      assertThat(lane.statistics().rejected()).isEqualTo(3);

      release.countDown();
      assertThat(holder.get().status()).isEqualTo(200);
      assertThat(queued.get().status()).isEqualTo(200);
      LaneStatistics s = lane.statistics();
      assertThat(s.borrowed()).isZero();
      assertThat(s.waiting()).isZero();
    }
  }

  @Test
  void maxQueueWaitGives503AndLeavesTheQueue() throws Exception {
    Semaphore entered = new Semaphore(0);
    CountDownLatch release = new CountDownLatch(1);
    App app = blockingApp(entered, release,
        Lane.builder("short").capacity(1).maxQueueWait(Duration.ofMillis(100)));
    try (TestClient client = TestClient.start(app)) {
      Lane lane = app.lanes().get("short");
      var holder = client.sendAsync(client.request("/hold"));
      assertThat(entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

      TestResponse r = client.get("/hold");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.text()).contains("waited too long");
      assertThat(lane.statistics().timedOut()).isEqualTo(1);
      assertThat(lane.statistics().waiting()).isZero();

      release.countDown();
      assertThat(holder.get().status()).isEqualTo(200);
    }
  }
}
