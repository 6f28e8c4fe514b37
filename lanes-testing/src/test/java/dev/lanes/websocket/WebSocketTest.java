package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestWebSocket;
import dev.lanes.websocket.Frames.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WebSocket routes over real sockets: {@link TestWebSocket} for messages, raw frames for the edges. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketTest {
  private static final int SMALL_LANE = 2;
  private static final CompletableFuture<Integer> KILLED_CLIENT_CODE = new CompletableFuture<>();
  private static final CompletableFuture<Integer> DEAD_PEER_CODE = new CompletableFuture<>();
  private static final CompletableFuture<WebSocketClosedException> FLOOD_STOPPED = new CompletableFuture<>();
  private static final CountDownLatch HOLDING = new CountDownLatch(SMALL_LANE);
  private static final CountDownLatch RELEASE = new CountDownLatch(1);
  private static final CountDownLatch TAKE_NOW = new CountDownLatch(1);
  private static final int LATER_MESSAGES = 60;
  // Reasons longer than a close frame holds: one-, two- and four-byte characters, and one whose
  // cut at 123 bytes falls inside a character (a, then 4-byte emoji: 1 + 30*4 = 121, the next ends at 125).
  private static final List<String> LONG_REASONS = List.of("x".repeat(200), "é".repeat(100),
      "\uD83D\uDE00".repeat(40), "a" + "\uD83D\uDE00".repeat(40), "short reason");

  private static TestClient client;
  private static App app;

  @BeforeAll
  static void start() {
    app = App.builder()
        .lane(Lane.builder("small").capacity(SMALL_LANE).maxWaiting(0))
        .lane(Lane.builder("single").capacity(1).maxWaiting(0))
        .middleware(next -> req -> req.path().startsWith("/ws/private") && req.header("x-token").isEmpty()
            ? CompletableFuture.completedFuture(Response.text(401, "no token").withHeader("WWW-Authenticate", "Token"))
            : next.call(req))
        .get("/plain", req -> Response.text("plain"))
        .websocket("/ws/echo", WebSocketTest::echo)
        .websocketAsync("/ws/echo-async", (ws, message) -> ws.sendAsync(message))
        .websocket("/ws/private", WebSocketTest::echo)
        .websocket("/ws/hold", WebSocketOptions.defaults().lane("small"), ws -> {
          HOLDING.countDown();
          RELEASE.await();
        })
        .websocket("/ws/take-later", ws -> {
          TAKE_NOW.await();
          long bytes = 0;
          for (int i = 0; i < LATER_MESSAGES; i++) {
            bytes += ((Message.Binary) ws.receive()).data().length;
          }
          ws.sendText(LATER_MESSAGES + " messages, " + bytes + " bytes");
        })
        .websocket("/ws/small-messages", WebSocketOptions.defaults().maxFrameSize(1024).maxMessageSize(1024),
            WebSocketTest::echo)
        .websocket("/ws/single", WebSocketOptions.defaults().lane("single"), WebSocketTest::echo)
        .websocketAsync("/ws/fail-async", (ws, message) -> {
          throw new IllegalStateException("async handler bug");
        })
        .websocket("/ws/fail", ws -> {
          ws.receive();
          throw new IllegalStateException("handler bug");
        })
        .websocket("/ws/fail-error", ws -> {
          ws.receive();
          throw new AssertionError("a failed assert in the handler");
        })
        .websocketAsync("/ws/fail-error-async", (ws, message) -> {
          throw new AssertionError("a failed assert in the async handler");
        })
        .websocket("/ws/close/{code}", ws -> {
          try {
            ws.close(ws.request().pathParams().getInt("code"), "as asked");
          } catch (IllegalArgumentException refused) {
            ws.close(CloseCodes.POLICY_VIOLATION, "refused");
          }
        })
        .websocket("/ws/close-reason/{kind}", ws -> ws.close(CloseCodes.NORMAL,
            LONG_REASONS.get(ws.request().pathParams().getInt("kind"))))
        .websocket("/ws/wait-for-close", ws -> {
          try {
            ws.receive();
          } catch (WebSocketClosedException e) {
            KILLED_CLIENT_CODE.complete(e.code());
          }
        })
        .websocket("/ws/ping-fast", WebSocketOptions.defaults().ping(Duration.ofMillis(50), Duration.ofMillis(50)), ws -> {
          try {
            ws.receive();
          } catch (WebSocketClosedException e) {
            DEAD_PEER_CODE.complete(e.code());
          }
        })
        .websocket("/ws/flood", WebSocketOptions.defaults().sendTimeout(Duration.ofMillis(200)), ws -> {
          byte[] chunk = new byte[64 * 1024];
          try {
            while (true) {
              ws.sendBinary(chunk);
            }
          } catch (WebSocketClosedException e) {
            FLOOD_STOPPED.complete(e);
          }
        })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    RELEASE.countDown();
    client.close();
  }

  private static void echo(WebSocket ws) throws Exception {
    while (true) {
      ws.send(ws.receive());
    }
  }

  @Test
  void blockingEchoReturnsTenThousandNumberedMessagesInOrder() {
    assertThat(numbered("/ws/echo", 10_000)).isEqualTo(expected(10_000));
  }

  @Test
  void asyncEchoReturnsTenThousandNumberedMessagesInOrder() {
    assertThat(numbered("/ws/echo-async", 10_000)).isEqualTo(expected(10_000));
  }

  @Test
  void binaryMessagesComeBackByteForByte() {
    byte[] data = new byte[100_000];
    new java.util.Random(7).nextBytes(data);
    try (TestWebSocket ws = client.websocket("/ws/echo")) {
      ws.sendBytes(data);
      assertThat(ws.receiveBytes()).isEqualTo(data);
    }
  }

  @Test
  void upgradePastALaneFullOfSessionsGets503AndTheLaneIsNotOverbooked() {
    List<RawClient> holders = new ArrayList<>();
    try {
      for (int i = 0; i < SMALL_LANE; i++) {
        RawClient c = RawClient.connect(client.port());
        holders.add(c);
        assertThat(Frames.open(c, "/ws/hold", "")).startsWith("HTTP/1.1 101");
      }
      Await.until(() -> HOLDING.getCount() == 0, "both sessions running");
      try (RawClient third = RawClient.connect(client.port())) {
        third.send(Frames.upgrade("/ws/hold", ""));
        var refused = third.read();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("retry-after")).isPresent();
      }
      assertThat(app.lanes().get("small").statistics().borrowed()).isEqualTo(SMALL_LANE);
    } finally {
      holders.forEach(RawClient::close);
    }
  }

  @Test
  void middlewareRefusesTheUpgradeBeforeAnyTokenIsTaken() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(Frames.upgrade("/ws/private", ""));
      var refused = c.read();
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("www-authenticate")).contains("Token");
    }
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/private", "X-Token: yes\r\n")).startsWith("HTTP/1.1 101");
      c.send(Frames.text("let in"));
      assertThat(Frames.read(c).text()).isEqualTo("let in");
    }
  }

  @Test
  void aPlainGetOnAWebSocketRouteGets426() {
    assertThat(client.get("/ws/echo").status()).isEqualTo(426);
  }

  @Test
  void aMessageOverTheLimitClosesWith1009() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/small-messages", "");
      c.send(Frames.text("x".repeat(2000)));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }
  }

  @Test
  void fragmentsJoiningPastTheLimitCloseWith1009() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/small-messages", "");
      byte[] part = "y".repeat(600).getBytes(StandardCharsets.UTF_8);
      c.send(Frames.frame(Frames.TEXT, false, false, part));
      c.send(Frames.frame(Frames.CONTINUATION, true, false, part));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }
  }

  @Test
  void aHandlerThatThrowsClosesWith1011() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/fail", "");
      c.send(Frames.text("boom"));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }
  }

  @Test
  void anAsyncHandlerThatThrowsClosesWith1011() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/fail-async", "");
      c.send(Frames.text("boom"));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }
  }

  /** An Error (a failed assert) is a failure too: 1011, not a session left open with nobody reading it. */
  @Test
  void aHandlerThatThrowsAnErrorClosesWith1011() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/fail-error", "");
      c.send(Frames.text("boom"));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }
  }

  @Test
  void anAsyncHandlerThatThrowsAnErrorClosesWith1011() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/fail-error-async", "");
      c.send(Frames.text("boom"));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }
  }

  /**
   * RFC 6455 5.5: a close frame's payload is at most 125 bytes, 2 of them the code, so a reason
   * keeps up to 123 bytes of UTF-8 (cut on a character boundary, so it stays UTF-8, which 8.1
   * requires); it was cut at 40 UTF-16 chars, a third of what fits for ASCII, and in the middle
   * of a surrogate pair for four-byte characters.
   */
  @Test
  void aLongCloseReasonIsCutAt123BytesOnACharacterBoundary() throws Exception {
    List<String> expected = List.of("x".repeat(123), "é".repeat(61), "\uD83D\uDE00".repeat(30),
        "a" + "\uD83D\uDE00".repeat(30), "short reason");
    for (int kind = 0; kind < LONG_REASONS.size(); kind++) {
      try (RawClient c = RawClient.connect(client.port())) {
        Frames.open(c, "/ws/close-reason/" + kind, "");
        Frame close = Frames.read(c);
        assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
        assertThat(close.closeCode()).isEqualTo(CloseCodes.NORMAL);
        assertThat(close.payload().length).isLessThanOrEqualTo(125);
        String reason = StandardCharsets.UTF_8.newDecoder()
            .decode(ByteBuffer.wrap(close.payload(), 2, close.payload().length - 2)).toString();
        assertThat(reason).as("reason %d", kind).isEqualTo(expected.get(kind));
      }
    }
  }

  /** The codes a server may send (RFC 6455 7.4) go out as given. */
  @Test
  void aHandlersCloseCodeGoesOnTheWireAsGiven() {
    for (int code : new int[] {1000, 1001, 1003, 1011, 1012, 3000, 4999}) {
      try (RawClient c = RawClient.connect(client.port())) {
        Frames.open(c, "/ws/close/" + code, "");
        assertThat(Frames.read(c).closeCode()).as("code %d", code).isEqualTo(code);
      }
    }
  }

  /**
   * 1005, 1006 and 1015 are never sent (RFC 6455 7.4.1), nor reserved or undefined ones
   * (1004, 1016-2999, past 4999; a close frame's code is two bytes): close refuses them, and the
   * handler here closes with 1008 instead.
   */
  @Test
  void aCloseCodeAServerMayNotSendIsRefused() {
    for (int code : new int[] {999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535, 70000}) {
      try (RawClient c = RawClient.connect(client.port())) {
        Frames.open(c, "/ws/close/" + code, "");
        assertThat(Frames.read(c).closeCode()).as("code %d", code).isEqualTo(CloseCodes.POLICY_VIOLATION);
      }
    }
  }

  /**
   * RFC 6455 7.4: a close code the peer may not send (reserved, or 1005/1006/1015, which are never
   * on the wire) fails the connection with 1002, and a reason that is not UTF-8 with 1007 (8.1);
   * the close frame still answers the peer's (5.5.1, 7.1.7), it does not just drop the TCP connection.
   */
  @Test
  void aCloseFrameWithAForbiddenCodeIsAnsweredWith1002() {
    for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999}) {
      try (RawClient c = RawClient.connect(client.port())) {
        Frames.open(c, "/ws/echo", "");
        c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {(byte) (code >> 8), (byte) code}));
        Frame answer = Frames.read(c);
        assertThat(answer.opcode()).as("code %d", code).isEqualTo(Frames.CLOSE);
        assertThat(answer.closeCode()).as("code %d", code).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        Await.until(c::closedByServer, "connection closed by the server");
      }
    }
  }

  @Test
  void aCloseFrameWithAReasonThatIsNotUtf8IsAnsweredWith1007() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/echo", "");
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe8, (byte) 0xc3, 0x28}));
      Frame answer = Frames.read(c);
      assertThat(answer.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(answer.closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
    }
  }

  @Test
  void aSessionThatEndsGivesItsTokenBack() {
    Lane single = app.lanes().get("single");
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/single", "")).startsWith("HTTP/1.1 101");
      assertThat(single.statistics().borrowed()).isEqualTo(1);
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe8})); // 1000
      Frame answer = Frames.read(c);
      assertThat(answer.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(answer.closeCode()).isEqualTo(CloseCodes.NORMAL);
    }
    Await.until(() -> single.statistics().borrowed() == 0, "the session's token returned");
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/single", "")).startsWith("HTTP/1.1 101"); // not 503: the lane has room again
    }
  }

  @Test
  void aKilledClientUnblocksReceive() throws Exception {
    RawClient c = RawClient.connect(client.port());
    assertThat(Frames.open(c, "/ws/wait-for-close", "")).startsWith("HTTP/1.1 101");
    c.close(); // no close frame: the process died
    assertThat(KILLED_CLIENT_CODE.get(30, TimeUnit.SECONDS)).isEqualTo(CloseCodes.ABNORMAL);
  }

  @Test
  void anIdlePeerIsPingedAndClosedWhenItDoesNotAnswer() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/ping-fast", "");
      assertThat(Frames.read(c).opcode()).isEqualTo(Frames.PING);
      // no pong: the server counts the peer dead and closes the connection
      assertThat(DEAD_PEER_CODE.get(30, TimeUnit.SECONDS)).isEqualTo(CloseCodes.ABNORMAL);
      Await.until(c::closedByServer, "connection closed by the server");
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedInsteadOfBufferedFor() throws Exception {
    try (RawClient c = RawClient.connectWithReceiveBuffer(client.port(), 4096)) {
      assertThat(Frames.open(c, "/ws/flood", "")).startsWith("HTTP/1.1 101");
      // never read: the server's sends stall, and the blocked send gives up and closes
      WebSocketClosedException stopped = FLOOD_STOPPED.get(30, TimeUnit.SECONDS);
      assertThat(stopped.code()).isEqualTo(CloseCodes.ABNORMAL);
      assertThat(stopped.reason()).contains("not reading");
    }
  }

  /**
   * An upgrade pipelined behind plain requests, all in one write: the requests are answered in
   * order, then the 101, and the session reads the client's messages and answers them. Twenty
   * requests ahead fill the connection's pipeline, which pauses reading until it drains.
   */
  @ParameterizedTest
  @CsvSource({"/ws/echo, 2", "/ws/echo-async, 2", "/ws/echo, 20", "/ws/echo-async, 20"})
  void anUpgradePipelinedBehindRequestsStartsASessionThatReads(String path, int requestsAhead) {
    String get = "GET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n";
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(get.repeat(requestsAhead) + Frames.upgrade(path, ""));
      assertThat(c.read(requestsAhead)).extracting(RawResponse::status, RawResponse::text)
          .containsOnly(tuple(200, "plain"));
      assertThat(c.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101");
      for (int i = 0; i < 3; i++) {
        c.send(Frames.text("after the pipeline " + i));
        assertThat(Frames.read(c).text()).isEqualTo("after the pipeline " + i);
      }
    }
  }

  @Test
  void aPingIsAnsweredWithAPongCarryingItsPayload() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/echo", "");
      c.send(Frames.frame(Frames.PING, true, false, "are you there".getBytes(StandardCharsets.UTF_8)));
      Frame pong = Frames.read(c);
      assertThat(pong.opcode()).isEqualTo(Frames.PONG);
      assertThat(pong.text()).isEqualTo("are you there");
    }
  }

  /**
   * A peer that sends pings and reads nothing got a pong queued for every one, without bound (a
   * few bytes of pings each grew the server's memory by a frame). RFC 6455 5.5.3 lets an endpoint
   * answer only the most recent ping it has not answered yet: while the socket is not writable
   * the server keeps the last one's payload only, and answers it once the peer reads again.
   */
  @Test
  void pingsFromAPeerThatDoesNotReadGetOnlyTheLatestAnswered() throws IOException {
    // Until the server's socket stops taking bytes, every ping is answered: the kernel takes pongs
    // up to the send buffer's autotuned maximum (tcp_wmem's third field), plus Netty's outbound
    // buffer up to its high water mark (64 KiB) and the client's small receive buffer. Three times as many pings as that many pongs tell a
    // server that queues a pong for each from one that keeps the latest only, however far the
    // buffer grew (a fixed 20 000 pings was within it on a busy machine: 10 030 pongs).
    int answeredUntilFull = (int) ((maxSendBuffer() + 128 * 1024) / PONG_FRAME);
    int pings = 3 * answeredUntilFull;
    try (RawClient c = RawClient.connectWithReceiveBuffer(client.port(), 4096)) {
      assertThat(Frames.open(c, "/ws/echo", "")).startsWith("HTTP/1.1 101");
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < pings; i++) {
        burst.writeBytes(Frames.frame(Frames.PING, true, false, pingPayload(i)));
        if (burst.size() > 64 * 1024 || i == pings - 1) {
          c.send(burst.toByteArray());
          burst.reset();
        }
      }
      c.send(Frames.text("after the pings"));
      // The echo and the latest ping's pong come in either order: the pong waits for writability.
      int pongs = 0;
      boolean echoed = false;
      boolean latestAnswered = false;
      while (!echoed || !latestAnswered) {
        Frame frame = Frames.read(c);
        if (frame.opcode() == Frames.PONG) {
          pongs++;
          latestAnswered = Arrays.equals(frame.payload(), pingPayload(pings - 1));
        } else {
          assertThat(frame.text()).isEqualTo("after the pings");
          echoed = true;
        }
      }
      assertThat(pongs).isLessThan(answeredUntilFull);
    }
  }

  private static final int PONG_FRAME = 2 + 125; // a server frame: two header bytes, no mask

  /** The most a TCP socket's send buffer grows to here (Linux), or 4 MiB where that cannot be read. */
  private static long maxSendBuffer() throws IOException {
    Path wmem = Path.of("/proc/sys/net/ipv4/tcp_wmem");
    if (!Files.isReadable(wmem)) {
      return 4L << 20;
    }
    // Read by lines: Files.readString took only the first byte of this /proc file (JDK 25).
    String[] fields = Files.readAllLines(wmem).get(0).trim().split("\\s+");
    return Long.parseLong(fields[fields.length - 1]);
  }

  private static byte[] pingPayload(int i) {
    byte[] payload = new byte[125];
    byte[] number = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(number, 0, payload, 0, number.length);
    return payload;
  }

  @Test
  void permessageDeflateIsNegotiatedAndMessagesInflate() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
      assertThat(head.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate");
      String text = "compress me ".repeat(100);
      c.send(Frames.frame(Frames.TEXT, true, true, deflate(text.getBytes(StandardCharsets.UTF_8))));
      Frame echoed = Frames.read(c);
      assertThat(echoed.rsv1()).isTrue();
      assertThat(new String(inflate(echoed.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
    }
  }

  /**
   * One write of compressed messages that each inflate to about the message limit, while the
   * handler takes none: past 16 the server stops reading and decoding, the rest waiting undecoded
   * in its decoder or unread in the socket. Once the handler takes messages every one arrives,
   * though the peer sends nothing more. (The ping first: its pong says the server has read into
   * the burst before the handler starts. PausedReadingTest holds a whole read deterministically.)
   */
  @Test
  void compressedMessagesHeldByAPauseArriveOnceTheHandlerTakesThem() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/take-later", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
      assertThat(head.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate");
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      burst.writeBytes(Frames.frame(Frames.PING, true, false, new byte[0]));
      byte[] compressed = deflate(new byte[1_000_000]);
      for (int i = 0; i < LATER_MESSAGES; i++) {
        burst.writeBytes(Frames.frame(Frames.BINARY, true, true, compressed));
      }
      c.send(burst.toByteArray());
      assertThat(Frames.read(c).opcode()).isEqualTo(Frames.PONG);
      TAKE_NOW.countDown();
      Frame summary = Frames.read(c);
      assertThat(new String(inflate(summary.payload()), StandardCharsets.UTF_8))
          .isEqualTo(LATER_MESSAGES + " messages, " + LATER_MESSAGES * 1_000_000L + " bytes");
    }
  }

  /**
   * RFC 7692 7.1.1: unless either side asked for no_context_takeover, both keep their LZ77 window
   * across messages. The client's second message refers back into its first (the server must
   * inflate it with the first's window), and the server's second echo, shorter than its first,
   * does the same (the client inflates both with one Inflater).
   */
  @Test
  void permessageDeflateKeepsItsContextAcrossMessagesBothWays() throws Exception {
    Deflater out = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    Inflater in = new Inflater(true);
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
      assertThat(head.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate")
          .doesNotContain("no_context_takeover");
      StringBuilder sb = new StringBuilder();
      java.util.Random random = new java.util.Random(11);
      for (int i = 0; i < 300; i++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      String text = sb.toString(); // compresses poorly alone, to almost nothing the second time
      byte[] first = deflate(out, text.getBytes(StandardCharsets.UTF_8));
      byte[] second = deflate(out, text.getBytes(StandardCharsets.UTF_8));
      assertThat(second.length).isLessThan(first.length / 4);
      c.send(Frames.frame(Frames.TEXT, true, true, first));
      c.send(Frames.frame(Frames.TEXT, true, true, second));
      Frame echo1 = Frames.read(c);
      Frame echo2 = Frames.read(c);
      assertThat(echo1.opcode()).isEqualTo(Frames.TEXT);
      assertThat(echo2.opcode()).isEqualTo(Frames.TEXT);
      assertThat(new String(inflate(in, echo1.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
      assertThat(new String(inflate(in, echo2.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
      assertThat(echo2.payload().length).isLessThan(echo1.payload().length / 4);
    } finally {
      out.end();
      in.end();
    }
  }

  /**
   * RFC 7692 7.1.1.1: a client may ask the server to reset its compressor after each message;
   * the server may accept at little cost, and declining left a client that asks (to bound its
   * memory, as some browsers and libraries do) with no compression at all. The answer says
   * {@code server_no_context_takeover}, and each echo inflates on its own: the same text twice
   * gives the same compressed bytes twice, the second referring to nothing before it.
   */
  @Test
  void aDeflateOfferAskingForServerNoContextTakeoverIsAccepted() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n");
      assertThat(head).startsWith("HTTP/1.1 101");
      assertThat(head.toLowerCase())
          .contains("sec-websocket-extensions: permessage-deflate; server_no_context_takeover\r\n");
      StringBuilder sb = new StringBuilder();
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 300; i++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      String text = sb.toString().repeat(2); // compresses to about half; a kept window would shrink the second
      c.send(Frames.text(text));
      c.send(Frames.text(text));
      Frame echo1 = Frames.read(c);
      Frame echo2 = Frames.read(c);
      assertThat(echo1.rsv1()).as("compressed").isTrue();
      assertThat(echo2.rsv1()).as("compressed").isTrue();
      assertThat(echo1.payload().length).isLessThan(text.length());
      assertThat(echo2.payload()).as("no context taken over").isEqualTo(echo1.payload());
      for (Frame echo : List.of(echo1, echo2)) {
        Inflater fresh = new Inflater(true);
        try {
          assertThat(new String(inflate(fresh, echo.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
        } finally {
          fresh.end();
        }
      }
    }
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo",
          "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover, permessage-deflate\r\n");
      assertThat(head.toLowerCase())
          .as("the first offer is taken")
          .contains("sec-websocket-extensions: permessage-deflate; server_no_context_takeover\r\n");
    }
  }

  /**
   * An offer the server cannot honour (a smaller window than the JDK's zlib compresses with) is
   * declined, as RFC 7692 allows, and the next offer in the list is taken; alone, the session
   * runs uncompressed.
   */
  @Test
  void aDeflateOfferAskingForASmallerServerWindowIsDeclinedForTheNextOffer() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo",
          "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10, permessage-deflate\r\n");
      assertThat(head.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate\r\n");
    }
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-extensions");
      c.send(Frames.text("plain"));
      Frame echo = Frames.read(c);
      assertThat(echo.rsv1()).isFalse();
      assertThat(echo.text()).isEqualTo("plain");
    }
  }

  /**
   * RFC 6455 9.1: {@code Sec-WebSocket-Extensions} may come on several lines, which count as one
   * list; only the first line was read, so an offer on a later line was missed.
   */
  @Test
  void deflateOfferedOnALaterExtensionsLineIsNegotiated() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo",
          "Sec-WebSocket-Extensions: x-unknown-extension\r\nSec-WebSocket-Extensions: permessage-deflate\r\n");
      assertThat(head.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate\r\n");
    }
  }

  /**
   * A client may ask for the window the server compresses with anyway (15 bits): that offer is
   * accepted, and the answer repeats the parameter, as RFC 7692 7.1.2.1 requires of a server that
   * accepts it. It was declined with the smaller ones.
   */
  @Test
  void aDeflateOfferAskingForTheFullServerWindowIsAccepted() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=15\r\n");
      assertThat(head.toLowerCase())
          .contains("sec-websocket-extensions: permessage-deflate; server_max_window_bits=15\r\n");
      c.send(Frames.text("plain"));
      Frame echo = Frames.read(c);
      assertThat(echo.rsv1()).isTrue();
      assertThat(new String(inflate(echo.payload()), StandardCharsets.UTF_8)).isEqualTo("plain");
    }
  }

  /**
   * RFC 7692 section 5: an offer naming a parameter twice MUST be declined; Netty's parse keeps
   * one of the two, so it was accepted. The next offer is taken, as for other declined ones.
   */
  @Test
  void aDeflateOfferNamingAParameterTwiceIsDeclined() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo",
          "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10; client_max_window_bits=12\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-extensions");
    }
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate; "
          + "server_no_context_takeover; server_no_context_takeover, permessage-deflate\r\n");
      assertThat(head.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate\r\n");
    }
  }

  /** Data that does not inflate is bad data (1007), not a message too big (1009). */
  @Test
  void aCompressedMessageThatDoesNotInflateClosesWith1007() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
      byte[] garbage = {(byte) 0xff, (byte) 0xff, 0x00, 0x11, 0x22, 0x33}; // BTYPE 11: a reserved block type
      c.send(Frames.frame(Frames.BINARY, true, true, garbage));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
    }
  }

  /**
   * RFC 7692 6.1: the compressed bit belongs to a message's first data frame only; on a control
   * frame it has no negotiated meaning, so it fails the connection (RFC 6455 5.2: 1002), even
   * with permessage-deflate agreed. Not answered with a pong.
   */
  @Test
  void aControlFrameWithTheCompressedBitClosesWith1002() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
      c.send(Frames.frame(Frames.PING, true, true, "hi".getBytes(StandardCharsets.UTF_8)));
      Frame answer = Frames.read(c);
      assertThat(answer.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(answer.closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }
  }

  /** RFC 7692 6.1: nor on a continuation frame. */
  @Test
  void aContinuationFrameWithTheCompressedBitClosesWith1002() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
      byte[] whole = deflate("split in two frames".getBytes(StandardCharsets.UTF_8));
      int half = whole.length / 2;
      c.send(Frames.frame(Frames.TEXT, false, true, Arrays.copyOf(whole, half)));
      c.send(Frames.frame(Frames.CONTINUATION, true, true, Arrays.copyOfRange(whole, half, whole.length)));
      Frame answer = Frames.read(c);
      assertThat(answer.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(answer.closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }
  }

  @Test
  void aCompressedMessageInflatingPastTheLimitClosesWith1009() {
    try (RawClient c = RawClient.connect(client.port())) {
      Frames.open(c, "/ws/small-messages", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
      byte[] bomb = deflate(new byte[1_000_000]); // ~1 KB on the wire, 1 MB inflated
      c.send(Frames.frame(Frames.BINARY, true, true, bomb));
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }
  }

  @Test
  void serverShutdownSaysGoingAwayToOpenSessions() throws Exception {
    TestClient own = TestClient.start(App.builder().websocket("/ws/echo", WebSocketTest::echo).build());
    try (RawClient c = RawClient.connect(own.port())) {
      assertThat(Frames.open(c, "/ws/echo", "")).startsWith("HTTP/1.1 101");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(own::close);
      Frame close = Frames.read(c);
      assertThat(close.opcode()).isEqualTo(Frames.CLOSE);
      assertThat(close.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
      c.send(Frames.frame(Frames.CLOSE, true, false, new byte[] {0x03, (byte) 0xe9})); // answer 1001
      stopping.get(30, TimeUnit.SECONDS);
    }
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
    }
    d.end();
    byte[] all = out.toByteArray();
    return Arrays.copyOf(all, all.length - 4); // RFC 7692: drop the 00 00 ff ff tail
  }

  /** A message compressed by {@code d}, which keeps its window for the next one (context takeover). */
  private static byte[] deflate(Deflater d, byte[] data) {
    d.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
    }
    byte[] all = out.toByteArray();
    return Arrays.copyOf(all, all.length - 4);
  }

  /** A message inflated by {@code inf}, which keeps the window of the messages before. */
  private static byte[] inflate(Inflater inf, byte[] data) throws Exception {
    byte[] in = Arrays.copyOf(data, data.length + 4);
    in[data.length + 2] = (byte) 0xff;
    in[data.length + 3] = (byte) 0xff;
    inf.setInput(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = inf.inflate(buf)) > 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static byte[] inflate(byte[] data) throws Exception {
    Inflater inf = new Inflater(true);
    byte[] tail = {0, 0, (byte) 0xff, (byte) 0xff};
    byte[] in = Arrays.copyOf(data, data.length + 4);
    System.arraycopy(tail, 0, in, data.length, 4);
    inf.setInput(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = inf.inflate(buf)) > 0) {
      out.write(buf, 0, n);
    }
    inf.end();
    return out.toByteArray();
  }

  private static List<String> expected(int n) {
    List<String> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(Integer.toString(i));
    }
    return all;
  }

  /** Sends 0..n-1 as text, each send after the previous completed, then reads the n replies. */
  private static List<String> numbered(String path, int n) {
    try (TestWebSocket ws = client.websocket(path)) {
      for (int i = 0; i < n; i++) {
        ws.sendText(Integer.toString(i));
      }
      List<String> got = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        got.add(ws.receiveText());
      }
      return got;
    }
  }
}
