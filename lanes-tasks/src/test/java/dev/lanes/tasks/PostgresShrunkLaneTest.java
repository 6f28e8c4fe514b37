package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL: a task claimed into a lane that has since shrunk waits in the lane without a
 * heartbeat, so a healthy second worker takes it for dead and runs it; once a slot frees in the
 * first worker, the stale claim must not run there too (docs/tasks.md: "if another did take it
 * over, it runs only there").
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PostgresShrunkLaneTest {
  record Job(String name) {}

  private final String prefix = "rv" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
  private static final Duration HEARTBEAT = Duration.ofMillis(500); // dead after 4 missed: 2 s

  @BeforeEach
  void requirePostgres() {
    PostgresStore.assumeReachable();
  }

  @AfterEach
  void drop() throws SQLException {
    PostgresStore.drop(prefix);
  }

  private boolean picked(String id) throws SQLException {
    try (Connection c = DriverManager.getConnection(PostgresStore.URL, PostgresStore.USER, "");
        PreparedStatement s = c.prepareStatement("SELECT picked FROM " + prefix + "scheduled_tasks WHERE task_instance = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  @Test
  void aTaskClaimedIntoAShrunkLaneIsNotRunTwiceAtOnce() throws Exception {
    List<String> starts = new CopyOnWriteArrayList<>();
    CountDownLatch releaseX = new CountDownLatch(1);
    CountDownLatch releaseAll = new CountDownLatch(1);
    CountDownLatch xOnA = new CountDownLatch(1);
    CountDownLatch yOnB = new CountDownLatch(1);
    CountDownLatch yOnA = new CountDownLatch(1);
    TaskType<Job> onA = TaskType.of("hold", Job.class, j -> {
      starts.add("A:" + j.name());
      if (j.name().equals("x")) {
        xOnA.countDown();
        releaseX.await();
      } else {
        yOnA.countDown();
        releaseAll.await();
      }
      return "ok";
    });
    TaskType<Job> onB = TaskType.of("hold", Job.class, j -> {
      starts.add("B:" + j.name());
      if (j.name().equals("y")) {
        yOnB.countDown();
      }
      releaseAll.await();
      return "ok";
    });

    try (App appA = App.builder().lane(Tasks.lane(2)).build();
        Tasks a = PostgresStore.builder(prefix).type(onA).heartbeat(HEARTBEAT).pollInterval(Duration.ofMillis(100)).build();
        App appB = App.builder().lane(Tasks.lane(1)).build();
        Tasks b = PostgresStore.builder(prefix).type(onB).heartbeat(HEARTBEAT).pollInterval(Duration.ofMillis(100)).build()) {
      try {
        a.start(appA);
        a.enqueue(onA, new Job("x"));
        assertThat(xOnA.await(30, TimeUnit.SECONDS)).isTrue();

        appA.lanes().find(Tasks.WORKER_LANE).orElseThrow().resize(1); // documented: takes effect at once
        String y = a.enqueue(onA, new Job("y"));
        Await.until(Duration.ofSeconds(10), () -> {
          try {
            return picked(y);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        }, "y claimed by worker A, waiting in its lane behind x");

        b.start(appB); // a healthy second worker
        assertThat(yOnB.await(30, TimeUnit.SECONDS)).as("y taken over by B; starts " + starts).isTrue();

        releaseX.countDown(); // A's slot frees while B still runs y
        boolean ranTwice = yOnA.await(5, TimeUnit.SECONDS);
        assertThat(ranTwice).as("y ran on A while B was running it; starts " + starts + ", status "
            + a.status(y).orElseThrow()).isFalse();
      } finally {
        releaseX.countDown();
        releaseAll.countDown();
      }
    }
  }
}
