package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.websocket.Frames.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A WebSocket upgrade among pipelined HTTP/1.1 requests: behind a pipeline that fills the
 * connection's queue (16 requests waiting pause reading), and with bytes behind it in the same
 * write, which are the WebSocket's once the 101 is sent (RFC 9110 7.8), never an HTTP request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketUpgradePipelineTest {
  private static final AtomicReference<CountDownLatch> GATE = new AtomicReference<>(new CountDownLatch(0));
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .get("/plain", req -> Response.text("plain"))
        // Holds its answer until the test opens the gate, so the requests behind it queue up.
        .get("/held", req -> {
          GATE.get().await(30, TimeUnit.SECONDS);
          return Response.text("plain");
        })
        .websocket("/ws/echo", ws -> {
          while (true) {
            ws.send(ws.receive());
          }
        })
        .websocketAsync("/ws/echo-async", (ws, message) -> ws.sendAsync(message))
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static final String GET = "GET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n";

  /**
   * N requests, the first held until all of them are written, then the upgrade, in one write: N is
   * the connection's pipeline limit (16 waiting requests pause reading, Http1Connection), one less
   * and one more. The requests
   * are answered in order, then the 101, and the session reads the client's frames.
   */
  @ParameterizedTest
  @CsvSource({"/ws/echo, 15", "/ws/echo, 16", "/ws/echo, 17", "/ws/echo-async, 15", "/ws/echo-async, 16",
      "/ws/echo-async, 17"})
  void anUpgradeBehindAFullPipelineReadsTheClientsFrames(String path, int requestsAhead) {
    CountDownLatch gate = new CountDownLatch(1);
    GATE.set(gate);
    try (RawClient c = RawClient.connect(client.port(), Duration.ofSeconds(10))) {
      c.send("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n" + GET.repeat(requestsAhead - 1)
          + Frames.upgrade(path, ""));
      gate.countDown();
      assertThat(c.read(requestsAhead)).extracting(RawResponse::status, RawResponse::text)
          .containsOnly(tuple(200, "plain"));
      assertThat(c.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101");
      for (int i = 0; i < 3; i++) {
        c.send(Frames.text("after " + requestsAhead + " requests: " + i));
        assertThat(Frames.read(c).text()).isEqualTo("after " + requestsAhead + " requests: " + i);
      }
    } finally {
      gate.countDown();
    }
  }

  /**
   * A frame written right behind the upgrade request, in the same write, is the session's first
   * message: the HTTP decoder must leave the bytes after the upgrade request to the frame decoder.
   */
  @ParameterizedTest
  @CsvSource({"/ws/echo", "/ws/echo-async"})
  void aFrameInTheUpgradesWriteIsTheSessionsFirstMessage(String path) {
    try (RawClient c = RawClient.connect(client.port(), Duration.ofSeconds(10))) {
      ByteArrayOutputStream write = new ByteArrayOutputStream();
      write.writeBytes(Frames.upgrade(path, "").getBytes(StandardCharsets.US_ASCII));
      write.writeBytes(Frames.text("sent with the upgrade"));
      c.send(write.toByteArray());
      assertThat(c.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101");
      assertThat(Frames.read(c).text()).isEqualTo("sent with the upgrade");
      c.send(Frames.text("and after it"));
      assertThat(Frames.read(c).text()).isEqualTo("and after it");
    }
  }

  /**
   * An HTTP request pipelined behind an upgrade that is accepted is WebSocket bytes, not a
   * request: never answered as one; read as a frame, {@code G} (0x47) sets RSV1 with no
   * extension agreed and a reserved opcode, so the session is closed with 1002 (RFC 6455 5.2).
   */
  @Test
  void aRequestPipelinedBehindAnAcceptedUpgradeIsReadAsFrames() {
    try (RawClient c = RawClient.connect(client.port(), Duration.ofSeconds(10))) {
      c.send(Frames.upgrade("/ws/echo", "") + GET);
      assertThat(c.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101");
      Frame first = Frames.read(c);
      assertThat(first.opcode()).as("not an HTTP answer: a close frame").isEqualTo(Frames.CLOSE);
      assertThat(first.closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }
  }

  /**
   * An upgrade the server does not accept (its path is no WebSocket route) is an ordinary request:
   * the requests pipelined behind it are served as HTTP, in order.
   */
  @Test
  void requestsBehindAnUpgradeNotAcceptedAreServed() {
    try (RawClient c = RawClient.connect(client.port(), Duration.ofSeconds(10))) {
      c.send(Frames.upgrade("/plain", "") + GET + GET);
      assertThat(c.read(3)).extracting(RawResponse::status, RawResponse::text)
          .containsOnly(tuple(200, "plain"));
      assertThat(c.send(GET).read().status()).isEqualTo(200);
    }
  }
}
