package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.tasks.Tasks;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Seed 003's routes on the embedded store: 202 with an id at once, the state by id later. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskRoutesTest {

  private static JsonNode awaitSucceeded(TestClient client, String id) {
    return Await.value(Duration.ofSeconds(30), () -> client.get("/tasks/" + id).json(),
        j -> j.get("state").asText().equals("succeeded"), "task " + id + " succeeded");
  }

  @Test
  void sleepAndHashAnswer202WithAnIdAndTheirStateIsQueryable() {
    Tasks tasks = TaskRoutes.tasks(TaskSettings.from(Map.of("WORKER_CONCURRENCY", "3")));
    try (App app = TaskRoutes.addTo(App.builder(), tasks, 3).build(); tasks) {
      tasks.start(app);
      try (TestClient client = TestClient.start(app)) {
        TestResponse sleep = client.post("/tasks/sleep?seconds=0.05", "", "text/plain");
        assertThat(sleep.status()).isEqualTo(202);
        String sleepId = sleep.json().get("id").asText();
        TestResponse hash = client.post("/tasks/hash?ms=20", "", "text/plain");
        assertThat(hash.status()).isEqualTo(202);
        String hashId = hash.json().get("id").asText();

        JsonNode slept = awaitSucceeded(client, sleepId);
        assertThat(slept.get("id").asText()).isEqualTo(sleepId);
        assertThat(slept.get("name").asText()).isEqualTo("sleep");
        assertThat(slept.get("attempts").asInt()).isEqualTo(1);
        assertThat(slept.get("result").asText()).isEqualTo("slept 0.05 s");
        assertThat(slept.get("error").isNull()).isTrue();
        JsonNode hashed = awaitSucceeded(client, hashId);
        assertThat(hashed.get("result").get("rounds").asLong()).isPositive();
        assertThat(hashed.get("result").get("digest").asText()).hasSize(64);

        JsonNode counts = client.get("/tasks").json();
        assertThat(counts.get("byState").get("succeeded").asInt()).isEqualTo(2);
        assertThat(counts.get("lane").get("capacity").asInt()).isEqualTo(3);
      }
    }
  }

  @Test
  void theDemosMetricsCountTasksAndItsDashboardShowsThem() {
    DemoMetrics metrics = DemoMetrics.of(DemoSettings.from(Map.of("PINNING", "off")));
    Tasks tasks = TaskRoutes.tasks(TaskSettings.from(Map.of()), metrics);
    App.Builder builder = ObservabilityRoutes.addTo(App.builder(), metrics, java.util.List.of(tasks.dashboardSection()));
    try (App app = TaskRoutes.addTo(builder, tasks, 2).build(); tasks; metrics) {
      metrics.start(app);
      metrics.bindTasks(tasks);
      tasks.start(app);
      try (TestClient client = TestClient.start(app)) {
        String id = client.post("/tasks/sleep?seconds=0", "", "text/plain").json().get("id").asText();
        awaitSucceeded(client, id);

        String scrape = client.get("/metrics").text();
        assertThat(scrape).contains("lanes_tasks_enqueued_total{task=\"sleep\"} 1.0")
            .contains("lanes_tasks_succeeded_total{task=\"sleep\"} 1.0")
            .contains("lanes_tasks_state{state=\"queued\"} 0.0")
            .contains("lanes_tasks_queue_age_seconds 0.0");
        JsonNode section = Await.value(Duration.ofSeconds(30), () -> client.get("/_lanes/snapshot").json().get("sections").get(0),
            s -> s.get("rows").get(1).get("succeeded").asInt() == 1, "the dashboard counts the task");
        assertThat(section.get("title").asText()).isEqualTo("tasks");
        // a row per type, by name
        assertThat(section.get("rows").findValuesAsText("type")).containsExactly("hash", "sleep");
      }
    }
  }

  @Test
  void unknownIdsAre404AndBadArgumentsAre400() {
    Tasks tasks = TaskRoutes.tasks(TaskSettings.from(Map.of()));
    try (App app = TaskRoutes.addTo(App.builder(), tasks, 2).build(); tasks) {
      tasks.start(app);
      try (TestClient client = TestClient.start(app)) {
        assertThat(client.get("/tasks/no-such-id").status()).isEqualTo(404);
        assertThat(client.post("/tasks/sleep?seconds=-1", "", "text/plain").status()).isEqualTo(400);
        assertThat(client.post("/tasks/sleep?seconds=abc", "", "text/plain").status()).isEqualTo(400);
        assertThat(client.post("/tasks/hash?ms=999999", "", "text/plain").status()).isEqualTo(400);
      }
    }
  }

  @Test
  void settingsAreReadAndBadOnesNameTheVariable() {
    TaskSettings s = TaskSettings.from(Map.of("TASKS_DB", "jdbc:postgresql://127.0.0.1:5432/test",
        "TASK_WORKERS", "0", "WORKER_CONCURRENCY", "40"));
    assertThat(s.workers()).isFalse();
    assertThat(s.shared()).isTrue();
    assertThat(s.concurrency()).isEqualTo(40);
    assertThat(TaskSettings.from(Map.of()).workers()).isTrue();
    assertThat(TaskSettings.from(Map.of()).concurrency()).isEqualTo(20);
    assertThat(TaskSettings.from(Map.of()).workerHttpPort()).isEmpty();
    assertThat(TaskSettings.from(Map.of("WORKER_HTTP_PORT", "9100")).workerHttpPort()).hasValue(9100);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskSettings.from(Map.of("WORKER_HTTP_PORT", "web")))
        .hasMessageContaining("WORKER_HTTP_PORT");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskSettings.from(Map.of("WORKER_HTTP_PORT", "70000")))
        .hasMessageContaining("WORKER_HTTP_PORT");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskSettings.from(Map.of("TASKS_DB", "mysql://x")))
        .hasMessageContaining("TASKS_DB");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskSettings.from(Map.of("WORKER_CONCURRENCY", "0")))
        .hasMessageContaining("WORKER_CONCURRENCY");
  }
}
