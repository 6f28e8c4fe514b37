package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.websocket.Frames.Frame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server shutdown tells open sessions 1001 and lets their handlers end before the app's
 * shutdown hooks close what those handlers may still use (uvicorn waits for its WebSocket tasks
 * before the lifespan shutdown too).
 */
class WebSocketShutdownTest {
  /**
   * How long a handler's cleanup watches for the shutdown hook running under it: with the hooks
   * ordered after it, the hook never comes and the watch ends at this bound.
   */
  private static final Duration WATCH = Duration.ofSeconds(1);

  @Test
  void aBlockingHandlerToldOf1001EndsBeforeTheShutdownHooksRun() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    CountDownLatch hookRan = new CountDownLatch(1);
    App app = App.builder()
        .websocket("/ws", ws -> {
          try {
            while (true) {
              ws.receive();
            }
          } catch (WebSocketClosedException e) {
            log.add("handler told " + e.code());
            // Cleanup that still uses what a shutdown hook closes.
            log.add(hookRan.await(WATCH.toMillis(), TimeUnit.MILLISECONDS)
                ? "handler cleanup with the hook already run" : "handler cleanup done");
          }
        })
        .onShutdown(s -> {
          log.add("shutdown hook");
          hookRan.countDown();
        })
        .build();
    assertHandlerEndsFirst(app, log);
  }

  @Test
  void anAsyncHandlersOnCloseEndsBeforeTheShutdownHooksRun() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    CountDownLatch hookRan = new CountDownLatch(1);
    App app = App.builder()
        .websocketAsync("/ws", new AsyncWebSocketHandler() {
          @Override
          public void onMessage(AsyncWebSocket ws, Message message) {}

          @Override
          public void onClose(AsyncWebSocket ws, int code, String reason) throws InterruptedException {
            log.add("handler told " + code);
            log.add(hookRan.await(WATCH.toMillis(), TimeUnit.MILLISECONDS)
                ? "handler cleanup with the hook already run" : "handler cleanup done");
          }
        })
        .onShutdown(s -> {
          log.add("shutdown hook");
          hookRan.countDown();
        })
        .build();
    assertHandlerEndsFirst(app, log);
  }

  private static void assertHandlerEndsFirst(App app, List<String> log) throws Exception {
    TestClient client = TestClient.start(app);
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws", "")).startsWith("HTTP/1.1 101");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(client::close);
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe9})); // answer 1001
      stopping.get(30, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
    assertThat(log).containsExactly("handler told 1001", "handler cleanup done", "shutdown hook");
  }
}
