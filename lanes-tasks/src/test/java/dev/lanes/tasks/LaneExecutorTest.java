package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker lane as db-scheduler's executor, at shutdown. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LaneExecutorTest {

  @Test
  void afterTheInterruptTerminationIsAwaitedOnlyForTheHandBackWaitWhateverTheTimeoutAsked() throws Exception {
    try (App app = App.builder().lane(Tasks.lane(1)).build()) {
      LaneExecutor executor = new LaneExecutor(app.lanes().get(Tasks.WORKER_LANE), Duration.ofMillis(100));
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      executor.execute(() -> {
        running.countDown();
        while (release.getCount() > 0) { // a handler that ignores the interrupt
          Thread.onSpinWait();
        }
      });
      running.await();
      executor.shutdown();

      executor.shutdownNow();
      // db-scheduler waits the shutdown grace again after interrupting (its "2x"): a handler that
      // ignores the interrupt held close() for a second grace, past a signalled worker's deadline.
      boolean terminated = executor.awaitTermination(1, TimeUnit.HOURS);

      assertThat(terminated).isFalse();
      assertThat(executor.awaitTermination(1, TimeUnit.HOURS)).as("a second wait, as Tasks.close's").isFalse();
      release.countDown();
      Await.until(Duration.ofSeconds(30), executor::isTerminated, "the released attempt ended");
    }
  }
}
