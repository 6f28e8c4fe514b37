package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.internal.server.Admission;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.websocket.Frames.Frame;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server shutdown tells open sessions 1001 and lets their handlers end before the app's
 * shutdown hooks close what those handlers may still use (uvicorn waits for its WebSocket tasks
 * before the lifespan shutdown too).
 */
class WebSocketShutdownTest {

  /** The two ways a handler ends: where each runs its cleanup once told of the close. */
  enum Handler {
    BLOCKING("a blocking handler returning") {
      @Override
      App.Builder route(App.Builder app, Cleanup cleanup) {
        return app.websocket("/ws", ws -> {
          try {
            while (true) {
              ws.receive();
            }
          } catch (WebSocketClosedException e) {
            cleanup.run(e.code());
          }
        });
      }
    },
    ASYNC("an async handler's onClose returning") {
      @Override
      App.Builder route(App.Builder app, Cleanup cleanup) {
        return app.websocketAsync("/ws", new AsyncWebSocketHandler() {
          @Override
          public void onMessage(AsyncWebSocket ws, Message message) {}

          @Override
          public void onClose(AsyncWebSocket ws, int code, String reason) throws InterruptedException {
            cleanup.run(code);
          }
        });
      }
    };

    private final String description;

    Handler(String description) {
      this.description = description;
    }

    /** Adds {@code /ws}, whose handler runs {@code cleanup} with the close code it was told. */
    abstract App.Builder route(App.Builder app, Cleanup cleanup);

    @Override
    public String toString() {
      return description;
    }
  }

  /** What a handler does once told its session closed. */
  @FunctionalInterface
  interface Cleanup {
    void run(int code) throws InterruptedException;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource
  void aHandlerToldOf1001EndsBeforeTheShutdownHooksRun(Handler handler) throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    CountDownLatch cleaningUp = new CountDownLatch(1);
    CountDownLatch cleanupMayEnd = new CountDownLatch(1);
    App app = handler.route(App.builder(), code -> {
          log.add("handler told " + code);
          cleaningUp.countDown();
          cleanupMayEnd.await(); // cleanup that still uses what a shutdown hook closes
          log.add("handler cleanup done");
        })
        .onShutdown(s -> log.add("shutdown hook"))
        .build();
    TestClient client = TestClient.start(app);
    FutureTask<Void> stopping = new FutureTask<>(client::close, null);
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws", "")).startsWith("HTTP/1.1 101");
      Thread closer = Thread.ofPlatform().name("closer").start(stopping);
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe9})); // answer 1001
      assertThat(cleaningUp.await(10, TimeUnit.SECONDS)).as("handler told").isTrue();
      // The order's positive sign, instead of watching a while for a hook that must not come:
      // the close parked in the drain's wait while the handler still cleans up. Hooks that did
      // not wait for the handler run now instead, and the log shows them too early.
      Await.until(() -> waitsInTheDrain(closer) || log.contains("shutdown hook"),
          "the close waiting in the drain for the handler");
      cleanupMayEnd.countDown();
      stopping.get(30, TimeUnit.SECONDS);
    } finally {
      cleanupMayEnd.countDown();
      client.close();
    }
    assertThat(log).containsExactly("handler told 1001", "handler cleanup done", "shutdown hook");
  }

  /**
   * Whether {@code closer} is waiting inside the drain's wait for what is still in flight (the
   * shutdown hooks come only after it). One stack sample: parked in {@code Object.wait} under
   * {@link Admission#awaitNoneInFlight}, which waits only while something is in flight.
   */
  private static boolean waitsInTheDrain(Thread closer) {
    StackTraceElement[] stack = closer.getStackTrace();
    return stack.length > 0 && stack[0].getClassName().equals(Object.class.getName())
        && Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(Admission.class.getName())
            && f.getMethodName().equals("awaitNoneInFlight"));
  }
}
