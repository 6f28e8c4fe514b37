package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.Await;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process killed with kill -9 mid-task on PostgreSQL: another worker runs its tasks once
 * its heartbeats stop, and the re-runs are counted as redeliveries. Skipped without PostgreSQL.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PostgresWorkerTest {
  private final String prefix = "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";

  @TempDir
  Path dir;

  @BeforeEach
  void requirePostgres() {
    PostgresStore.assumeReachable();
  }

  @AfterEach
  void drop() throws SQLException {
    PostgresStore.drop(prefix);
  }

  @Test
  void aKilledWorkersTasksCompleteOnAnotherWorkerAndTheDuplicatesAreCounted() throws Exception {
    TaskType<TaskProcess.Nap> nap = TaskProcess.napType(-1);
    try (App webApp = App.builder().build();
        Tasks web = PostgresStore.builder(prefix).workers(false).type(nap).build()) {
      web.start(webApp);
      List<String> ids = new ArrayList<>();
      try (TaskProcess.Handle doomed = TaskProcess.Handle.start(dir.resolve("doomed.log"),
          PostgresStore.URL, PostgresStore.USER, prefix, "3", "-1", "0", "false", "30000")) {
        for (int i = 0; i < 6; i++) {
          ids.add(web.enqueue(nap, new TaskProcess.Nap(60_000)));
        }
        for (int i = 0; i < 3; i++) {
          doomed.next("STARTED");
        }
        doomed.process.destroyForcibly();
        assertThat(doomed.process.waitFor()).isEqualTo(137);
      }
      long killedAt = System.nanoTime();
      try (App workerApp = App.builder().lane(Tasks.lane(6)).build();
          Tasks survivor = PostgresStore.builder(prefix).type(TaskProcess.napType(10)).build()) {
        survivor.start(workerApp);
        for (String id : ids) {
          Await.value(Duration.ofSeconds(60), () -> web.status(id).orElseThrow(),
              s -> s.state() == TaskState.SUCCEEDED, "task " + id + " succeeded");
        }
        System.out.printf("killed worker's tasks completed elsewhere %d ms after kill -9%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
        TaskStatistics stats = web.statistics();
        assertThat(stats.redeliveries()).isEqualTo(3);
        assertThat(survivor.statistics().started()).isEqualTo(6);
        assertThat(ids.stream().map(id -> web.status(id).orElseThrow())
            .filter(s -> s.attempts() == 2 && s.redeliveries() == 1)).hasSize(3);
      }
    }
  }
}
