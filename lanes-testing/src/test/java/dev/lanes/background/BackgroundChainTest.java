package dev.lanes.background;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A response's background chain always reaches its end, however its tasks end: every task starts
 * and ends, the runner goes idle, and the request scope closes after the last one.
 */
class BackgroundChainTest {

  /**
   * Tasks that end at once (here each refused by its full lane) are run by a loop, not one stack
   * frame per task: thousands of them in one response all start and end.
   */
  @Test
  void manyTasksRefusedAtOnceByTheirLaneAllEnd() throws Exception {
    Logger runnerLog = (Logger) LoggerFactory.getLogger(BackgroundRunner.class.getName());
    Level before = runnerLog.getLevel();
    runnerLog.setLevel(Level.OFF); // one ERROR line per refused task otherwise
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch scopeClosed = new CountDownLatch(1);
    int n = 20_000;
    App app = App.builder()
        .lane(Lane.builder("mail").capacity(1).maxWaiting(0))
        .get("/hold", req -> Response.text("held").withBackground(BackgroundTasks.create().add("hold", "mail", () -> {
          holding.countDown();
          release.await();
        })))
        .get("/batch", req -> {
          req.scope().onClose(scopeClosed::countDown);
          BackgroundTasks tasks = BackgroundTasks.create();
          for (int i = 0; i < n; i++) {
            tasks.add("mail-" + i, "mail", () -> { });
          }
          return Response.text("queued").withBackground(tasks);
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      client.get("/hold");
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue(); // the mail lane's only token is taken
      assertThat(client.get("/batch").status()).isEqualTo(200);
      try {
        // Every task of /batch is refused (queue full): all n start and end as FAILED.
        try {
          Await.until(() -> app.background().statistics().started() == n + 1, "all tasks of /batch started");
        } catch (AssertionError e) {
          throw new AssertionError("the chain stopped: " + app.background().statistics() + " (expected started="
              + (n + 1) + ")", e);
        }
        assertThat(scopeClosed.await(10, TimeUnit.SECONDS)).as("request scope closed after its tasks").isTrue();
      } finally {
        release.countDown();
      }
      assertThat(app.background().awaitIdle(Duration.ofSeconds(10)))
          .as("runner idle; statistics %s", app.background().statistics()).isTrue();
    } finally {
      runnerLog.setLevel(before);
    }
  }

  /**
   * An async task whose start throws an Error (an assert, an ExceptionInInitializerError) fails
   * like one that throws an exception: the tasks after it still run.
   */
  @Test
  void anAsyncTaskThrowingAnErrorDoesNotStopTheChain() throws Exception {
    CountDownLatch secondRan = new CountDownLatch(1);
    CountDownLatch scopeClosed = new CountDownLatch(1);
    App app = App.builder()
        .get("/go", req -> {
          req.scope().onClose(scopeClosed::countDown);
          return Response.text("sent").withBackground(BackgroundTasks.create()
              .addAsync("boom", () -> {
                throw new AssertionError("task failure");
              })
              .add("second", secondRan::countDown));
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/go").text()).isEqualTo("sent");
      boolean ran = secondRan.await(10, TimeUnit.SECONDS);
      assertThat(ran).as("the task after the failed one ran; statistics %s", app.background().statistics()).isTrue();
      assertThat(app.background().awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(scopeClosed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(app.background().statistics().failed()).isEqualTo(1);
    }
  }
}
