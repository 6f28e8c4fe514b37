package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.streaming.StreamingResponse;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The raw client against a real server: framing it parses, connection states it reports. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawClientTest {
  private static final CountDownLatch RELEASE = new CountDownLatch(1);
  private static TestClient client;

  @BeforeAll
  static void start() {
    client = TestClient.start(App.builder()
        .get("/hello", req -> Response.text("hello"))
        .get("/chunked", req -> StreamingResponse.of(List.of("one ", "two ", "three").iterator(),
            "text/plain"))
        .get("/hang", req -> {
          RELEASE.await(30, TimeUnit.SECONDS);
          return Response.text("late");
        })
        .build());
  }

  @AfterAll
  static void stop() {
    RELEASE.countDown();
    client.close();
  }

  private static String get(String path, String... headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: a\r\n" + String.join("", headers) + "\r\n";
  }

  @Test
  void pipelinedResponsesOfEveryFramingAreParsedInOrder() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(get("/hello") + get("/chunked") + get("/hello"));
      List<RawResponse> rs = c.read(3);
      assertThat(rs).extracting(RawResponse::status).containsExactly(200, 200, 200);
      assertThat(rs).extracting(RawResponse::text).containsExactly("hello", "one two three", "hello");
      assertThat(rs.get(0).header("Content-Length")).contains("5");
      assertThat(rs.get(1).headerValues("transfer-encoding")).containsExactly("chunked");
      assertThat(rs.get(0).version()).isEqualTo("HTTP/1.1");
    }
  }

  @Test
  void aResponseToHeadHasNoBodyAndTheNextResponseStillParses() {
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse head = c.send("HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\n").readResponseToHead();
      assertThat(head.header("content-length")).contains("5");
      assertThat(head.body()).isEmpty();
      assertThat(c.send(get("/hello")).read().text()).isEqualTo("hello");
    }
  }

  @Test
  void readUntilReturnsUpToTheMarkerAndKeepsTheRest() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = c.send(get("/hello", "Connection: close\r\n")).readUntil("\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n").doesNotContain("hello");
      RawClient.Transcript rest = c.readUntilClosed();
      assertThat(rest.text()).isEqualTo("hello");
      assertThat(rest.closed()).isTrue();
    }
  }

  @Test
  void closedByServerSeesACloseAndKeepsDataThatArrivesInstead() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(get("/hello"));
      assertThat(c.closedByServer()).as("a response arrived, not a close").isFalse();
      assertThat(c.read().text()).isEqualTo("hello"); // nothing was lost
      assertThat(c.send(get("/hello", "Connection: close\r\n")).read().header("connection"))
          .contains("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void exchangeReturnsEverythingUntilTheClose() {
    RawClient.Transcript t = RawClient.exchange(client.port(),
        get("/hello") + "GET /hello HTTP/1.1\r\n\r\n"); // the second has no Host: 400 and close
    assertThat(t.statuses()).containsExactly(200, 400);
    assertThat(t.responses().get(0).text()).isEqualTo("hello");
    assertThat(t.text()).startsWith("HTTP/1.1 200");
    assertThat(t.closed()).isTrue();
  }

  @Test
  void aReadThatTimesOutFailsWithWhatArrived() {
    try (RawClient c = RawClient.connect(client.port(), Duration.ofMillis(200))) {
      c.send(get("/hang"));
      assertThatThrownBy(c::read).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("nothing more arrived within PT0.2S");
      RawClient.Transcript quiet = c.readUntilClosed();
      assertThat(quiet.closed()).as("still open, only quiet").isFalse();
      assertThat(quiet.responses()).isEmpty();
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> RawClient.connect(client.port(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> RawClient.connectWithReceiveBuffer(client.port(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("receive buffer");
  }
}
