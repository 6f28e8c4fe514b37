package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A route's deadline answers 504 and cancels the work wherever it is: running, queued, async. */
class DeadlineTest {
  private static final Duration SHORT = Duration.ofMillis(200);

  @Test
  void blockingHandlerPastItsDeadlineGets504AndIsInterrupted() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("slow").capacity(2))
        .route("GET", "/stuck", RouteOptions.defaults().lane("slow").deadline(SHORT), req -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return Response.text("unreachable");
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse r = client.get("/stuck");
      assertThat(r.status()).isEqualTo(504);
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("handler thread interrupted").isTrue();
      Lane lane = app.lanes().get("slow");
      Await.until(() -> lane.statistics().borrowed() == 0, "token returned");
      assertThat(lane.statistics().cancelled()).isEqualTo(1);
    }
  }

  @Test
  void requestStillQueuedAtItsDeadlineLeavesTheQueue() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1))
        .route("GET", "/hold", "one", req -> {
          entered.countDown();
          release.await(10, TimeUnit.SECONDS);
          return Response.text("held");
        })
        .route("GET", "/quick", RouteOptions.defaults().lane("one").deadline(SHORT),
            req -> Response.text("quick"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      Lane lane = app.lanes().get("one");
      var holder = client.sendAsync(client.request("/hold"));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(client.get("/quick").status()).isEqualTo(504);
      assertThat(lane.statistics().waiting()).isZero();
      release.countDown();
      assertThat(holder.get().status()).isEqualTo(200);
      Await.until(() -> lane.statistics().borrowed() == 0, "token returned");
    }
  }

  @Test
  void asyncStagePastItsDeadlineIsCancelled() {
    CompletableFuture<Response> pending = new CompletableFuture<>();
    App app = App.builder()
        .routeAsync("GET", "/never", RouteOptions.defaults().deadline(SHORT), req -> pending)
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/never").status()).isEqualTo(504);
      Await.until(pending::isCancelled, "stage cancelled");
    }
  }

  @Test
  void fastHandlerIsUnaffected() {
    App app = App.builder()
        .route("GET", "/fast", RouteOptions.defaults().deadline(Duration.ofSeconds(30)),
            req -> Response.text("fast"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse r = client.get("/fast");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("fast");
    }
  }

  @Test
  void deadlineMustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RouteOptions.defaults().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
