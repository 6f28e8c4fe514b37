package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.tasks.TaskState;
import dev.lanes.tasks.Tasks;
import dev.lanes.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples.jar worker} with {@code WORKER_HTTP_PORT}: its lanes' metrics and dashboard over a
 * real socket, no handler routes, and a close that drains the running task before the port goes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerProcessTest {
  private static final int PORT = 18262;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWorkerServesMetricsAndTheDashboardOnItsPortAndDrainsOnClose(@TempDir Path dir) throws Exception {
    // a file store: the web side reads it after the worker closed (an in-memory one shuts down with it)
    String db = "jdbc:h2:file:" + dir.resolve("tasks").toAbsolutePath();
    DemoSettings settings = DemoSettings.from(Map.of("PINNING", "off"));
    TaskSettings workerSettings = TaskSettings.from(Map.of("TASKS_DB", db, "WORKER_CONCURRENCY", "2",
        "WORKER_HTTP_PORT", Integer.toString(PORT)));
    // the web process's side: enqueue only, on the same store
    Tasks web = TaskRoutes.tasks(new TaskSettings(java.util.Optional.of(db), false, 2));
    try (App webApp = App.builder().build(); web) {
      web.start(webApp);
      WorkerProcess worker = WorkerProcess.start(settings, workerSettings);
      try {
        assertThat(worker.httpPort()).hasValue(PORT);
        String done = web.enqueue(TaskRoutes.SLEEP, new TaskRoutes.Sleep(0));
        Await.until(Duration.ofSeconds(30), () -> web.status(done).orElseThrow().state() == TaskState.SUCCEEDED, "done");

        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("lanes_tasks_succeeded_total{task=\"sleep\"} 1.0")
            .contains("lanes_tasks_state{state=\"succeeded\"} 1.0")
            .contains("lanes_tasks_queue_age_seconds")
            .containsPattern("lanes_lane_[a-z_]+\\{[^}]*lane=\"tasks\"");

        JsonNode snapshot = new ObjectMapper().readTree(get("/_lanes/snapshot").body());
        assertThat(snapshot.get("lanes").findValuesAsText("name")).contains("tasks");
        JsonNode section = snapshot.get("sections").get(0);
        assertThat(section.get("title").asText()).isEqualTo("tasks");
        JsonNode sleepRow = null;
        for (JsonNode row : section.get("rows")) {
          if (row.get("type").asText().equals("sleep")) {
            sleepRow = row;
          }
        }
        assertThat(sleepRow).isNotNull();
        assertThat(sleepRow.get("succeeded").asLong()).isEqualTo(1);
        assertThat(get("/_lanes").statusCode()).isEqualTo(200);
        assertThat(get("/tasks/sleep").statusCode()).isEqualTo(404); // no handler routes on a worker

        // a task running at close finishes (the drain), then the port closes
        String running = web.enqueue(TaskRoutes.SLEEP, new TaskRoutes.Sleep(0.5));
        Await.until(Duration.ofSeconds(30), () -> web.status(running).orElseThrow().state() == TaskState.RUNNING, "running");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(worker::close);
        closing.get(30, TimeUnit.SECONDS);
        assertThat(web.status(running).orElseThrow().state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(CompletableFuture.supplyAsync(() -> {
          try {
            return get("/metrics").statusCode();
          } catch (Exception e) {
            return -1;
          }
        }).get(10, TimeUnit.SECONDS)).isEqualTo(-1);
      } finally {
        worker.close();
      }
    }
  }
}
