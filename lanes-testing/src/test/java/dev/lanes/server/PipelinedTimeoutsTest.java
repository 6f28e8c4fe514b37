package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request pipelined behind a slow response (RFC 9112 9.3.2) waits for its turn, and while it
 * waits the server is the slow side: no read timer of its own runs, so it cannot cut the earlier
 * response off, and a client waiting for {@code 100 Continue} gets it once its turn comes. The
 * handler is held on a latch while more than a timeout period passes (shown by another
 * connection timing out, never a sleep).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelinedTimeoutsTest {
  private static final String SLOW = "GET /wait HTTP/1.1\r\nHost: a\r\n\r\n";
  private final CountDownLatch release = new CountDownLatch(1);
  private TestClient client;

  @BeforeEach
  void start() {
    App app = App.builder()
        .get("/wait", req -> {
          release.await(30, TimeUnit.SECONDS);
          return Response.text("done");
        })
        .get("/", req -> Response.text("ok"))
        .post("/upload", req -> Response.text("got " + req.text()))
        .build();
    Duration t = Duration.ofMillis(300);
    client = TestClient.start(app, ServerConfig.builder()
        .requestHeadTimeout(t).bodyReadTimeout(t).keepAliveTimeout(t).minRequestBodyRate(1000));
  }

  @AfterEach
  void stop() {
    release.countDown();
    client.close();
  }

  /**
   * More than a read timeout passes: two other connections, opened one after the other, are each
   * closed by their own head timeout.
   */
  private void readTimeoutsPass() {
    for (int i = 0; i < 2; i++) {
      try (RawClient idle = RawClient.connect(client.port())) {
        assertThat(idle.readUntilClosed().closed()).isTrue();
      }
    }
  }

  @Test
  void aPipelinedRequestWaitingFor100ContinueGetsItAtItsTurn() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(SLOW + "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      readTimeoutsPass();
      release.countDown();
      RawResponse slow = c.read();
      assertThat(slow.status()).isEqualTo(200);
      assertThat(slow.text()).isEqualTo("done");
      // The client holds its body back until it is told to send it (RFC 9110 10.1.1).
      assertThat(c.read().status()).as("100 Continue once the earlier response is written").isEqualTo(100);
      RawResponse upload = c.send("hello").read();
      assertThat(upload.status()).isEqualTo(200);
      assertThat(upload.text()).isEqualTo("got hello");
    }
  }

  /** The response before it closes the connection (RFC 9112 9.6): the request is not served, no 100 invites its body. */
  @Test
  void noHeld100ContinueFollowsAResponseThatClosesTheConnection() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET /wait HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
          + "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      readTimeoutsPass();
      release.countDown();
      RawClient.Transcript t = c.readUntilClosed();
      assertThat(t.statuses()).containsExactly(200);
      assertThat(t.text()).doesNotContain("100 Continue");
      assertThat(t.closed()).isTrue();
    }
  }

  @Test
  void aPipelinedBodyIsNotTimedBeforeItsTurn() {
    long before = client.server().statistics().bodyReadTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(SLOW + "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe");
      readTimeoutsPass();
      assertThat(client.server().statistics().bodyReadTimeouts()).isEqualTo(before);
      release.countDown();
      RawResponse slow = c.read();
      assertThat(slow.status()).isEqualTo(200);
      assertThat(slow.text()).isEqualTo("done");
      RawResponse upload = c.send("llo").read();
      assertThat(upload.status()).isEqualTo(200);
      assertThat(upload.text()).isEqualTo("got hello");
    }
  }

  @Test
  void aPipelinedBodyThatStallsAfterItsTurnGets408AfterTheEarlierResponse() {
    long before = client.server().statistics().bodyReadTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(SLOW + "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe");
      readTimeoutsPass();
      release.countDown();
      RawClient.Transcript t = c.readUntilClosed();
      assertThat(t.statuses()).containsExactly(200, 408);
      assertThat(t.responses().get(0).text()).isEqualTo("done");
      assertThat(t.closed()).isTrue();
    }
    assertThat(client.server().statistics().bodyReadTimeouts()).isGreaterThan(before);
  }

  @Test
  void aPipelinedHeadIsNotTimedBeforeItsTurnThenGets408() {
    long before = client.server().statistics().requestHeadTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(SLOW + "GET / HTTP/1.1\r\nHost: a\r\n");
      readTimeoutsPass();
      release.countDown();
      RawClient.Transcript t = c.readUntilClosed();
      assertThat(t.statuses()).containsExactly(200, 408);
      assertThat(t.responses().get(0).text()).isEqualTo("done");
      assertThat(t.closed()).isTrue();
    }
    // The two idle connections count too: the pipelined head is the third.
    assertThat(client.server().statistics().requestHeadTimeouts()).isEqualTo(before + 3);
  }
}
