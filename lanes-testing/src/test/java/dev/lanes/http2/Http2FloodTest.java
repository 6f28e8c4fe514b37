package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 abuse a frame-level client can try on one connection: each is bounded (in handlers
 * started, lane tokens held, memory queued) or ends the connection. The limits are listed in
 * {@code docs/http2.md} (Limits).
 */
@Timeout(60)
class Http2FloodTest {
  private static final int PING = RawH2.PING;
  private static final long ENHANCE_YOUR_CALM = 11;
  private static final long COMPRESSION_ERROR = 9;
  private static final long REFUSED_STREAM = 7;
  private static final long CANCEL = 8;

  private final AtomicInteger served = new AtomicInteger();

  private App plainApp() {
    return App.builder()
        .get("/h", req -> {
          served.incrementAndGet();
          return Response.text("h");
        })
        .post("/p", req -> {
          served.incrementAndGet();
          return Response.text("got " + req.body().length);
        })
        .build();
  }

  private static String describe(RawH2.Frame f) {
    return f == null ? "nothing" : f.toString();
  }

  /** A PING whose ack says the server has read every frame written before it. */
  private static void sync(RawH2 c, long payload) throws Exception {
    c.frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(payload).array());
    RawH2.Frame ack = c.await(f -> f.type() == PING && (f.flags() & RawH2.ACK) != 0
        && ByteBuffer.wrap(f.payload()).getLong() == payload || f.type() == RawH2.EOF, 10);
    assertThat(ack).as("PING ack").isNotNull();
    assertThat(ack.type()).as(describe(ack)).isEqualTo(PING);
  }

  // ---- rapid reset (CVE-2023-44487) ----

  /**
   * HEADERS then RST_STREAM, below Netty's reset limit, while the lane's two tokens are held by
   * handlers that ignore the interrupt: the reset streams leave the lane's queue at once and never
   * start, the reset running handlers keep their tokens until they return, and every token comes
   * back.
   */
  @Test
  void rapidResetStartsNoMoreHandlersThanTheLaneHoldsAndEveryTokenComesBack() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    App app = App.builder()
        .lane(Lane.builder("work").capacity(2).maxWaiting(1000))
        .route("GET", "/stubborn", "work", req -> {
          started.incrementAndGet();
          while (true) {
            try {
              release.await();
              break;
            } catch (InterruptedException ignored) {
              // a handler that does not stop when cancelled
            }
          }
          return Response.text("late");
        })
        .route("GET", "/quick", "work", req -> Response.text("quick"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      Lane work = app.lanes().get("work");
      // Both tokens taken first, so every stream of the flood queues (a stream reset before its
      // handler starts would otherwise race with the start).
      c.headers(1, RawH2.request("GET", "/stubborn"), true);
      c.headers(3, RawH2.request("GET", "/stubborn"), true);
      Await.until(() -> started.get() == 2, "two handlers run");
      int id = 5;
      for (int i = 0; i < 150; i++, id += 2) {
        c.headers(id, RawH2.request("GET", "/stubborn"), true);
        c.rst(id, (int) CANCEL);
      }
      sync(c, 1);
      Await.until(() -> work.statistics().waiting() == 0,
          "the reset streams leave the queue (waiting " + work.statistics().waiting() + ")");
      c.rst(1, (int) CANCEL);
      c.rst(3, (int) CANCEL);
      sync(c, 2);
      assertThat(work.statistics().borrowed()).as("the cancelled handlers still running hold their tokens")
          .isEqualTo(2);
      release.countDown();
      Await.until(() -> work.statistics().borrowed() == 0, "tokens back");
      Await.until(() -> server.server().statistics().inFlight() == 0, "nothing in flight");
      assertThat(started.get()).as("handlers started for 152 reset streams").isEqualTo(2);
      c.headers(id, RawH2.request("GET", "/quick"), true);
      RawH2.Frame f = c.answer(id, 10);
      assertThat(describe(f)).as("the connection still serves").isEqualTo("HEADERS " + id + " 200 flags=4");
    } finally {
      release.countDown();
    }
  }

  /** Past 200 resets in 30 s: GOAWAY(ENHANCE_YOUR_CALM), and the handlers' tokens all come back. */
  @Test
  void rapidResetPastTheLimitEndsTheConnectionAndReturnsEveryToken() throws Exception {
    AtomicInteger started = new AtomicInteger();
    App app = App.builder()
        .lane(Lane.builder("work").capacity(4).maxWaiting(1000))
        .route("GET", "/hang", "work", req -> {
          started.incrementAndGet();
          new CountDownLatch(1).await();
          return Response.text("never");
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      try {
        for (int i = 0, id = 1; i < 1000; i++, id += 2) {
          c.headers(id, RawH2.request("GET", "/hang"), true);
          c.rst(id, (int) CANCEL);
        }
      } catch (IOException closedByTheServer) {
        // the connection ended mid-flood
      }
      RawH2.Frame f = c.await(x -> x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
      assertThat(f).as("the connection ended").isNotNull();
      if (f.type() == RawH2.GOAWAY) {
        assertThat(f.error()).as(describe(f)).isEqualTo(ENHANCE_YOUR_CALM);
      }
      Await.until(() -> app.lanes().get("work").statistics().borrowed() == 0
          && app.lanes().get("work").statistics().waiting() == 0, "tokens back");
      Await.until(() -> server.server().statistics().inFlight() == 0, "nothing in flight");
      assertThat(started.get()).as("handlers started").isLessThanOrEqualTo(201);
    }
  }

  // ---- CONTINUATION flood (CVE-2024-27316) ----

  /** A header block that never ends, in 4 KiB CONTINUATION frames: a connection error at the header list limit. */
  @Test
  void endlessContinuationFramesEndTheConnection() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.awaitServerSettings();
      c.frame(RawH2.HEADERS, RawH2.END_STREAM, 1, c.encode(1, RawH2.request("GET", "/h")));
      byte[] fragment = new byte[4096];
      java.util.Arrays.fill(fragment, (byte) 'a');
      int sent = 0;
      try {
        for (; sent < 2560; sent++) { // 10 MiB
          c.frame(RawH2.CONTINUATION, 0, 1, fragment);
        }
      } catch (IOException closedByTheServer) {
        // the connection ended mid-flood
      }
      RawH2.Frame f = c.await(x -> x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
      assertThat(f).as("after %s CONTINUATION frames of 4 KiB the connection is still open", sent).isNotNull();
      assertThat(served.get()).isZero();
    }
  }

  /** Empty CONTINUATION frames cost no header bytes; past 16 of them in one block the connection ends. */
  @Test
  void emptyContinuationFramesEndTheConnection() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.awaitServerSettings();
      c.frame(RawH2.HEADERS, RawH2.END_STREAM, 1, c.encode(1, RawH2.request("GET", "/h")));
      try {
        for (int i = 0; i < 100_000; i++) {
          c.frame(RawH2.CONTINUATION, 0, 1, new byte[0]);
        }
      } catch (IOException closedByTheServer) {
        // the connection ended mid-flood
      }
      RawH2.Frame f = c.await(x -> x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
      assertThat(f).as("after 100 000 empty CONTINUATION frames the connection is still open").isNotNull();
      if (f.type() == RawH2.GOAWAY) {
        assertThat(f.error()).as(describe(f)).isEqualTo(ENHANCE_YOUR_CALM);
      }
      assertThat(served.get()).isZero();
    }
  }

  // ---- control frames a client sends and does not read the acks of ----

  /**
   * A client that never reads, flooding {@code frame}: each one asks for an ack the server queues
   * (PING, SETTINGS). Unbounded, the acks pile up in the server's memory; Netty's
   * {@code maxQueuedControlFrames} closes the connection once 10 000 wait.
   */
  private static void floodWithoutReading(int port, byte[] frame) throws Exception {
    floodWithoutReading(port, i -> frame);
  }

  /** As above, frame {@code i} of the flood made by {@code frames}. */
  private static void floodWithoutReading(int port, java.util.function.IntFunction<byte[]> frames) throws Exception {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096); // the server's acks fill it fast, then wait in the server
      s.connect(new InetSocketAddress("127.0.0.1", port));
      OutputStream out = s.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, RawH2.SETTINGS, 0, 0, 0, 0, 0});
      int sent = 0;
      try {
        for (int i = 0; i < 2000; i++) { // 2 million frames
          ByteArrayOutputStream batch = new ByteArrayOutputStream();
          for (int j = 0; j < 1000; j++) {
            batch.write(frames.apply(sent + j));
          }
          out.write(batch.toByteArray());
          sent += 1000;
        }
      } catch (IOException closedByTheServer) {
        return;
      }
      throw new AssertionError("the server read " + sent + " frames and queued their answers for a client that"
          + " reads none, without closing the connection");
    }
  }

  @Test
  void aPingFloodFromAClientThatDoesNotReadEndsTheConnection() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true))) {
      floodWithoutReading(server.port(), new byte[] {0, 0, 8, PING, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8});
    }
  }

  @Test
  void aSettingsFloodFromAClientThatDoesNotReadEndsTheConnection() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true))) {
      // SETTINGS_ENABLE_PUSH (2) = 0, over and over
      floodWithoutReading(server.port(), new byte[] {0, 0, 6, RawH2.SETTINGS, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0});
    }
  }

  /**
   * Requests from a client that reads nothing (CVE-2019-9517, internal data buffering): a stream
   * stays open until its response has reached the socket, so no more than
   * {@code maxConcurrentStreams} responses wait in the server; the streams past them are refused,
   * and those resets are control frames that close the connection once 10 000 wait.
   */
  @Test
  void requestsFromAClientThatDoesNotReadEndTheConnection() throws Exception {
    var encoder = new io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder(
        io.netty.handler.codec.http2.Http2HeadersEncoder.NEVER_SENSITIVE, true);
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true))) {
      floodWithoutReading(server.port(), i -> {
        int id = 1 + 2 * i;
        io.netty.buffer.ByteBuf block = io.netty.buffer.Unpooled.buffer();
        try {
          encoder.encodeHeaders(id, RawH2.request("GET", "/h"), block);
        } catch (io.netty.handler.codec.http2.Http2Exception e) {
          throw new IllegalStateException(e);
        }
        int len = block.readableBytes();
        ByteBuffer f = ByteBuffer.allocate(9 + len);
        f.put((byte) (len >>> 16)).put((byte) (len >>> 8)).put((byte) len).put((byte) RawH2.HEADERS)
            .put((byte) (RawH2.END_HEADERS | RawH2.END_STREAM)).putInt(id);
        block.readBytes(f);
        block.release();
        return f.array();
      });
    }
  }

  // ---- empty DATA frames (CVE-2019-9518) ----

  /** Empty DATA frames that do not end the stream: past 2 in a row, GOAWAY(ENHANCE_YOUR_CALM); the handler never ran. */
  @Test
  void emptyDataFramesEndTheConnection() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/p"), false);
      try {
        for (int i = 0; i < 100_000; i++) {
          c.data(1, new byte[0], false);
        }
      } catch (IOException closedByTheServer) {
        // the connection ended mid-flood
      }
      RawH2.Frame f = c.await(x -> x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
      assertThat(f).as("connection ended").isNotNull();
      if (f.type() == RawH2.GOAWAY) {
        assertThat(f.error()).as(describe(f)).isEqualTo(ENHANCE_YOUR_CALM);
      }
      assertThat(served.get()).isZero();
    }
  }

  /** A DATA frame of padding only carries no data either: counted as empty. */
  @Test
  void paddingOnlyDataFramesEndTheConnection() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/p"), false);
      try {
        for (int i = 0; i < 100_000; i++) {
          c.frame(RawH2.DATA, 0x8, 1, new byte[] {4, 0, 0, 0, 0}); // PADDED, 4 bytes of padding, no data
        }
      } catch (IOException closedByTheServer) {
        // the connection ended mid-flood
      }
      RawH2.Frame f = c.await(x -> x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
      assertThat(f).as("connection ended").isNotNull();
      assertThat(served.get()).isZero();
    }
  }

  // ---- slow read: a stream window of 0 held for ever ----

  /**
   * A client that announces a stream window of 0 and never opens it: the blocking writer is held
   * at 64 KiB queued (its memory bounded), and after {@code sendTimeout} the stream is reset with
   * CANCEL, the writer's next write fails and its token comes back.
   */
  @Test
  void aZeroWindowHoldsAWriterAt64KiBUntilSendTimeoutResetsIt() throws Exception {
    AtomicLong accepted = new AtomicLong();
    CountDownLatch ended = new CountDownLatch(1);
    App app = App.builder()
        .get("/endless", req -> StreamingResponse.writer(out -> {
          try {
            while (true) {
              out.write(new byte[1024]);
              accepted.addAndGet(1024);
            }
          } finally {
            ended.countDown();
          }
        }, "application/octet-stream"))
        .build();
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).sendTimeout(Duration.ofMillis(500));
    try (TestClient server = TestClient.start(app, config);
        RawH2 c = new RawH2(server.port())) {
      c.frame(RawH2.SETTINGS, 0, 0, new byte[] {0, 4, 0, 0, 0, 0}); // SETTINGS_INITIAL_WINDOW_SIZE = 0
      c.headers(1, RawH2.request("GET", "/endless"), true);
      List<RawH2.Frame> frames = c.until(f -> f.stream() == 1 && f.type() == RawH2.RST_STREAM, 10);
      RawH2.Frame last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
      assertThat(describe(last)).as("stream reset by sendTimeout").isEqualTo("RST_STREAM 1 " + CANCEL);
      assertThat(frames).as("no DATA under a zero window").noneMatch(f -> f.type() == RawH2.DATA);
      assertThat(ended.await(10, TimeUnit.SECONDS)).as("writer stopped").isTrue();
      assertThat(accepted.get()).as("bytes the writer got rid of under a zero window")
          .isLessThanOrEqualTo(64 * 1024 + 1024);
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
    }
  }

  /** The same for a published body: one chunk asked for at a time, so one waits in memory. */
  @Test
  void aZeroWindowHoldsAPublisherAtOneChunkUntilSendTimeoutResetsIt() throws Exception {
    AtomicLong requested = new AtomicLong();
    CountDownLatch cancelled = new CountDownLatch(1);
    Flow.Publisher<byte[]> endless = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        requested.addAndGet(n);
        for (long i = 0; i < n; i++) {
          subscriber.onNext(new byte[1024]);
        }
      }

      @Override
      public void cancel() {
        cancelled.countDown();
      }
    });
    App app = App.builder().get("/endless", req -> StreamingResponse.publisher(endless, "application/octet-stream"))
        .build();
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).sendTimeout(Duration.ofMillis(500));
    try (TestClient server = TestClient.start(app, config);
        RawH2 c = new RawH2(server.port())) {
      c.frame(RawH2.SETTINGS, 0, 0, new byte[] {0, 4, 0, 0, 0, 0});
      c.headers(1, RawH2.request("GET", "/endless"), true);
      RawH2.Frame reset = c.await(f -> f.stream() == 1 && f.type() == RawH2.RST_STREAM || f.type() == RawH2.EOF, 10);
      assertThat(describe(reset)).isEqualTo("RST_STREAM 1 " + CANCEL);
      assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("publisher cancelled").isTrue();
      assertThat(requested.get()).as("chunks asked for under a zero window").isLessThanOrEqualTo(2);
    }
  }

  // ---- more streams than SETTINGS_MAX_CONCURRENT_STREAMS ----

  /** Streams past the limit are refused one by one (REFUSED_STREAM), the connection goes on. */
  @Test
  void streamsPastMaxConcurrentStreamsAreRefusedNotTheConnection() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    App app = App.builder()
        .get("/wait", req -> {
          started.incrementAndGet();
          gate.await();
          return Response.text("done");
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxConcurrentStreams(2));
        RawH2 c = new RawH2(server.port())) {
      c.awaitServerSettings();
      sync(c, 2); // our SETTINGS ack is read: the limit holds as announced
      for (int id = 1; id <= 9; id += 2) {
        c.headers(id, RawH2.request("GET", "/wait"), true);
      }
      StringBuilder refused = new StringBuilder();
      for (int id = 5; id <= 9; id += 2) {
        refused.append(describe(c.answer(id, 10))).append("; ");
      }
      String r = " " + REFUSED_STREAM + "; ";
      assertThat(refused.toString()).as("no GOAWAY, each stream refused")
          .isEqualTo("RST_STREAM 5" + r + "RST_STREAM 7" + r + "RST_STREAM 9" + r);
      gate.countDown();
      // Both handlers return at once, so their answers come in either order: await each of the two
      // (answer(id) alone would drop the other stream's HEADERS if it came first).
      List<String> answered = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RawH2.Frame f = c.await(x -> (x.stream() == 1 || x.stream() == 3)
            && (x.type() == RawH2.HEADERS || x.type() == RawH2.RST_STREAM)
            || x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
        answered.add(describe(f).replaceFirst(" flags=.*", ""));
      }
      assertThat(answered).containsExactlyInAnyOrder("HEADERS 1 200", "HEADERS 3 200");
      Await.until(() -> server.server().statistics().inFlight() == 0, "both answered");
      sync(c, 3); // both streams ended on the server's side too
      c.headers(11, RawH2.request("GET", "/wait"), true);
      assertThat(describe(c.answer(11, 10))).as("the connection still serves").startsWith("HEADERS 11 200");
      assertThat(started.get()).isEqualTo(3);
    }
  }

  // ---- HPACK ----

  private static byte[] getHead(byte... prefix) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(prefix);
    b.writeBytes(new byte[] {(byte) 0x82, (byte) 0x86, 0x04, 2, '/', 'h', 0x01, 9}); // GET, http, :path /h
    b.writeBytes("127.0.0.1".getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  /** A dynamic table size update past the server's SETTINGS_HEADER_TABLE_SIZE (4096): COMPRESSION_ERROR. */
  @Test
  void aTableSizeUpdatePastTheAnnouncedSizeIsACompressionError() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      // 001 + 5-bit prefix: 8192 = 31 + 8161 (0xe1 0x3f)
      c.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, getHead((byte) 0x3f, (byte) 0xe1, (byte) 0x3f));
      RawH2.Frame f = c.answer(1, 10);
      assertThat(f.type()).as(describe(f)).isEqualTo(RawH2.GOAWAY);
      assertThat(f.error()).as(describe(f)).isEqualTo(COMPRESSION_ERROR);
      assertThat(served.get()).isZero();
    }
  }

  /** Within the announced size it is taken, and the block served. */
  @Test
  void aTableSizeUpdateWithinTheAnnouncedSizeIsTaken() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      // 4096 = 31 + 4065 (0xe1 0x1f); then 0
      c.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, getHead((byte) 0x3f, (byte) 0xe1, (byte) 0x1f, (byte) 0x20));
      assertThat(describe(c.answer(1, 10))).startsWith("HEADERS 1 200");
    }
  }

  /** RFC 7541 4.2: an update anywhere but at the start of a block is a decoding error. */
  @Test
  void aTableSizeUpdateAfterAFieldIsACompressionError() throws Exception {
    try (TestClient server = TestClient.start(plainApp(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      byte[] head = getHead();
      byte[] block = java.util.Arrays.copyOf(head, head.length + 1);
      block[head.length] = 0x20; // size 0, after the fields
      c.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, block);
      RawH2.Frame f = c.answer(1, 10);
      assertThat(f.type()).as(describe(f)).isEqualTo(RawH2.GOAWAY);
      assertThat(f.error()).as(describe(f)).isEqualTo(COMPRESSION_ERROR);
      assertThat(served.get()).isZero();
    }
  }
  /**
   * A client announcing the largest SETTINGS_HEADER_TABLE_SIZE (2^32-1) does not grow the
   * server's encoder table: it stays at 4096 bytes, so responses with ever new field values cost
   * the connection no more memory. A decoder with the protocol's 4096-byte table (this client's)
   * reads them all right, which it could not if the server indexed into a larger one.
   */
  @Test
  void aHugeHeaderTableSizeFromTheClientDoesNotGrowTheServersTable() throws Exception {
    App app = App.builder()
        .get("/n/{n}", req -> Response.text("n").withHeader("x-n", "v".repeat(200) + req.pathParams().get("n")))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      // SETTINGS_HEADER_TABLE_SIZE (1) = 2^32-1
      c.frame(RawH2.SETTINGS, 0, 0, new byte[] {0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      for (int i = 0, id = 1; i < 100; i++, id += 2) {
        c.headers(id, RawH2.request("GET", "/n/" + i), true);
        RawH2.Frame f = c.answer(id, 10);
        assertThat(describe(f)).startsWith("HEADERS " + id + " 200");
        assertThat(f.payload()[0] & 0xe0).as("no dynamic table size update").isNotEqualTo(0x20);
        assertThat(f.headers().get("x-n").toString()).isEqualTo("v".repeat(200) + i);
      }
    }
  }
}
