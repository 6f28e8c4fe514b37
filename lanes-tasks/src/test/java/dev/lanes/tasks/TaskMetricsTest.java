package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Task events become Micrometer meters, and the store's states gauges. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskMetricsTest {
  record Job(int n) {}

  @Test
  void eventsAreCountedPerTaskAndStatesAreGauges() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TaskType<Job> ok = TaskType.of("ok", Job.class, j -> j.n());
    TaskType<Job> bad = TaskType.of("bad", Job.class, j -> {
      throw new IllegalStateException("no");
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(10), 1.0));
    try (App app = App.builder().lane(Tasks.lane(2)).build();
        Tasks tasks = Tasks.builder().type(ok).type(bad).listener(new TaskMetrics(registry)).build()) {
      tasks.start(app);
      TaskMetrics.bindStates(tasks, registry);
      String okId = tasks.enqueue(ok, new Job(1));
      String badId = tasks.enqueue(bad, new Job(2));
      tasks.enqueue(ok, new Job(3), EnqueueOptions.defaults().in(Duration.ofHours(1)));
      Await.until(Duration.ofSeconds(30), () -> tasks.status(okId).orElseThrow().state() == TaskState.SUCCEEDED
          && tasks.status(badId).orElseThrow().state() == TaskState.FAILED, "both final");
      // an attempt's event follows its state's write: wait for the last two events too
      Await.until(Duration.ofSeconds(30), () -> counted(registry, "lanes.tasks.succeeded") == 1
          && counted(registry, "lanes.tasks.failed") == 1, "final events");

      assertThat(registry.get("lanes.tasks.enqueued").tag("task", "ok").counter().count()).isEqualTo(2);
      assertThat(registry.get("lanes.tasks.succeeded").tag("task", "ok").counter().count()).isEqualTo(1);
      assertThat(registry.get("lanes.tasks.started").tag("task", "bad").tag("redelivered", "false").counter().count())
          .isEqualTo(2);
      assertThat(registry.get("lanes.tasks.retried").tag("task", "bad").counter().count()).isEqualTo(1);
      assertThat(registry.get("lanes.tasks.failed").tag("task", "bad").counter().count()).isEqualTo(1);
      assertThat(registry.get("lanes.tasks.pickup").tag("task", "ok").timer().count()).isEqualTo(1);
      assertThat(registry.get("lanes.tasks.state").tag("state", "queued").gauge().value()).isEqualTo(1);
      assertThat(registry.get("lanes.tasks.state").tag("state", "failed").gauge().value()).isEqualTo(1);
      // the one queued task is due in an hour: nothing due waits, the queue has no age
      assertThat(tasks.statistics().oldestDue()).isEmpty();
      assertThat(registry.get("lanes.tasks.queue.age").gauge().value()).isZero();
    }
  }

  @Test
  void expiredTasksAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TaskType<Job> ok = TaskType.of("ok", Job.class, j -> j.n());
    try (App app = App.builder().lane(Tasks.lane(2)).build();
        Tasks tasks = Tasks.builder().type(ok).expireEndedAfter(Duration.ofMillis(100)).listener(new TaskMetrics(registry))
            .build()) {
      tasks.start(app);
      tasks.enqueue(ok, new Job(1));
      tasks.enqueue(ok, new Job(2));

      Await.until(Duration.ofSeconds(30), () -> counted(registry, "lanes.tasks.expired") == 2, "both expired");
      assertThat(tasks.statistics().byState().values()).containsOnly(0L);
    }
  }

  private static double counted(SimpleMeterRegistry registry, String name) {
    var c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }
}
