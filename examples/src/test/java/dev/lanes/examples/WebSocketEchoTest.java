package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both echo routes, with the JDK's WebSocket client: a text and a binary message each. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketEchoTest {

  @Test
  void blockingEchoReturnsTextAndBinary() throws Exception {
    assertEchoes("/ws/echo");
  }

  @Test
  void asyncEchoReturnsTextAndBinary() throws Exception {
    assertEchoes("/ws/echo-async");
  }

  @Test
  void blockingSessionsRunInTheWebsocketsLane() throws Exception {
    App app = WebSocketEcho.addTo(App.builder()).build();
    try (TestClient client = TestClient.start(app)) {
      Echoes echoes = new Echoes(1);
      WebSocket ws = connect(client, "/ws/echo", echoes);
      ws.sendText("held", true).join();
      echoes.all.get(30, TimeUnit.SECONDS);
      assertThat(app.lanes().get("websockets").statistics().borrowed()).isEqualTo(1);
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }
  }

  private static void assertEchoes(String path) throws Exception {
    try (TestClient client = TestClient.start(WebSocketEcho.addTo(App.builder()).build())) {
      Echoes echoes = new Echoes(2);
      WebSocket ws = connect(client, path, echoes);
      ws.sendText("héllo", true).join();
      ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}), true).join();
      assertThat(echoes.all.get(30, TimeUnit.SECONDS)).containsExactly("text:héllo", "binary:00 01 02 ff");
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }
  }

  private static WebSocket connect(TestClient client, String path, Echoes echoes) {
    return HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + client.port() + path), echoes).join();
  }

  /** Records each whole message as "text:..." or "binary:hex". */
  private static final class Echoes implements WebSocket.Listener {
    final CompletableFuture<List<String>> all = new CompletableFuture<>();
    private final List<String> got = new CopyOnWriteArrayList<>();
    private final int expected;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    Echoes(int expected) {
      this.expected = expected;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        add("text:" + text);
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        StringBuilder hex = new StringBuilder();
        for (byte b : binary.toByteArray()) {
          hex.append(hex.isEmpty() ? "" : " ").append(String.format("%02x", b & 0xff));
        }
        add("binary:" + hex);
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    private void add(String message) {
      got.add(message);
      if (got.size() == expected) {
        all.complete(List.copyOf(got));
      }
    }
  }
}
