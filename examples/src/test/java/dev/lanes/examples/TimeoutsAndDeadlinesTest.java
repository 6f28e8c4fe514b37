package dev.lanes.examples;

import static dev.lanes.examples.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /slow} sleeps as asked, 0..60000 ms (anything else is 400 at once, never a negative or
 * weeks-long sleep holding a lane token); {@code /slow/limited} gives up at its deadline with 504
 * and interrupts the sleep.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeoutsAndDeadlinesTest {

  @Test
  void shortSleepsAnswerNormally() {
    try (TestClient client = TestClient.start(TimeoutsAndDeadlines.addTo(App.builder()).build())) {
      assertThat(client.get("/slow?ms=5").text()).isEqualTo("slept");
      assertThat(client.get("/slow/limited?ms=5").text()).isEqualTo("slept");
    }
  }

  @Test
  void aSleepPastTheDeadlineGets504AndIsCancelled() throws Exception {
    App app = TimeoutsAndDeadlines.addTo(App.builder()).build();
    try (TestClient client = TestClient.start(app)) {
      // An hour's sleep under a 1 s deadline.
      assertThat(client.get("/slow/limited?ms=3600000").status()).isEqualTo(504);
      Lane endpoints = app.lanes().get("endpoints");
      await("the sleeping handler cancelled and its token back",
          () -> endpoints.statistics().cancelled() == 1 && endpoints.statistics().borrowed() == 0);
      assertThat(endpoints.statistics().completed()).isZero();
    }
  }

  @Test
  void slowRefusesANegativeSleep() {
    try (TestClient client = TestClient.start(TimeoutsAndDeadlines.addTo(App.builder()).build())) {
      TestResponse negative = client.get("/slow?ms=-5");
      assertThat(negative.status()).as("ms=-5 answered " + negative.text()).isEqualTo(400);
      assertThat(negative.text()).isEqualTo("ms must be 0..60000: -5");
    }
  }

  @Test
  void slowRefusesAHugeSleepInsteadOfHanging() {
    try (TestClient client = TestClient.start(TimeoutsAndDeadlines.addTo(App.builder()).build())) {
      // 2147483647 ms is 24.8 days in the endpoints lane, holding a token.
      TestResponse huge = client.send(client.request("/slow?ms=2147483647").timeout(Duration.ofSeconds(5)));
      assertThat(huge.status()).isEqualTo(400);
    }
  }
}
