package dev.lanes.examples;

import static dev.lanes.examples.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.LaneSizing;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /cpu} hashes in the adaptive lane {@code cpu}, not in {@code endpoints}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuRoutesTest {

  @Test
  void cpuWorkRunsInItsOwnAdaptiveLane() throws Exception {
    App app = CpuRoutes.addTo(App.builder(), LaneSizing.adaptive()).get("/other", req -> Response.text("other")).build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(stats(app, CpuRoutes.LANE).sizing()).isEqualTo(LaneSizing.adaptive());
      assertThat(stats(app, CpuRoutes.LANE).capacity()).isEqualTo(LaneSizing.DEFAULT_ADAPTIVE_MAX);

      TestResponse cpu = client.get("/cpu?ms=5");
      assertThat(cpu.status()).isEqualTo(200);
      assertThat(cpu.json().get("ms").asInt()).isEqualTo(5);
      assertThat(cpu.json().get("hashes").asLong()).isPositive();
      await("/cpu counted in lane cpu", () -> stats(app, CpuRoutes.LANE).completed() == 1);
      assertThat(stats(app, "endpoints").completed()).isZero();

      assertThat(client.get("/other").text()).isEqualTo("other");
      await("/other counted in endpoints", () -> stats(app, "endpoints").completed() == 1);
      assertThat(stats(app, CpuRoutes.LANE).completed()).isEqualTo(1);
    }
  }

  @Test
  void theDefaultIsTwentyMillisecondsAndABadDurationIs400() {
    App app = CpuRoutes.addTo(App.builder(), LaneSizing.fixed(2)).build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/cpu").json().get("ms").asInt()).isEqualTo(20);
      assertThat(client.get("/cpu?ms=-1").status()).isEqualTo(400);
      assertThat(client.get("/cpu?ms=10001").status()).isEqualTo(400);
      assertThat(client.get("/cpu?ms=abc").status()).isEqualTo(400);
      assertThat(stats(app, CpuRoutes.LANE).sizing()).isEqualTo(LaneSizing.fixed(2));
    }
  }

  @Test
  void aPinnedRateDoesTheSameWorkInEveryJvm() throws Exception {
    App app = CpuRoutes.addTo(App.builder(), LaneSizing.fixed(2), 7).build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/cpu?ms=3").json().get("hashes").asLong()).isEqualTo(21);
      assertThat(client.get("/cpu?ms=0").json().get("hashes").asLong()).isEqualTo(1);
    }
  }

  @Test
  void hashingDoesWorkInProportionToTheTimeAsked() {
    long ten = CpuRoutes.hashFor(TimeUnit.MILLISECONDS.toNanos(10));
    long forty = CpuRoutes.hashFor(TimeUnit.MILLISECONDS.toNanos(40));
    assertThat(ten).isPositive();
    assertThat(forty).isBetween(4 * ten - 4, 4 * ten + 4); // each rounded on its own
  }

  private static LaneStatistics stats(App app, String lane) {
    return app.lanes().get(lane).statistics();
  }
}
