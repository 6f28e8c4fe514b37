package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task processes killed or stopped for real: the embedded store survives kill -9, and a worker
 * stopped with SIGTERM drains within its grace or hands its tasks back.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TaskProcessTest {
  @TempDir
  Path dir;

  private String fileUrl() {
    return "jdbc:h2:file:" + dir.resolve("tasks").toAbsolutePath();
  }

  /** Reads the statuses of {@code ids} once every process left the file database. */
  private List<TaskStatus> statuses(List<String> ids) {
    try (App app = App.builder().build(); Tasks tasks = Tasks.builder().database(fileUrl()).workers(false)
        .type(TaskProcess.napType(0)).build()) {
      tasks.start(app);
      List<TaskStatus> out = new ArrayList<>();
      for (String id : ids) {
        out.add(tasks.status(id).orElseThrow());
      }
      return out;
    }
  }

  @Test
  void theEmbeddedFileStoreSurvivesKillNineAndEveryTaskCompletesAfterARestart() throws Exception {
    List<String> ids = new ArrayList<>();
    try (TaskProcess.Handle first = TaskProcess.Handle.start(dir.resolve("first.log"),
        fileUrl(), "-", "lanes_", "2", "60000", "10", "false", "30000")) {
      for (int i = 0; i < 10; i++) {
        ids.add(first.next("ENQUEUED"));
      }
      first.next("STARTED");
      first.next("STARTED");
      first.process.destroyForcibly(); // SIGKILL: no shutdown hook, two tasks mid-run
      assertThat(first.process.waitFor()).isEqualTo(137);
    }
    // A poll ten minutes apart: the killed attempts start again only because finding them dead
    // wakes the scheduler.
    try (TaskProcess.Handle second = TaskProcess.Handle.start(dir.resolve("second.log"),
        fileUrl(), "-", "lanes_", "4", "20", "0", "true", "30000", "600000")) {
      assertThat(second.next("DONE")).isEqualTo("10 2");
      assertThat(second.process.waitFor()).isZero();
    }
    List<TaskStatus> after = statuses(ids);
    assertThat(after).allSatisfy(s -> assertThat(s.state()).isEqualTo(TaskState.SUCCEEDED));
    assertThat(after.stream().filter(s -> s.redeliveries() == 1 && s.attempts() == 2)).hasSize(2);
    assertThat(after.stream().filter(s -> s.redeliveries() == 0 && s.attempts() == 1)).hasSize(8);
  }

  @Test
  void sigtermLetsRunningTasksFinishWithinTheGrace() throws Exception {
    List<String> ids = new ArrayList<>();
    try (TaskProcess.Handle worker = TaskProcess.Handle.start(dir.resolve("worker.log"),
        fileUrl(), "-", "lanes_", "2", "1500", "2", "false", "20000")) {
      ids.add(worker.next("ENQUEUED"));
      ids.add(worker.next("ENQUEUED"));
      worker.next("STARTED");
      worker.next("STARTED");
      worker.process.destroy(); // SIGTERM
      assertThat(worker.process.waitFor()).as("drained: exit 0, as a Server on SIGTERM").isZero();
    }
    assertThat(statuses(ids)).allSatisfy(s -> {
      assertThat(s.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(s.attempts()).isEqualTo(1);
    });
  }

  @Test
  void sigtermLetsMainCleanUpAfterAwaitClose() throws Exception {
    try (TaskProcess.Handle worker = TaskProcess.Handle.start(dir.resolve("worker.log"),
        fileUrl(), "-", "lanes_", "1", "200", "1", "false", "20000")) {
      worker.next("ENQUEUED");
      worker.next("STARTED");
      // SIGTERM through the handle: Process.destroy() would also close our end of its output.
      assertThat(worker.process.toHandle().destroy()).isTrue();
      assertThat(worker.process.waitFor()).as("drained: exit 0, as a Server on SIGTERM").isZero();
      // The JVM halts once its shutdown hooks end: the worker's must wait for main's cleanup.
      worker.next("CLEANED");
    }
  }

  @Test
  void sigtermPastTheGraceHandsRunningTasksBack() throws Exception {
    String id;
    try (TaskProcess.Handle worker = TaskProcess.Handle.start(dir.resolve("worker.log"),
        fileUrl(), "-", "lanes_", "1", "3600000", "1", "false", "300")) {
      id = worker.next("ENQUEUED");
      worker.next("STARTED");
      worker.process.destroy();
      assertThat(worker.process.waitFor()).as("drained: exit 0, as a Server on SIGTERM").isZero();
    }
    TaskStatus back = statuses(List.of(id)).get(0);
    assertThat(back.state()).isEqualTo(TaskState.QUEUED);
    assertThat(back.error().orElseThrow()).contains("worker stopped");
    assertThat(Files.readString(dir.resolve("worker.log"))).doesNotContain("Exception in thread");
  }

  /**
   * One signal handling for the process: a SIGTERM stops the worker and the server together, the
   * task and the request in flight both finish, the queued task is not started, main returns by
   * itself and the process exits 0. (With the worker on a JVM shutdown hook, the server's signal
   * handler kept that hook from running until the forced exit 2 s after the server closed: the
   * worker went on claiming and started the queued task after the signal.)
   */
  @Test
  void oneSigtermStopsAWorkerAndAServerInOneProcessTogether() throws Exception {
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), WorkerWithServerMain.class.getName());
    try (TaskProcess.Handle child = new TaskProcess.Handle(
        new ProcessBuilder(cmd).redirectError(dir.resolve("both.log").toFile()).start())) {
      int port = Integer.parseInt(child.next("PORT"));
      String task = child.next("STARTED");
      java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      var slow = http.sendAsync(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/slow")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      child.next("IN_SLOW");
      assertThat(child.process.toHandle().destroy()).isTrue(); // SIGTERM
      assertThat(slow.get(30, TimeUnit.SECONDS).body()).isEqualTo("done");
      assertThat(child.next("SUCCEEDED")).isEqualTo(task);
      child.next("MAIN_RETURNED");
      assertThat(child.process.waitFor()).isZero();
      assertThat(child.seen.stream().filter(l -> l.startsWith("STARTED"))).as("nothing started after the signal")
          .hasSize(1);
    }
  }

  /**
   * A SIGTERM while the worker's startup hooks run (a slow database) does not end the process
   * half-started with the JVM's default (143, the shutdown hooks never run): as a Server, the
   * worker handles the signals from before its hooks, starts, then stops, runs its shutdown
   * hooks, and the process exits 0.
   */
  @Test
  void sigtermDuringTheStartupHooksStopsTheWorkerOnceStarted() throws Exception {
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), SignalDuringStartupWorker.class.getName(), fileUrl());
    try (TaskProcess.Handle child = new TaskProcess.Handle(new ProcessBuilder(cmd).redirectErrorStream(true).start())) {
      child.next("HOOK");
      assertThat(child.process.toHandle().destroy()).isTrue(); // SIGTERM
      // The signal was taken while the hook runs (logged), not left to the JVM's default.
      child.nextContaining("SIGTERM while 1 server(s) or worker(s) run their startup hooks");
      child.process.getOutputStream().write("go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      child.process.getOutputStream().flush();
      child.next("SHUTDOWN");
      child.next("CLOSED");
      assertThat(child.process.waitFor()).isZero();
    }
  }
}
