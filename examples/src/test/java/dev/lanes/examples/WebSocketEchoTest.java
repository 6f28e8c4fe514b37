package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestWebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both echo routes, over {@link TestWebSocket}: a text and a binary message each. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketEchoTest {

  @Test
  void blockingEchoReturnsTextAndBinary() {
    assertEchoes("/ws/echo");
  }

  @Test
  void asyncEchoReturnsTextAndBinary() {
    assertEchoes("/ws/echo-async");
  }

  @Test
  void blockingSessionsRunInTheWebsocketsLane() {
    App app = WebSocketEcho.addTo(App.builder()).build();
    try (TestClient client = TestClient.start(app); TestWebSocket ws = client.websocket("/ws/echo")) {
      ws.sendText("held");
      assertThat(ws.receiveText()).isEqualTo("held");
      assertThat(app.lanes().get("websockets").statistics().borrowed()).isEqualTo(1);
    }
  }

  private static void assertEchoes(String path) {
    try (TestClient client = TestClient.start(WebSocketEcho.addTo(App.builder()).build());
        TestWebSocket ws = client.websocket(path)) {
      ws.sendText("héllo");
      ws.sendBytes(new byte[] {0, 1, 2, (byte) 255});
      assertThat(ws.receiveText()).isEqualTo("héllo");
      assertThat(ws.receiveBytes()).containsExactly(new byte[] {0, 1, 2, (byte) 255});
    }
  }
}
