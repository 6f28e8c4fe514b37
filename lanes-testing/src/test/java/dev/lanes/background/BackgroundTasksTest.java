package dev.lanes.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundTasksTest {

  @Test
  void tasksRunInOrderAfterTheResponseAndAFailureDoesNotStopTheRest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .get("/go", req -> Response.text("sent").withBackground(BackgroundTasks.create()
            .add("first", () -> {
              release.await();
              ran.add("first:" + Thread.currentThread().getName());
            })
            .add("boom", () -> {
              throw new IllegalStateException("task failure");
            })
            .addAsync("third", () -> {
              ran.add("third:" + Thread.currentThread().getName());
              return CompletableFuture.completedFuture(null);
            })))
        .build();
    try (TestClient client = TestClient.start(app)) {
      // The response arrives while the first task is still blocked: it is never delayed.
      assertThat(client.get("/go").text()).isEqualTo("sent");
      Await.until(() -> app.lanes().get(Lanes.BACKGROUND).statistics().borrowed() == 1, "task holds a background token");
      assertThat(app.lanes().get(Lanes.ENDPOINTS).statistics().borrowed())
          .as("background work never takes endpoint tokens").isZero();
      assertThat(ran).isEmpty();
      release.countDown();
      assertThat(app.background().awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();
      assertThat(ran).hasSize(2);
      assertThat(ran.get(0)).isEqualTo("first:lane-background");
      assertThat(ran.get(1)).startsWith("third:lanes-loop-");
      BackgroundStatistics stats = app.background().statistics();
      assertThat(stats.started()).isEqualTo(3);
      assertThat(stats.completed()).isEqualTo(2);
      assertThat(stats.failed()).isEqualTo(1);
      assertThat(stats.pending()).isZero();
    }
  }

  /**
   * A cancelled task is counted as cancelled, not failed: the statistics say what
   * {@code lanes_background_tasks_total} says, which tags it {@code cancelled}.
   */
  @Test
  void aCancelledTaskIsCountedApartFromTheFailedOnesAsTheMeterCountsIt() throws Exception {
    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    var metrics = dev.lanes.observe.micrometer.LanesMetrics.create();
    metrics.bindTo(registry);
    App app = App.builder()
        .listener(metrics)
        .get("/go", req -> Response.text("sent").withBackground(BackgroundTasks.create()
            .addAsync("cancelled", () -> {
              CompletableFuture<Void> f = new CompletableFuture<>();
              f.cancel(false);
              return f;
            })
            .add("boom", () -> {
              throw new IllegalStateException("task failure");
            })
            .add("fine", () -> {})))
        .build();
    metrics.monitor(app);
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/go").text()).isEqualTo("sent");
      // The tasks start once the response is written, which may be after the client read it:
      // awaitIdle alone could see none started yet.
      Await.until(() -> app.background().statistics().started() == 3, "three background tasks started");
      assertThat(app.background().awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();
      BackgroundStatistics stats = app.background().statistics();
      assertThat(stats).isEqualTo(new BackgroundStatistics(3, 1, 1, 1, 0));
      for (String outcome : List.of("completed", "failed", "cancelled")) {
        assertThat(registry.get("lanes.background.tasks").tag("outcome", outcome).counter().count())
            .as(outcome).isEqualTo(1.0);
      }
    }
  }

  @Test
  void blockingTaskMayNameItsLane() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    String[] thread = new String[1];
    App app = App.builder()
        .lane(dev.lanes.concurrency.Lane.builder("mail").capacity(2))
        .get("/go", req -> Response.text("ok").withBackground(BackgroundTasks.create()
            .add("send", "mail", () -> {
              thread[0] = Thread.currentThread().getName();
              done.countDown();
            })))
        .build();
    try (TestClient client = TestClient.start(app)) {
      client.get("/go");
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(thread[0]).isEqualTo("lane-mail");
    }
  }

  @Test
  void manyResponsesWithBlockingTasksAllStartWithoutWaves() throws Exception {
    int n = 100;
    CountDownLatch allStarted = new CountDownLatch(n);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .get("/bg", req -> Response.text("ok").withBackground(BackgroundTasks.create().add("wait", () -> {
          allStarted.countDown();
          release.await();
        })))
        .build();
    try (TestClient client = TestClient.start(app)) {
      for (int i = 0; i < n; i++) {
        assertThat(client.get("/bg").status()).isEqualTo(200);
      }
      // Starlette would run 40 at a time; the background lane (256 by default) starts all 100.
      assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(app.lanes().get(Lanes.BACKGROUND).statistics().borrowed()).isEqualTo(n);
      release.countDown();
      assertThat(app.background().awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();
      assertThat(app.lanes().get(Lanes.BACKGROUND).statistics().borrowed()).isZero();
    }
  }
}
