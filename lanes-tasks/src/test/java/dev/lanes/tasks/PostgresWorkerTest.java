package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers sharing PostgreSQL: a worker process killed with kill -9 mid-task has its tasks run by
 * another once its heartbeats stop, the re-runs counted as redeliveries; a task claimed ahead that
 * waited until another worker took it for dead runs only there; an enqueue in another process wakes
 * a worker at once, also after its listening connection was lost. Skipped without PostgreSQL.
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

  @Test
  void aTaskClaimedAheadAndTakenOverAsDeadIsNotAlsoStartedByItsFirstWorker() throws Exception {
    record Hold(int n) {}
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch secondStarted = new CountDownLatch(1);
    CountDownLatch releaseSecond = new CountDownLatch(1);
    AtomicInteger secondStarts = new AtomicInteger();
    TaskType<Hold> hold = TaskType.of("hold", Hold.class, h -> {
      if (h.n() == 1) {
        firstStarted.countDown();
        releaseFirst.await();
      } else {
        secondStarts.incrementAndGet();
        secondStarted.countDown();
        releaseSecond.await();
      }
      return h.n();
    });
    Duration wait = Duration.ofSeconds(30);
    try (App oneApp = App.builder().lane(Tasks.lane(1)).build();
        Tasks one = PostgresStore.builder(prefix).type(hold).heartbeat(Duration.ofMillis(250)).claimAhead(1).build();
        App otherApp = App.builder().lane(Tasks.lane(1)).build();
        // beats a little faster: takes a claim for dead after 800 ms, while worker one hands back
        // any claim that waited over 500 ms and keeps its running task's beat within 250 ms
        Tasks other = PostgresStore.builder(prefix).type(hold).heartbeat(Duration.ofMillis(200)).build()) {
      one.start(oneApp);
      String first = one.enqueue(hold, new Hold(1));
      firstStarted.await();
      String second = one.enqueue(hold, new Hold(2));
      // one slot, busy: worker one claims the second task ahead, to wait in its lane
      Await.until(wait, () -> claimed(second), "second task claimed ahead by worker one");
      // the claim commits before db-scheduler hands the execution to the lane
      Await.until(wait, () -> oneApp.lanes().get(Tasks.WORKER_LANE).statistics().waiting() == 1,
          "second task waiting in worker one's lane");

      other.start(otherApp); // sees the claim's heartbeat go stale, takes it over and runs it
      secondStarted.await();
      releaseFirst.countDown();
      Await.value(wait, () -> one.status(first).orElseThrow(), s -> s.state() == TaskState.SUCCEEDED, "first succeeded");
      // worker one now reaches its stale claim: it must hand it back rather than start it again
      Await.until(wait, () -> {
        var lane = oneApp.lanes().get(Tasks.WORKER_LANE).statistics();
        return lane.borrowed() == 0 && lane.waiting() == 0;
      }, "worker one idle");
      releaseSecond.countDown();
      TaskStatus done = Await.value(wait, () -> one.status(second).orElseThrow(),
          s -> s.state() == TaskState.SUCCEEDED, "second succeeded");
      assertThat(secondStarts.get()).isEqualTo(1);
      assertThat(done.attempts()).isEqualTo(1);
      assertThat(done.redeliveries()).isZero();
      assertThat(one.statistics().started()).isEqualTo(1);
    }
  }

  @Test
  void anEnqueueInAnotherProcessWakesAWorkerAtOnceAlsoAfterItsListenerReconnects() throws Exception {
    record Job(int n) {}
    TaskType<Job> job = TaskType.of("job", Job.class, j -> j.n());
    Duration wait = Duration.ofSeconds(30); // far below the worker's poll interval
    try (App webApp = App.builder().build();
        Tasks web = PostgresStore.builder(prefix).workers(false).type(job).build();
        App workerApp = App.builder().lane(Tasks.lane(2)).build();
        Tasks worker = PostgresStore.builder(prefix).type(job).pollInterval(Duration.ofMinutes(10)).build()) {
      web.start(webApp);
      worker.start(workerApp);
      // The worker polls once as it starts: the first task may ride on that poll, the later ones cannot.
      awaitSucceeded(web, web.enqueue(job, new Job(1)), wait);
      awaitSucceeded(web, web.enqueue(job, new Job(2)), wait);
      Await.until(wait, () -> terminateListener() == 1, "the worker's listening connection terminated");
      awaitSucceeded(web, web.enqueue(job, new Job(3)), wait);
      assertThat(worker.statistics().succeeded()).isEqualTo(3);
    }
  }

  private static void awaitSucceeded(Tasks tasks, String id, Duration wait) {
    Await.value(wait, () -> tasks.status(id).orElseThrow(), s -> s.state() == TaskState.SUCCEEDED, "task " + id + " succeeded");
  }

  /** Terminates the backend of the worker's listening connection; the number terminated. */
  private int terminateListener() {
    try (Connection c = DriverManager.getConnection(PostgresStore.URL, PostgresStore.USER, "");
        PreparedStatement s = c.prepareStatement("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = ?")) {
      s.setString(1, "LISTEN " + prefix + "scheduled_tasks_due");
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean claimed(String id) {
    try (Connection c = DriverManager.getConnection(PostgresStore.URL, PostgresStore.USER, "");
        PreparedStatement s = c.prepareStatement("SELECT picked FROM " + prefix + "scheduled_tasks WHERE task_instance = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
