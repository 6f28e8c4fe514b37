package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recurring run whose worker is killed mid-run is revived under its own id (docs/tasks.md,
 * "Ids": the same task, with redeliveries 1) and ends; db-scheduler's default revival moves it to
 * "now", which would give it a new id and leave the killed run's row running for good. The killed
 * worker is a child JVM on an H2 file store.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RecurringRevivalTest {
  record Tick(int n) {}

  static final Duration HEARTBEAT = Duration.ofMillis(500);

  @TempDir
  Path dir;

  /** The worker that is killed: its recurring run blocks until the kill. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      TaskType<Tick> tick = TaskType.of("tick", Tick.class, t -> {
        Thread.sleep(Long.MAX_VALUE);
        return null;
      });
      Tasks tasks = Tasks.builder().database(args[0]).heartbeat(HEARTBEAT).pollInterval(Duration.ofMillis(100))
          .recurring(tick, "* * * * * *", new Tick(1))
          .listener(new TaskListener() {
            @Override
            public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
              System.out.println("STARTED " + id);
              System.out.flush();
            }
          }).build();
      App app = App.builder().lane(Tasks.lane(2)).build();
      TaskWorker.start(app, tasks).awaitClose();
    }
  }

  @Test
  void aRecurringRunWhoseWorkerWasKilledIsRedeliveredUnderItsOwnId() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("tasks").toAbsolutePath();
    Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), Child.class.getName(), url)
        .redirectError(dir.resolve("child.log").toFile()).start();
    String killedRun;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
        assertThat(line).as("the child exited before starting a run").isNotNull();
      } while (!line.startsWith("STARTED "));
      killedRun = line.substring("STARTED ".length()).strip();
      child.destroyForcibly(); // kill -9 mid-run
      assertThat(child.waitFor()).isEqualTo(137);
    } finally {
      child.destroyForcibly();
    }

    List<String> started = new CopyOnWriteArrayList<>();
    CountDownLatch killedRunRedelivered = new CountDownLatch(1);
    CountDownLatch threeOtherRuns = new CountDownLatch(3);
    TaskType<Tick> tick = TaskType.of("tick", Tick.class, t -> "ticked");
    try (App app = App.builder().lane(Tasks.lane(2)).build();
        Tasks tasks = Tasks.builder().database(url).heartbeat(HEARTBEAT).pollInterval(Duration.ofMillis(100))
            .recurring(tick, "* * * * * *", new Tick(1))
            .listener(new TaskListener() {
              @Override
              public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
                started.add(id + (redelivered ? " (redelivered)" : ""));
                if (id.equals(killedRun)) {
                  killedRunRedelivered.countDown();
                } else {
                  threeOtherRuns.countDown();
                }
              }
            }).build()) {
      tasks.start(app);

      // The dead run is found after 4 missed beats (2 s); three more runs take at least 3 s.
      assertThat(threeOtherRuns.await(30, TimeUnit.SECONDS)).isTrue();
      boolean redelivered = killedRunRedelivered.await(5, TimeUnit.SECONDS);
      TaskStatus killed = tasks.status(killedRun).orElseThrow();
      assertThat(redelivered).as("run " + killedRun + " redelivered; its status now " + killed
          + "; runs started here: " + started).isTrue();
      assertThat(killed.redeliveries()).isEqualTo(1);
      assertThat(killed.state()).isEqualTo(TaskState.SUCCEEDED);
    }
  }
}
