package dev.lanes.examples;

import static dev.lanes.examples.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The streamed bodies: their content, their media types, and their producers in lane
 * {@code streaming}; a {@code delay_ms} outside 0..60000 is 400 at once, never a stream that
 * holds a token for days.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamingRoutesTest {

  @Test
  void linesBytesAndEventsEachFromAProducerInTheStreamingLane() throws Exception {
    App app = StreamingRoutes.addTo(App.builder()).build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse lines = client.get("/stream?delay_ms=0"); // n defaults to 10
      assertThat(lines.header("content-type")).contains("text/plain; charset=utf-8");
      assertThat(lines.text()).startsWith("line 0\n").endsWith("line 9\n").hasLineCount(10);

      TestResponse bytes = client.get("/stream/bytes?mib=2");
      assertThat(bytes.header("content-type")).contains("application/octet-stream");
      assertThat(bytes.body()).hasSize(2 * 1024 * 1024).containsOnly(0);

      TestResponse events = client.get("/sse?n=3&delay_ms=0");
      assertThat(events.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(events.text()).contains("id: 2\nevent: tick\ndata: line 2\n").doesNotContain("line 3");

      await("three producers counted in the streaming lane",
          () -> app.lanes().get("streaming").statistics().completed() == 3);
    }
  }

  @Test
  void aDelayOutOfBoundsIs400() {
    try (TestClient client = TestClient.start(StreamingRoutes.addTo(App.builder()).build())) {
      for (String path : new String[] {"/stream?delay_ms=-1", "/sse?delay_ms=60001"}) {
        TestResponse r = client.get(path);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.text()).as(path).startsWith("delay_ms must be 0..60000: ");
      }
    }
  }
}
