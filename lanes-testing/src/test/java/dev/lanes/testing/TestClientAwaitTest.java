package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TestClient#awaitWaiting} and {@link TestClient#awaitIdle} against lanes held by latches. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TestClientAwaitTest {

  @Test
  void awaitWaitingSeesTheQueueAndAwaitIdleNamesWhatIsBusy() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1))
        .route("GET", "/hold", "one", req -> {
          release.await();
          return Response.text("held");
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      List<CompletableFuture<TestResponse>> pending = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        pending.add(client.sendAsync(client.request("/hold")));
      }
      client.awaitWaiting("one", 2);
      assertThat(app.lanes().get("one").statistics().borrowed()).isEqualTo(1);
      assertThatThrownBy(() -> client.awaitIdle(Duration.ofMillis(50)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("lane 'one': 1 borrowed, 2 waiting")
          .hasMessageNotContaining("endpoints");

      release.countDown();
      client.awaitIdle();
      for (CompletableFuture<TestResponse> f : pending) {
        assertThat(f.get(10, TimeUnit.SECONDS).text()).isEqualTo("held");
      }
      assertThat(app.lanes().get("one").statistics().completed()).isEqualTo(3);
    }
  }

  @Test
  void aPendingBackgroundTaskKeepsTheAppBusy() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch ran = new CountDownLatch(1);
    App app = App.builder()
        .getAsync("/bg", req -> CompletableFuture.completedFuture(Response.text("queued")
            .withBackground(BackgroundTasks.create().add("job", () -> {
              started.countDown();
              release.await();
              ran.countDown();
            }))))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/bg").text()).isEqualTo("queued");
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> client.awaitIdle(Duration.ofMillis(50)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("background: 1 pending");
      release.countDown();
      client.awaitIdle();
      assertThat(ran.getCount()).isZero();
    }
  }

  @Test
  void badArgumentsAreRefused() {
    try (TestClient client = TestClient.start(App.builder().build())) {
      assertThatThrownBy(() -> client.awaitWaiting("nope", 1)).isInstanceOf(NoSuchElementException.class)
          .hasMessageContaining("nope");
      assertThatThrownBy(() -> client.awaitWaiting("endpoints", -1))
          .isInstanceOf(IllegalArgumentException.class);
      client.awaitWaiting("endpoints", 0);
    }
  }
}
