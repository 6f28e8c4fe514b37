package dev.lanes.examples;

import static dev.lanes.examples.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each seed-000 route runs where its recipe says: which lane, or the app's own executor. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingAndAsyncRoutesTest {

  @Test
  void eachSleepRunsWhereItsRouteSays() throws Exception {
    AtomicInteger executorTasks = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
      @Override
      public void execute(Runnable task) {
        executorTasks.incrementAndGet();
        super.execute(task);
      }
    };
    App app = BlockingAndAsyncRoutes.addTo(App.builder(), Duration.ofMillis(1), executor).build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/test/async").text()).isEqualTo("null");
      assertThat(completed(app, "endpoints") + completed(app, "blocking")).isZero();
      assertThat(executorTasks).hasValue(0);

      assertThat(client.get("/test/sync").text()).isEqualTo("null");
      await("/test/sync counted in endpoints", () -> completed(app, "endpoints") == 1);

      assertThat(client.get("/test/sync_async_fastapi").text()).isEqualTo("null");
      await("/test/sync_async_fastapi counted in blocking", () -> completed(app, "blocking") == 1);

      assertThat(client.get("/test/sync_async").text()).isEqualTo("null");
      assertThat(executorTasks).hasValue(1);
      // neither lane ran the executor's sleep
      assertThat(completed(app, "endpoints")).isEqualTo(1);
      assertThat(completed(app, "blocking")).isEqualTo(1);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void theLanesViewListsEveryLaneOfTheApp() throws Exception {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    App app = BlockingAndAsyncRoutes.addTo(App.builder(), Duration.ofMillis(1), executor)
        .lane(Lane.builder("reports").capacity(3))
        .build();
    try (TestClient client = TestClient.start(app)) {
      JsonNode view = client.get("/get_available_threads").json();
      for (LaneStatistics lane : app.lanes().statistics()) {
        assertThat(view.has(lane.name())).as(lane.name()).isTrue();
      }
      assertThat(view.get("reports").get("capacity").asInt()).isEqualTo(3);
      assertThat(view.get("reports").get("available").asInt()).isEqualTo(3);
    } finally {
      executor.shutdownNow();
    }
  }

  private static long completed(App app, String lane) {
    return app.lanes().get(lane).statistics().completed();
  }
}
