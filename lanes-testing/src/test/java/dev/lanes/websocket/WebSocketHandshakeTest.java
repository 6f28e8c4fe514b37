package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The opening handshake's edges (RFC 6455 section 4.2.1): what the server must refuse rather than
 * answer with 101, and that a refused upgrade holds no lane token.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketHandshakeTest {
  private static TestClient client;
  private static App app;

  @BeforeAll
  static void start() {
    app = App.builder()
        .lane(Lane.builder("one").capacity(1).maxWaiting(0))
        .websocket("/ws/one", WebSocketOptions.defaults().lane("one"), ws -> {
          while (true) {
            ws.send(ws.receive());
          }
        })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static String upgradeWithKey(String key) {
    return "GET /ws/one HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  /** RFC 6455 4.2.1 item 5: the key is base64 of 16 bytes; anything else is answered 400. */
  @Test
  void aKeyThatIsNotBase64OfSixteenBytesGets400() {
    for (String key : new String[] {"not base64!", "c2hvcnQ=", "dGhlIHNhbXBsZSBub25jZSB0b28gbG9uZw=="}) {
      try (RawClient c = RawClient.connect(client.port())) {
        c.send(upgradeWithKey(key));
        assertThat(c.read().status()).as("key " + key).isEqualTo(400);
      }
    }
    Lane one = app.lanes().get("one");
    Await.until(Duration.ofSeconds(5), () -> one.statistics().borrowed() == 0, "no token held by a refused upgrade");
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/one", "")).startsWith("HTTP/1.1 101");
    }
  }

  /** Connection is a list and Upgrade's token is case-insensitive (RFC 9110 7.6.1, RFC 6455 4.2.1). */
  @Test
  void aConnectionListAndAnyCaseOfWebSocketUpgrade() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET /ws/one HTTP/1.1\r\nHost: localhost\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      assertThat(c.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101");
      c.send(Frames.text("hi"));
      assertThat(Frames.read(c).text()).isEqualTo("hi");
    }
  }

  /**
   * RFC 9110 7.8: a server ignores Upgrade in an HTTP/1.0 request, and RFC 6455 4.2.1 asks for
   * HTTP/1.1 or higher: no 101, and no session takes the lane's token.
   */
  @Test
  void anHttp10UpgradeIsNotSwitched() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET /ws/one HTTP/1.0\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(426);
    }
    Lane one = app.lanes().get("one");
    Await.until(Duration.ofSeconds(5), () -> one.statistics().borrowed() == 0, "no token held by a refused upgrade");
  }
}
