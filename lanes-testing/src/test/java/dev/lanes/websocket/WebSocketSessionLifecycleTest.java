package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.websocket.Frames.Frame;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a WebSocket session begins and ends, over real sockets: an unusable extension offer is
 * declined and never strands the session's lane token; after {@code close()} the session is not
 * open and refuses sends, and no data frame follows the close frame; the close handshake completes
 * promptly even if the handler left messages unread; a peer counts as alive while any bytes arrive,
 * even mid-frame; and each ping's timeout judges that ping only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketSessionLifecycleTest {
  private static final java.util.concurrent.LinkedBlockingQueue<String> AFTER_CLOSE =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private static final CompletableFuture<Integer> PATIENT_END = new CompletableFuture<>();
  private static final java.util.concurrent.CountDownLatch READ_ONE_RETURNED = new java.util.concurrent.CountDownLatch(1);
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
        .websocket("/ws/close-then-send", ws -> {
          Thread.sleep(100); // the connection's loop has gone idle, as in a session that ran a while
          ws.close(4000, "bye");
          boolean open = ws.isOpen();
          String send;
          try {
            ws.sendText("after close");
            send = "sent";
          } catch (WebSocketClosedException e) {
            send = "refused " + e.code();
          }
          AFTER_CLOSE.add("isOpen()=" + open + ", send " + send);
        })
        .websocket("/ws/read-one", ws -> {
          ws.receive(); // reads one message and is done: returning closes with 1000
          READ_ONE_RETURNED.countDown();
        })
        .websocket("/ws/slow-upload", WebSocketOptions.defaults().ping(Duration.ofMillis(300), Duration.ofMillis(300)),
            ws -> {
              while (true) {
                ws.sendText("got " + ws.receive().size());
              }
            })
        .websocket("/ws/patient-ping", WebSocketOptions.defaults().ping(Duration.ofMillis(100), Duration.ofMillis(1000)),
            ws -> {
              try {
                while (true) {
                  ws.receive();
                }
              } catch (WebSocketClosedException e) {
                PATIENT_END.complete(e.code());
              }
            })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  /**
   * RFC 7692 section 5: a permessage-deflate offer with an invalid parameter value is declined;
   * the session opens without compression, and its lane token comes back when it ends.
   */
  @Test
  void aMalformedDeflateOfferIsDeclinedAndTheSessionsLaneTokenComesBack() {
    Lane one = app.lanes().get("one");
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/one",
          "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=abc\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-extensions");
      c.send(Frames.text("hi"));
      assertThat(Frames.read(c).text()).isEqualTo("hi");
    }
    Await.until(Duration.ofSeconds(5), () -> one.statistics().borrowed() == 0,
        "the token of the session that never opened returned (borrowed now " + one.statistics().borrowed() + ")");
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/one", "")).startsWith("HTTP/1.1 101");
    }
  }

  /**
   * RFC 6455 5.5.1: after sending a Close frame an endpoint must not send further data frames.
   * The handler closes, then sends: the send must be refused, and nothing may follow the close.
   */
  @Test
  void aSendAfterCloseIsRefusedAndNoDataFrameFollowsTheCloseFrame() throws Exception {
    java.util.List<String> seen = new java.util.ArrayList<>();
    for (int attempt = 0; attempt < 20; attempt++) {
      try (RawClient c = RawClient.connect(client.port())) {
        assertThat(Frames.open(c, "/ws/close-then-send", "")).startsWith("HTTP/1.1 101");
        Frame close = Frames.read(c);
        assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
        assertThat(close.closeCode()).isEqualTo(4000);
        String handler = AFTER_CLOSE.poll(10, TimeUnit.SECONDS);
        c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x0f, (byte) 0xa0})); // echo 4000
        Frame next = null;
        try {
          next = Frames.read(c);
        } catch (UncheckedIOException expected) {
          // the connection ended after the close frame: right
        }
        seen.add(handler + ", after the close frame: "
            + (next == null ? "nothing" : "opcode " + next.opcode() + " '" + next.text() + "'"));
      }
    }
    assertThat(seen).allMatch(s -> s.equals("isOpen()=false, send refused 4000, after the close frame: nothing"));
  }

  /**
   * A handler that returns while 16+ messages are unread (reading paused) still completes the close
   * handshake: once its close frame is out the server reads again, drops the unread data frames,
   * sees the peer's answering close and closes TCP at once, not after the ping timeout (15 s).
   */
  @Test
  void aHandlerReturningWithUnreadMessagesCompletesTheCloseHandshakePromptly() throws Exception {
    try (RawClient c = RawClient.connect(client.port(), Duration.ofSeconds(5))) {
      assertThat(Frames.open(c, "/ws/read-one", "")).startsWith("HTTP/1.1 101");
      for (int i = 0; i < 20; i++) {
        c.send(Frames.text("m" + i));
      }
      assertThat(READ_ONE_RETURNED.await(10, TimeUnit.SECONDS)).isTrue();
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.NORMAL);
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe8})); // answer 1000
      assertThat(c.closedByServer()).as("TCP closed by the server within 5 s of the close answer").isTrue();
    }
  }

  /**
   * A peer busy sending one large frame over a slow link is alive while its bytes keep arriving,
   * though it cannot answer a ping until the frame is done (control frames go between frames).
   */
  @Test
  void aPeerSendingALargeFrameSlowlyIsNotTakenForDead() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/slow-upload", "")).startsWith("HTTP/1.1 101");
      byte[] frame = Frames.frame(Frames.BINARY, true, false, new byte[60_000]);
      int chunk = frame.length / 30 + 1;
      long started = System.nanoTime();
      try {
        for (int off = 0; off < frame.length; off += chunk) {
          c.send(Arrays.copyOfRange(frame, off, Math.min(frame.length, off + chunk)));
          Thread.sleep(50); // a slow link: ~1.5 s for the frame, bytes arriving every 50 ms
        }
        c.send(Frames.frame(Frames.PONG, true, false, new byte[0])); // answer the ping(s) now we can
        Frame f;
        do {
          f = Frames.read(c);
        } while (f.opcode() == Frames.PING);
        assertThat(f.opcode()).isEqualTo(Frames.TEXT);
        assertThat(f.text()).isEqualTo("got 60000");
      } catch (UncheckedIOException e) {
        throw new AssertionError("connection cut " + Duration.ofNanos(System.nanoTime() - started).toMillis()
            + " ms into a frame whose bytes kept arriving every 50 ms: " + e.getMessage(), e);
      }
    }
  }

  /**
   * pingTimeout 1 s, pingInterval 100 ms; the peer answers every ping after 150 ms. A ping's
   * timeout check must judge that ping only, not whichever ping is outstanding when it fires.
   */
  @Test
  void aPeerAnsweringEveryPingWellWithinTheTimeoutStaysConnected() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/patient-ping", "")).startsWith("HTTP/1.1 101");
      long started = System.nanoTime();
      int answered = 0;
      try {
        while (answered < 8) {
          Frame f = Frames.read(c);
          if (f.opcode() == Frames.PING) {
            Thread.sleep(150); // a slow but live peer: well within the 1 s timeout
            c.send(Frames.frame(Frames.PONG, true, false, f.payload()));
            answered++;
          }
        }
      } catch (UncheckedIOException e) {
        throw new AssertionError("closed after " + Duration.ofNanos(System.nanoTime() - started).toMillis()
            + " ms and " + answered + " pings each answered in 150 ms (timeout 1000 ms); session ended with "
            + PATIENT_END.getNow(null) + ": " + e.getMessage(), e);
      }
      assertThat(PATIENT_END).isNotDone();
    }
  }
}
