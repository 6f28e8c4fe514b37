package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.websocket.Frames.Frame;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking session whose peer goes away while its handler is blocked outside receive/send
 * (a sleep, a queue, a database call) is cancelled as an HTTP handler is when its client leaves:
 * its thread is interrupted and its lane token comes back, counted as a cancelled task. A handler
 * waiting in receive learns of the end from {@link WebSocketClosedException} instead, and is
 * not interrupted, so its cleanup runs as usual.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketDisconnectTest {
  private static final CountDownLatch SLEEPING = new CountDownLatch(1);
  private static final CompletableFuture<String> SLEEP_ENDED = new CompletableFuture<>();
  private static final CountDownLatch TAKING = new CountDownLatch(1);
  private static final CompletableFuture<String> TAKE_ENDED = new CompletableFuture<>();
  private static final CompletableFuture<WebSocket> KICKABLE = new CompletableFuture<>();
  private static final CompletableFuture<String> KICKED_ENDED = new CompletableFuture<>();
  private static final CompletableFuture<Thread> RECEIVER = new CompletableFuture<>();
  private static final CompletableFuture<String> RECEIVE_ENDED = new CompletableFuture<>();
  private static final CountDownLatch BACKLOGGED = new CountDownLatch(1);
  private static final CompletableFuture<Thread> SENDER = new CompletableFuture<>();
  private static final CompletableFuture<String> SEND_ENDED = new CompletableFuture<>();
  private static final CountDownLatch PUSHING = new CountDownLatch(1);
  private static final CompletableFuture<String> PUSH_ENDED = new CompletableFuture<>();
  private static TestClient client;
  private static App app;

  @BeforeAll
  static void start() {
    app = App.builder()
        .lane(Lane.builder("sleep").capacity(1).maxWaiting(0))
        .lane(Lane.builder("take").capacity(1).maxWaiting(0))
        .lane(Lane.builder("kick").capacity(1).maxWaiting(0))
        .lane(Lane.builder("receive").capacity(1).maxWaiting(0))
        .lane(Lane.builder("send").capacity(1).maxWaiting(0))
        .lane(Lane.builder("push").capacity(1).maxWaiting(0))
        .websocket("/ws/sleep", WebSocketOptions.defaults().lane("sleep"), ws -> {
          SLEEPING.countDown();
          try {
            Thread.sleep(60_000);
            SLEEP_ENDED.complete("slept a minute");
          } catch (InterruptedException e) {
            SLEEP_ENDED.complete("interrupted");
          }
        })
        .websocket("/ws/take", WebSocketOptions.defaults().lane("take"), ws -> {
          LinkedBlockingQueue<String> quietTopic = new LinkedBlockingQueue<>();
          TAKING.countDown();
          try {
            ws.sendText(quietTopic.take()); // a push-only session: nothing is ever published
          } catch (InterruptedException e) {
            TAKE_ENDED.complete("interrupted");
            throw e;
          }
        })
        .websocket("/ws/kick", WebSocketOptions.defaults().lane("kick"), ws -> {
          KICKABLE.complete(ws);
          try {
            Thread.sleep(60_000);
            KICKED_ENDED.complete("slept a minute");
          } catch (InterruptedException e) {
            KICKED_ENDED.complete("interrupted");
          }
        })
        .websocket("/ws/receive", WebSocketOptions.defaults().lane("receive"), ws -> {
          RECEIVER.complete(Thread.currentThread());
          try {
            ws.receive();
          } catch (WebSocketClosedException e) {
            RECEIVE_ENDED.complete("closed " + e.code() + ", interrupted " + Thread.currentThread().isInterrupted());
          }
        })
        .websocket("/ws/send", WebSocketOptions.defaults().lane("send").sendTimeout(Duration.ofSeconds(60))
            .ping(Duration.ofSeconds(60), Duration.ofSeconds(60)), ws -> {
              SENDER.complete(Thread.currentThread());
              try {
                while (true) {
                  ws.sendBinary(new byte[256 * 1024]);
                }
              } catch (WebSocketClosedException e) {
                SEND_ENDED.complete("closed " + e.code());
              }
            })
        .websocket("/ws/push", WebSocketOptions.defaults().lane("push")
            .ping(Duration.ofMillis(200), Duration.ofMillis(200)), ws -> {
              LinkedBlockingQueue<String> quietTopic = new LinkedBlockingQueue<>();
              PUSHING.countDown();
              try {
                ws.sendText(quietTopic.take()); // push-only: never receives what the peer sends
              } catch (InterruptedException e) {
                PUSH_ENDED.complete("interrupted");
                throw e;
              }
            })
        .websocketAsync("/ws/backlog", WebSocketOptions.defaults().maxQueuedBytes(64 * 1024 * 1024)
            .ping(Duration.ofSeconds(30), Duration.ofMillis(500)), new AsyncWebSocketHandler() {
              @Override
              public void onOpen(AsyncWebSocket ws) {
                for (int i = 0; i < 16; i++) { // more than the kernel's buffers take: Netty holds the rest
                  ws.sendBinary(new byte[1024 * 1024]);
                }
                BACKLOGGED.countDown();
              }

              @Override
              public void onMessage(AsyncWebSocket ws, Message message) {}
            })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static LaneStatistics lane(String name) {
    return app.lanes().get(name).statistics();
  }

  private static void awaitTokenBack(String name) {
    Await.until(Duration.ofSeconds(10), () -> lane(name).borrowed() == 0,
        "the session's token of lane " + name + " came back (borrowed now " + lane(name).borrowed() + ")");
  }

  /** TCP close while the handler sleeps: the sleep is interrupted, the token comes back at once. */
  @Test
  void aHandlerSleepingWhenThePeerDisconnectsIsInterruptedAndItsTokenComesBack() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/sleep", "")).startsWith("HTTP/1.1 101");
      assertThat(SLEEPING.await(10, TimeUnit.SECONDS)).isTrue();
    } // the client goes away without a close frame
    assertThat(SLEEP_ENDED.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted");
    awaitTokenBack("sleep");
    Await.until(() -> lane("sleep").cancelled() == 1, "counted as cancelled: " + lane("sleep"));
    assertThat(lane("sleep").completed()).isZero();
  }

  /** A close handshake the peer starts ends a push-only session blocked on its (quiet) queue. */
  @Test
  void aPushOnlyHandlerBlockedOnItsQueueIsCancelledByThePeersCloseFrame() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/take", "")).startsWith("HTTP/1.1 101");
      assertThat(TAKING.await(10, TimeUnit.SECONDS)).isTrue();
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe8})); // 1000
      Frame echo = Frames.read(c);
      assertThat(echo.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(echo.closeCode()).isEqualTo(CloseCodes.NORMAL);
      assertThat(TAKE_ENDED.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted");
    }
    awaitTokenBack("take");
    Await.until(() -> lane("take").cancelled() == 1, "counted as cancelled: " + lane("take"));
  }

  /** Another thread closes the session (a kick, a broadcast dropping a slow peer): the busy handler is cancelled. */
  @Test
  void aSessionClosedByAnotherThreadCancelsItsBusyHandler() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/kick", "")).startsWith("HTTP/1.1 101");
      KICKABLE.get(10, TimeUnit.SECONDS).close(4001, "kicked");
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(4001);
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x0f, (byte) 0xa1})); // answer 4001
      assertThat(KICKED_ENDED.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted");
    }
    awaitTokenBack("kick");
  }

  /**
   * A peer that sends its close frame and then stops reading: the echo waits behind unsent data
   * for good, so the server closes the connection after the ping timeout, as it does when it
   * started the close itself.
   */
  @Test
  void aPeerThatClosesAndStopsReadingIsCutAfterThePingTimeout() throws Exception {
    try (RawClient c = RawClient.connectWithReceiveBuffer(client.port(), 4096)) {
      assertThat(Frames.open(c, "/ws/backlog", "")).startsWith("HTTP/1.1 101");
      assertThat(BACKLOGGED.await(10, TimeUnit.SECONDS)).isTrue();
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe8})); // 1000, then never reads
      Await.until(Duration.ofSeconds(10), () -> client.server().statistics().connections() == 0,
          "the server closed the connection (open: " + client.server().statistics().connections() + ")");
    }
  }

  /**
   * A send waiting for a peer that stopped reading ends when the peer's close frame arrives, not
   * after the send timeout: the session is over, and the token comes back.
   */
  @Test
  void aSendWaitingOnANonReadingPeerEndsWhenThePeerCloses() throws Exception {
    try (RawClient c = RawClient.connectWithReceiveBuffer(client.port(), 4096)) {
      assertThat(Frames.open(c, "/ws/send", "")).startsWith("HTTP/1.1 101");
      Thread sender = SENDER.get(10, TimeUnit.SECONDS);
      Await.until(() -> sender.getState() == Thread.State.TIMED_WAITING, "the handler waits in send");
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe8})); // 1000, then never reads
      assertThat(SEND_ENDED.get(10, TimeUnit.SECONDS)).isEqualTo("closed 1000");
    }
    awaitTokenBack("send");
  }

  /**
   * A push-only handler never takes the peer's messages, so past the pause the server stopped
   * reading for good: the peer's close frame (or its pongs) waited unread, unanswered, and the
   * session and its token stayed until the peer's TCP connection went. Paused a whole ping
   * interval without the handler taking a message, the session gets the ping timeout, as a ping
   * left unanswered does, and is then closed with 1011.
   */
  @Test
  void aSessionWhoseHandlerTakesNoMessageWhilePausedIsClosedAfterThePingTimeout() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/push", "")).startsWith("HTTP/1.1 101");
      assertThat(PUSHING.await(10, TimeUnit.SECONDS)).isTrue();
      // Past the 16 unread messages that pause reading, by far more than one read's 64 KiB, so the
      // close frame waits behind the pause; sent by another thread, as the kernel's buffers may fill.
      byte[] heartbeat = Frames.frame(Frames.BINARY, true, false, new byte[8 * 1024]);
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 2 * 16; i++) {
          c.send(heartbeat);
        }
        c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe8})); // 1000
      });
      Frame close = Frames.read(c);
      while (close.opcode() == Frames.PING) {
        close = Frames.read(c);
      }
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
      sent.get(10, TimeUnit.SECONDS);
      assertThat(PUSH_ENDED.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted");
    }
    awaitTokenBack("push");
  }

  /** The usual end: receive throws WebSocketClosedException, and what follows runs uninterrupted. */
  @Test
  void aHandlerWaitingInReceiveLearnsOfTheEndWithoutAnInterrupt() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/receive", "")).startsWith("HTTP/1.1 101");
      Thread receiver = RECEIVER.get(10, TimeUnit.SECONDS);
      // Parked: its only blocking call is receive's wait for the next message.
      Await.until(() -> receiver.getState() == Thread.State.WAITING, "the handler waits in receive");
    }
    assertThat(RECEIVE_ENDED.get(10, TimeUnit.SECONDS)).isEqualTo("closed 1006, interrupted false");
    awaitTokenBack("receive");
    Await.until(() -> lane("receive").completed() == 1, "counted as completed: " + lane("receive"));
    assertThat(lane("receive").cancelled()).isZero();
  }
}
