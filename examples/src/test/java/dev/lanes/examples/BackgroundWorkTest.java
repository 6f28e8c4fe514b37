package dev.lanes.examples;

import static dev.lanes.examples.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 004's question: the endpoint answers before its background task ends, and running tasks
 * hold lane {@code background}, not the endpoints' lane.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackgroundWorkTest {

  @Test
  void endpointsAnswerWhileTheirBackgroundTasksStillRun() throws Exception {
    // Tasks that outlive the test: the answers below cannot have waited for them. Closing the
    // app (no shutdown grace) interrupts them.
    BackgroundLog log = new BackgroundLog();
    App app = BackgroundWork.addTo(App.builder(), Duration.ofHours(1), log).build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder().shutdownGrace(Duration.ZERO))) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.get("/background").text()).isEqualTo("{\"queued\":true}");
      }
      await("three tasks started", () -> log.startOffsetsMillis().size() == 3);

      assertThat(client.get("/ping").text()).isEqualTo("pong");
      JsonNode starts = client.get("/background/starts").json();
      assertThat(starts.get("startOffsetsMillis")).hasSize(3);
      assertThat(starts.get("startOffsetsMillis").get(0).asLong()).isZero();
      JsonNode lane = starts.get("lane");
      assertThat(lane.get("borrowed").asInt()).isEqualTo(3);
      assertThat(lane.get("completed").asInt()).isZero();
      assertThat(lane.get("capacity").asInt()).isEqualTo(app.lanes().get("background").statistics().capacity());
      assertThat(app.lanes().get("endpoints").statistics().borrowed()).isZero();

      assertThat(client.delete("/background/starts").status()).isEqualTo(204);
      JsonNode cleared = client.get("/background/starts").json();
      assertThat(cleared.get("startOffsetsMillis")).isEmpty();
      assertThat(cleared.get("lane").get("borrowed").asInt()).isEqualTo(3); // clearing the log stops nothing
    }
  }
}
