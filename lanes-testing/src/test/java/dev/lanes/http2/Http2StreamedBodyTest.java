package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route with {@code RouteOptions.streamedBody} over HTTP/2: its handler runs at the HEADERS
 * frame and reads the DATA frames as they arrive; the stream's window is its backpressure (given
 * back only as the handler reads), the connection's window holds it beside the others; the
 * route's limit, a reset, a closed connection and the body read timeout end the handler's read
 * with an IOException; a handler that answers before the body ended gets its stream reset after
 * its answer (RFC 9113 8.1).
 */
@Timeout(60)
class Http2StreamedBodyTest {
  private static final int WINDOW = 256 * 1024; // the server's stream window (its SETTINGS_INITIAL_WINDOW_SIZE)
  private static final int FRAME = 16_384; // the protocol's initial SETTINGS_MAX_FRAME_SIZE
  private static final int NO_ERROR = 0, CANCEL = 8;

  private static ServerConfig.Builder h2c() {
    return ServerConfig.builder().h2c(true).maxBodySize(64 * 1024);
  }

  private static RouteOptions streamed(long limit) {
    return RouteOptions.defaults().streamedBody(limit);
  }

  /** The DATA of {@code stream} up to its END_STREAM, as text. */
  private static String body(RawH2 raw, int stream) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      RawH2.Frame f = raw.await(x -> x.stream() == stream && x.type() == RawH2.DATA || x.type() == RawH2.EOF, 10);
      assertThat(f).as("DATA on stream " + stream).isNotNull();
      assertThat(f.type()).isEqualTo(RawH2.DATA);
      out.writeBytes(f.payload());
      if ((f.flags() & RawH2.END_STREAM) != 0) {
        return out.toString(StandardCharsets.UTF_8);
      }
    }
  }

  private static void post(RawH2 raw, int stream, String path) throws Exception {
    raw.headers(stream, RawH2.request("POST", path), false);
  }

  private static RawH2.Frame resetOf(RawH2 raw, int stream) throws InterruptedException {
    return raw.await(f -> f.stream() == stream && f.type() == RawH2.RST_STREAM || f.type() == RawH2.EOF, 10);
  }

  private static void assertServes(RawH2 raw, int stream) throws Exception {
    raw.headers(stream, RawH2.request("GET", "/hello"), true);
    RawH2.Frame answer = raw.answer(stream, 10);
    assertThat(answer).as("the connection serves another stream").isNotNull();
    assertThat(answer.type()).isEqualTo(RawH2.HEADERS);
    assertThat(answer.headers().status().toString()).isEqualTo("200");
  }

  @Test
  void theHandlerReadsTheFirstBytesAndAnswersWhileTheClientHasNotSentTheRest() throws Exception {
    App app = App.builder()
        .route("POST", "/first", streamed(1 << 20), (BlockingHandler) req -> {
          try {
            return Response.text("first " + new String(req.bodyStream().readNBytes(5), StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port())) {
      post(raw, 1, "/first");
      raw.data(1, "hello".getBytes(StandardCharsets.US_ASCII), false); // and nothing more
      RawH2.Frame answer = raw.answer(1, 10);
      assertThat(answer).as("answered before the body ended").isNotNull();
      assertThat(answer.type()).isEqualTo(RawH2.HEADERS);
      assertThat(answer.headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo("first hello");
      // The rest of the request is not needed: the stream is reset after the response (RFC 9113 8.1).
      RawH2.Frame reset = resetOf(raw, 1);
      assertThat(reset.type()).isEqualTo(RawH2.RST_STREAM);
      assertThat(reset.error()).isEqualTo(NO_ERROR);
      raw.data(1, new byte[100], true); // late DATA on the reset stream is ignored
      assertServes(raw, 3);
    }
  }

  /**
   * Middleware runs on the event loop, which delivers the DATA frames: a read of the stream there
   * would wait for that loop for good. It is refused at once; the stream is a 500 and the
   * connection goes on.
   */
  @Test
  void aReadOnTheEventLoopIsRefusedInsteadOfBlockingIt() throws Exception {
    AtomicReference<Thread> loop = new AtomicReference<>();
    App app = App.builder()
        .middleware(next -> req -> {
          if (req.path().equals("/s")) {
            loop.set(Thread.currentThread());
            try {
              req.bodyStream().readAllBytes(); // e.g. to check a signature over the body
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
          return next.call(req);
        })
        .route("POST", "/s", streamed(1 << 20), (BlockingHandler) req -> Response.text("unreached"))
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port())) {
      post(raw, 1, "/s");
      raw.data(1, "hello".getBytes(StandardCharsets.US_ASCII), false);
      RawH2.Frame answer = raw.answer(1, 10);
      if (answer == null && loop.get() != null) {
        loop.get().interrupt(); // frees the blocked loop, so that the server can stop after this failure
      }
      assertThat(answer).as("answered: the read did not block the loop").isNotNull();
      assertThat(answer.type()).isEqualTo(RawH2.HEADERS);
      assertThat(answer.headers().status().toString()).isEqualTo("500");
      assertServes(raw, 3);
    }
  }

  /**
   * The server announces its stream window and widens the connection's; a client that never
   * acknowledges the SETTINGS keeps to the protocol's 64 KiB, and the reads the handler hands back
   * in batches still reopen that window (a batch sized for 256 KiB would hold it shut for good).
   */
  @Test
  void theReadsReopenTheWindowTheServerHasInForce() throws Exception {
    App app = App.builder()
        .route("POST", "/all", streamed(1 << 20), (BlockingHandler) req -> {
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port(), false)) {
      RawH2.Frame settings = raw.await(f -> f.type() == RawH2.SETTINGS && (f.flags() & RawH2.ACK) == 0, 10);
      assertThat(settings).as("the server's SETTINGS").isNotNull();
      int announced = settings.setting(4); // SETTINGS_INITIAL_WINDOW_SIZE
      assertThat(announced).as("the stream window announced").isEqualTo(WINDOW);
      RawH2.Frame widened = raw.await(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 0, 10);
      assertThat(widened).as("the connection's window widened").isNotNull();
      assertThat(ByteBuffer.wrap(widened.payload()).getInt())
          .as("the body budget: 100 stream windows and maxBodySize")
          .isEqualTo(100 * WINDOW + 64 * 1024 - 65_535);
      post(raw, 1, "/all");
      int window = 65_535; // unacknowledged: the server keeps the protocol's window
      for (int sent = 0; sent < window; sent += FRAME) {
        raw.data(1, new byte[Math.min(FRAME, window - sent)], false);
      }
      RawH2.Frame update = raw.await(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 1 || f.type() == RawH2.EOF, 10);
      assertThat(update).as("WINDOW_UPDATE for the stream once the handler read").isNotNull();
      assertThat(update.type()).isEqualTo(RawH2.WINDOW_UPDATE);
      raw.data(1, new byte[10], true);
      assertThat(raw.answer(1, 10).headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo("read " + (window + 10));
    }
  }

  @Test
  void aHandlerThatDoesNotReadHoldsTheClientAtTheStreamsWindowAndNotTheConnection() throws Exception {
    AtomicReference<InputStream> body = new AtomicReference<>();
    CountDownLatch mayRead = new CountDownLatch(1);
    App app = App.builder()
        .route("POST", "/slow", streamed(1 << 20), (BlockingHandler) req -> {
          body.set(req.bodyStream());
          try {
            mayRead.await();
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException | IOException e) {
            throw new IllegalStateException(e);
          }
        })
        .route("POST", "/whole", RouteOptions.defaults(), (BlockingHandler) req -> Response.text("whole " + req.body().length))
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port())) {
      raw.awaitServerSettings(); // its window, not the protocol's 64 KiB
      post(raw, 1, "/slow");
      for (int sent = 0; sent < WINDOW; sent += FRAME) {
        raw.data(1, new byte[Math.min(FRAME, WINDOW - sent)], false); // the whole window
      }
      Await.until(() -> body.get() != null && available(body.get()) == WINDOW, "the window's bytes held for the handler");
      raw.frame(RawH2.PING, 0, 0, new byte[8]);
      List<RawH2.Frame> seen = raw.until(f -> f.type() == RawH2.PING && (f.flags() & RawH2.ACK) != 0, 10);
      assertThat(seen).as("frames up to the PING's ack").isNotEmpty()
          .last().extracting(RawH2.Frame::type).isEqualTo(RawH2.PING);
      assertThat(seen).as("no window given back to the stream while its handler has not read")
          .noneMatch(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 1);
      // Another stream sends a body over the same connection while stream 1 holds its window: the
      // connection's window has room for it beside that one.
      post(raw, 3, "/whole");
      raw.data(3, new byte[FRAME], true);
      RawH2.Frame other = raw.answer(3, 10);
      assertThat(other.type()).isEqualTo(RawH2.HEADERS);
      assertThat(body(raw, 3)).isEqualTo("whole " + FRAME);
      mayRead.countDown(); // the handler reads: the window opens again
      RawH2.Frame update = raw.await(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 1, 10);
      assertThat(update).as("WINDOW_UPDATE once the handler read").isNotNull();
      int increment = ByteBuffer.wrap(update.payload()).getInt();
      assertThat(increment).isPositive();
      for (int sent = 0; sent < increment; sent += FRAME) {
        raw.data(1, new byte[Math.min(FRAME, increment - sent)], sent + FRAME >= increment);
      }
      assertThat(raw.answer(1, 10).headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo("read " + (WINDOW + increment));
    }
  }

  private static int available(InputStream in) {
    try {
      return in.available();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Netty's client, which keeps to the windows: 4 MiB reach the handler whole while the server holds one window at most. */
  @Test
  void aLargeUploadFromARealClientIsReadAsItArrives() throws Exception {
    HashedUpload.assertArrivesWhole(h2c(), HashedUpload.bytes(4 << 20), WINDOW);
  }

  @Test
  void aBodyPastTheRoutesLimitFailsTheReadAndResetsTheStreamOnly() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    App app = App.builder()
        .route("POST", "/limited", streamed(1000), (BlockingHandler) req -> {
          calls.incrementAndGet();
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port())) {
      // Counted: no content-length; the read throws once the bytes pass the limit.
      post(raw, 1, "/limited");
      raw.data(1, new byte[600], false);
      raw.data(1, new byte[600], false);
      RawH2.Frame answer = raw.answer(1, 10);
      assertThat(answer).as("answered while the client still sends").isNotNull();
      assertThat(answer.headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo(
          "failed: request body exceeds this route's limit of 1000 bytes (RouteOptions.streamedBody)");
      assertThat(resetOf(raw, 1).type()).isEqualTo(RawH2.RST_STREAM);
      // Declared: refused with 413 from its head, the handler never called.
      raw.headers(3, RawH2.request("POST", "/limited").set("content-length", "2000"), false);
      RawH2.Frame refused = raw.answer(3, 10);
      assertThat(refused.headers().status().toString()).isEqualTo("413");
      assertThat(resetOf(raw, 3).type()).isEqualTo(RawH2.RST_STREAM);
      assertThat(calls.get()).isEqualTo(1);
      assertServes(raw, 5);
    }
  }

  @Test
  void aResetOrAClosedConnectionEndsTheHandlersReadWithAnIOException() throws Exception {
    AtomicReference<CompletableFuture<Throwable>> failure = new AtomicReference<>();
    AtomicReference<CountDownLatch> reading = new AtomicReference<>();
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1))
        .route("POST", "/upload", RouteOptions.defaults().lane("one").streamedBody(1 << 20), (BlockingHandler) req -> {
          try {
            InputStream in = req.bodyStream();
            in.read();
            reading.get().countDown();
            in.readAllBytes();
            failure.get().complete(null);
          } catch (IOException e) {
            failure.get().complete(e);
          }
          return Response.text("done");
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, h2c())) {
      try (RawH2 raw = new RawH2(server.port())) {
        failure.set(new CompletableFuture<>());
        reading.set(new CountDownLatch(1));
        post(raw, 1, "/upload");
        raw.data(1, new byte[10], false);
        assertThat(reading.get().await(10, TimeUnit.SECONDS)).isTrue();
        raw.rst(1, CANCEL);
        assertThat(failure.get().get(10, TimeUnit.SECONDS)).as("the read after the reset").isInstanceOf(IOException.class);
        Await.until(() -> app.lanes().get("one").statistics().borrowed() == 0, "lane token returned");
        assertServes(raw, 3);
      }
      RawH2 raw = new RawH2(server.port());
      failure.set(new CompletableFuture<>());
      reading.set(new CountDownLatch(1));
      post(raw, 1, "/upload");
      raw.data(1, new byte[10], false);
      assertThat(reading.get().await(10, TimeUnit.SECONDS)).isTrue();
      raw.close();
      assertThat(failure.get().get(10, TimeUnit.SECONDS)).as("the read after the close").isInstanceOf(IOException.class);
      Await.until(() -> app.lanes().get("one").statistics().borrowed() == 0, "lane token returned");
    }
  }

  @Test
  void aBodyThatStopsArrivingFailsTheReadAfterTheBodyReadTimeout() throws Exception {
    App app = App.builder()
        .route("POST", "/upload", streamed(1 << 20), (BlockingHandler) req -> {
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, h2c().bodyReadTimeout(Duration.ofMillis(300)));
        RawH2 raw = new RawH2(server.port())) {
      post(raw, 1, "/upload");
      raw.data(1, new byte[10], false); // then nothing
      RawH2.Frame answer = raw.answer(1, 10);
      assertThat(answer.headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo(
          "failed: request body read timeout: the body stopped arriving (ServerConfig.bodyReadTimeout)");
      assertThat(resetOf(raw, 1).type()).isEqualTo(RawH2.RST_STREAM);
      assertThat(server.server().statistics().bodyReadTimeouts()).isEqualTo(1);
      assertServes(raw, 3);
    }
  }

  /**
   * While the handler holds the stream's window unread the client is held by flow control, not
   * slow: the body timer rests. Another stream whose body stalls from later on is the clock: its
   * 408 proves a body check ran past the held stream's own deadline.
   */
  @Test
  void theBodyTimerRestsWhileTheHandlerHoldsTheWindow() throws Exception {
    AtomicReference<InputStream> body = new AtomicReference<>();
    CountDownLatch mayRead = new CountDownLatch(1);
    App app = App.builder()
        .route("POST", "/slow", streamed(1 << 20), (BlockingHandler) req -> {
          body.set(req.bodyStream());
          try {
            mayRead.await();
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .route("POST", "/whole", RouteOptions.defaults(), (BlockingHandler) req -> Response.text("whole"))
        .build();
    try (TestClient server = TestClient.start(app, h2c().bodyReadTimeout(Duration.ofMillis(200)));
        RawH2 raw = new RawH2(server.port())) {
      raw.awaitServerSettings(); // its window, not the protocol's 64 KiB
      post(raw, 1, "/slow");
      for (int sent = 0; sent < WINDOW; sent += FRAME) {
        raw.data(1, new byte[Math.min(FRAME, WINDOW - sent)], false);
      }
      Await.until(() -> body.get() != null && available(body.get()) == WINDOW, "the window's bytes held for the handler");
      post(raw, 3, "/whole"); // its body never comes
      RawH2.Frame clock = raw.answer(3, 10);
      assertThat(clock.headers().status().toString()).isEqualTo("408");
      mayRead.countDown();
      RawH2.Frame update = raw.await(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 1, 10);
      assertThat(update).as("WINDOW_UPDATE once the handler read").isNotNull();
      raw.data(1, new byte[10], true);
      assertThat(raw.answer(1, 10).headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo("read " + (WINDOW + 10));
      assertThat(server.server().statistics().bodyReadTimeouts()).isEqualTo(1);
    }
  }

  /** As on HTTP/1.1 (and uvicorn): the 100 goes out at the handler's first read, not at the head. */
  @Test
  void the100ContinueWaitsForTheHandlersFirstRead() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch mayRead = new CountDownLatch(1);
    App app = App.builder()
        .route("POST", "/continue", streamed(1 << 20), (BlockingHandler) req -> {
          started.countDown();
          try {
            mayRead.await();
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException | IOException e) {
            throw new IllegalStateException(e);
          }
        })
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port())) {
      raw.headers(1, RawH2.request("POST", "/continue").set("expect", "100-continue"), false);
      assertThat(started.await(10, TimeUnit.SECONDS)).as("the handler runs from the head").isTrue();
      raw.frame(RawH2.PING, 0, 0, new byte[8]);
      List<RawH2.Frame> seen = raw.until(f -> f.type() == RawH2.PING && (f.flags() & RawH2.ACK) != 0, 10);
      assertThat(seen).as("no 100 before the handler reads").noneMatch(f -> f.stream() == 1);
      mayRead.countDown();
      RawH2.Frame interim = raw.answer(1, 10);
      assertThat(interim.headers().status().toString()).isEqualTo("100");
      raw.data(1, new byte[1000], true);
      RawH2.Frame answer = raw.answer(1, 10);
      assertThat(answer.headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo("read 1000");
    }
  }

  @Test
  void aStreamedRouteRefusesTheWholeBodyButReadsItsFormAsItArrives() throws Exception {
    App app = App.builder()
        .route("POST", "/whole", streamed(1 << 20), (BlockingHandler) req -> {
          String refused;
          try {
            req.body();
            refused = "no exception";
          } catch (IllegalStateException e) {
            refused = e.getMessage();
          }
          return Response.text(refused + " / form " + dev.lanes.forms.Form.read(req).fields().get("a"));
        })
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port())) {
      raw.headers(1, RawH2.request("POST", "/whole").set("content-type", "application/x-www-form-urlencoded"), false);
      raw.data(1, "a=1".getBytes(StandardCharsets.US_ASCII), true);
      assertThat(raw.answer(1, 10).headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).contains("is streamed (RouteOptions.streamedBody)").endsWith(" / form 1");
    }
  }

  /**
   * RFC 9113 8.1: trailers (a HEADERS frame after the DATA, ending the stream) end the request,
   * so they end a body streamed to its handler too, as a chunked body's trailer section ends it
   * on HTTP/1.1: the handler reads it to its end and answers, and the stream is not reset after.
   */
  @Test
  void trailersEndAStreamedBody() throws Exception {
    App app = App.builder()
        .route("POST", "/count", streamed(1 << 20), (BlockingHandler) req -> {
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, h2c()); RawH2 raw = new RawH2(server.port())) {
      raw.headers(1, RawH2.request("POST", "/count").add("te", "trailers"), false);
      raw.data(1, "hello".getBytes(StandardCharsets.US_ASCII), false);
      raw.headers(1, new io.netty.handler.codec.http2.DefaultHttp2Headers(false).add("x-checksum", "1"), true);
      RawH2.Frame answer = raw.answer(1, 10);
      assertThat(answer).as("answered once the trailers ended the body").isNotNull();
      assertThat(answer.type()).isEqualTo(RawH2.HEADERS);
      assertThat(answer.headers().status().toString()).isEqualTo("200");
      List<RawH2.Frame> rest = raw.until(f -> f.stream() == 1 && (f.flags() & RawH2.END_STREAM) != 0, 10);
      assertThat(rest).last().extracting(RawH2.Frame::type).isEqualTo(RawH2.DATA);
      assertThat(new String(rest.getLast().payload(), StandardCharsets.UTF_8)).isEqualTo("read 5");
      assertServes(raw, 3);
      assertThat(server.server().statistics().bodyReadTimeouts()).isZero();
    }
  }
}
