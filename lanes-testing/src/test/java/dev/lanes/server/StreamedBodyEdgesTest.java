package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edges of streamed request bodies ({@code RouteOptions.streamedBody}) over real sockets: a
 * handler that returns while reading is paused, middleware that answers in the handler's place,
 * requests without a body, 100-continue refused from its head, and a server closing while a
 * handler waits in a read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamedBodyEdgesTest {
  private static final long LIMIT = 64L * 1024 * 1024;

  private static String post(String path, String framing) {
    return "POST " + path + " HTTP/1.1\r\nHost: test\r\n" + framing + "\r\n";
  }

  private static int available(InputStream in) {
    try {
      return in.available();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: test\r\n\r\n";

  /**
   * The handler returns once reading is paused (256 KiB unread) with less than the skip limit
   * left: the socket is read again, the rest skipped, and the next request on the connection answered.
   */
  @Test
  void aHandlerReturningWhileReadingIsPausedLeavesTheConnectionReading() {
    App app = App.builder()
        .route("POST", "/paused", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> {
          InputStream in = req.bodyStream();
          Await.until(() -> available(in) >= 256 * 1024, "reading paused");
          return Response.text("left " + available(in));
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
        RawClient raw = RawClient.connect(server.port())) {
      int size = 400 * 1024;
      raw.send(post("/paused", "Content-Length: " + size + "\r\n") + "p".repeat(size));
      RawResponse r = raw.read();
      assertThat(r.text()).startsWith("left ");
      assertThat(r.header("connection")).isEmpty();
      assertThat(raw.send(HELLO).read().text()).isEqualTo("hello");
    }
  }

  /**
   * Middleware answers without calling the handler: the body nobody reads is skipped (short) or
   * the connection closed (long), and either way the next bytes are never read as a request.
   */
  @Test
  void middlewareAnsweringInTheHandlersPlaceLeavesTheConnectionFramed() {
    App app = App.builder()
        .middleware(next -> req -> req.header("x-deny").isPresent()
            ? CompletableFuture.completedFuture(Response.text(403, "denied")) : next.call(req))
        .route("POST", "/upload", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> {
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)))) {
      try (RawClient raw = RawClient.connect(server.port())) {
        // The body looks like a request: it must be skipped as a body, not served.
        String body = "GET /hello HTTP/1.1\r\nHost: test\r\n\r\n";
        RawResponse r = raw.send(post("/upload", "X-Deny: 1\r\nContent-Length: " + body.length() + "\r\n") + body
            + post("/upload", "Content-Length: 3\r\n") + "abc").read();
        assertThat(r.status()).isEqualTo(403);
        assertThat(raw.read().text()).isEqualTo("read 3");
      }
      try (RawClient raw = RawClient.connect(server.port())) {
        RawResponse r = raw.send(post("/upload", "X-Deny: 1\r\nContent-Length: 10000000\r\n") + "x".repeat(1000)).read();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("connection")).contains("close");
        assertThat(raw.closedByServer()).isTrue();
      }
    }
  }

  /** GET, HEAD and OPTIONS without a body on a streamed route: an empty stream, framed as usual. */
  @Test
  void requestsWithoutABodyOnAStreamedRouteReadAnEmptyStream() {
    RouteOptions streamed = RouteOptions.defaults().streamedBody(LIMIT);
    BlockingHandler count = req -> {
      try {
        return Response.text("read " + req.bodyStream().readAllBytes().length);
      } catch (IOException e) {
        return Response.text("failed: " + e.getMessage());
      }
    };
    App app = App.builder()
        .route("GET", "/s", streamed, count)
        .route("OPTIONS", "/s", streamed, count)
        .route("POST", "/s", streamed, count)
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
        RawClient raw = RawClient.connect(server.port())) {
      RawResponse head = raw.send("HEAD /s HTTP/1.1\r\nHost: test\r\n\r\n").readResponseToHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).contains("6");
      var rs = raw.send("GET /s HTTP/1.1\r\nHost: test\r\n\r\n"
          + "OPTIONS /s HTTP/1.1\r\nHost: test\r\n\r\n"
          + post("/s", "Content-Length: 0\r\n")
          + post("/s", "Transfer-Encoding: chunked\r\n") + "0\r\n\r\n").read(4);
      assertThat(rs).extracting(RawResponse::text).containsOnly("read 0");
    }
  }

  /**
   * A streamed route whose lane is full: a head that expects 100-continue gets its 503 at once,
   * no 100 before it, and the connection closes (the body may follow anyway).
   */
  @Test
  void aFullLaneRefusesAStreamedHeadExpectingContinueWithoutA100() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1).maxWaiting(0))
        .route("POST", "/s", RouteOptions.defaults().lane("one").streamedBody(LIMIT), (BlockingHandler) req -> {
          inside.countDown();
          try {
            release.await();
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException | IOException e) {
            return Response.text("failed");
          }
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
        RawClient first = RawClient.connect(server.port());
        RawClient second = RawClient.connect(server.port())) {
      first.send(post("/s", "Content-Length: 3\r\n") + "abc");
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      RawResponse r = second.send(post("/s", "Content-Length: 5\r\nExpect: 100-continue\r\n")).read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("connection")).contains("close");
      release.countDown();
      assertThat(first.read().text()).isEqualTo("read 3");
    }
  }

  /**
   * The server closes while a handler waits in a read for a body that stopped coming: past the
   * grace period the connection is cut, the read fails, and the close ends.
   */
  @Test
  void aServerClosingWhileAHandlerWaitsInARead() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    App app = App.builder()
        .route("POST", "/s", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> {
          try {
            InputStream in = req.bodyStream();
            in.read(new byte[4]);
            reading.countDown();
            in.readAllBytes();
            outcome.complete(null);
          } catch (IOException e) {
            outcome.complete(e);
          }
          return Response.text("done");
        })
        .build();
    TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofMillis(500))
        .bodyReadTimeout(Duration.ofSeconds(60)));
    try (RawClient raw = RawClient.connect(server.port())) {
      raw.send(post("/s", "Content-Length: 100000\r\n") + "abcdefgh");
      assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
      server.close();
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }
  }

  /**
   * The server closes while a streamed upload is under way: it is read to its end, served and
   * answered with Connection: close, as docs/shutdown.md says of uploads, then the close ends.
   */
  @Test
  void aServerClosingDuringAStreamedUploadServesItWhole() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    App app = App.builder()
        .route("POST", "/s", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> {
          try {
            InputStream in = req.bodyStream();
            byte[] first = new byte[4];
            int n = in.read(first);
            reading.countDown();
            return Response.text("read " + (n + in.readAllBytes().length));
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .build();
    TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(20)));
    int size = 1_000_000;
    try (RawClient raw = RawClient.connect(server.port())) {
      raw.send(post("/s", "Content-Length: " + size + "\r\n") + "a".repeat(1000));
      assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
      Await.until(() -> !accepts(server.port()), "the server stops accepting");
      RawResponse r = raw.send("b".repeat(size - 1000)).read();
      assertThat(r.text()).isEqualTo("read " + size);
      assertThat(r.header("connection")).contains("close");
      closed.get(20, TimeUnit.SECONDS);
    }
  }

  private static boolean accepts(int port) {
    try {
      new java.net.Socket("127.0.0.1", port).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A streamed head that expects 100-continue gets its 100 only when its handler first reads, so
   * its client rightly sends nothing until then: the body read timer must not run meanwhile. Here
   * the handler works three body read timeouts before reading; the body then arrives whole.
   */
  @Test
  void theBodyTimerWaitsForTheHeld100Continue() {
    App app = App.builder()
        .route("POST", "/s", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> {
          try {
            new CountDownLatch(1).await(900, TimeUnit.MILLISECONDS); // its work before it reads
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException | IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
            .bodyReadTimeout(Duration.ofMillis(300)));
        RawClient raw = RawClient.connect(server.port())) {
      RawResponse first = raw.send(post("/s", "Content-Length: 5\r\nExpect: 100-continue\r\n")).read();
      assertThat(first.status()).isEqualTo(100);
      RawResponse r = raw.send("hello").read();
      assertThat(r.text()).isEqualTo("read 5");
    }
  }

  /**
   * A response body whose writer reads the request body (after the response began) with a 100
   * still owed: the read fails, as any read after the response is written does, and no
   * {@code 100 Continue} is written into the middle of the response.
   */
  @Test
  void aReadAfterTheResponseBeganSendsNo100IntoIt() {
    App app = App.builder()
        .route("POST", "/echo", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req ->
            Response.of(200, "text/plain", new dev.lanes.http.ResponseBody.Written(out -> {
              out.write("start ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
              try {
                req.bodyStream().read(new byte[10]);
                out.write("read".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
              } catch (IOException e) {
                out.write("failed".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
              }
            }, "streaming", -1)))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
        RawClient raw = RawClient.connect(server.port())) {
      RawClient.Transcript t = raw.send(post("/echo", "Content-Length: 5\r\nExpect: 100-continue\r\n"))
          .readUntilClosed();
      assertThat(t.text()).doesNotContain("100 Continue");
      assertThat(t.responses()).extracting(RawResponse::text).containsExactly("start failed");
    }
  }

  /**
   * A client that half-closes its side before its declared length came: the handler's read
   * fails instead of waiting for bytes that cannot come, and the lane's token returns.
   */
  @Test
  void aHalfCloseBeforeTheDeclaredLengthFailsTheRead() throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    CountDownLatch reading = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1))
        .route("POST", "/s", RouteOptions.defaults().lane("one").streamedBody(LIMIT), (BlockingHandler) req -> {
          try {
            InputStream in = req.bodyStream();
            int n = in.readNBytes(10).length;
            reading.countDown();
            n += in.readAllBytes().length;
            outcome.complete(null);
            return Response.text("read " + n);
          } catch (IOException e) {
            outcome.complete(e);
            return Response.text("failed: " + e.getMessage());
          }
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
            .bodyReadTimeout(Duration.ofSeconds(60)))) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
        socket.getOutputStream().write((post("/s", "Content-Length: 100\r\n") + "0123456789")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue(); // else a close may cancel it before it runs
        socket.shutdownOutput();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
      }
      try (RawClient raw = RawClient.connect(server.port())) {
        assertThat(raw.send(post("/s", "Content-Length: 3\r\n") + "abc").read().text()).isEqualTo("read 3");
      }
    }
  }

  /**
   * A large streamed body pipelined behind a slow request is held (reading pauses) until its
   * turn, then read whole; requests with and without bodies behind it are answered in order.
   */
  @Test
  void aLargeStreamedBodyPipelinedBehindASlowRequestIsServedInOrder() throws Exception {
    CountDownLatch slowMayEnd = new CountDownLatch(1);
    CountDownLatch slowStarted = new CountDownLatch(1);
    App app = App.builder()
        .get("/slow", (BlockingHandler) req -> {
          slowStarted.countDown();
          try {
            slowMayEnd.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Response.text("slow");
        })
        .route("POST", "/s", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> {
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .post("/whole", req -> Response.text("whole " + req.body().length))
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
        RawClient raw = RawClient.connect(server.port())) {
      int size = 2 * 1024 * 1024;
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> raw.send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"
          + post("/s", "Content-Length: " + size + "\r\n") + "s".repeat(size)
          + post("/whole", "Content-Length: 4\r\n") + "abcd"
          + post("/s", "Transfer-Encoding: chunked\r\n") + "3\r\nxyz\r\n0\r\n\r\n"
          + HELLO));
      Await.until(() -> slowStarted.getCount() == 0, "the slow request runs");
      slowMayEnd.countDown();
      var rs = raw.read(5);
      sent.get(10, TimeUnit.SECONDS);
      assertThat(rs).extracting(RawResponse::text)
          .containsExactly("slow", "read " + size, "whole 4", "read 3", "hello");
    }
  }

  /**
   * A request answered early whose rest is being skipped, and whose client then stops sending:
   * the body read timer closes the connection (its answer is out already), instead of leaving it
   * open and unread for ever.
   */
  @Test
  void aSkippedBodyThatStallsClosesTheConnection() {
    App app = App.builder()
        .route("POST", "/early", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> Response.text("early"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
            .bodyReadTimeout(Duration.ofMillis(300)).keepAliveTimeout(Duration.ofSeconds(60)));
        RawClient raw = RawClient.connect(server.port())) {
      RawResponse r = raw.send(post("/early", "Content-Length: 100000\r\n") + "e".repeat(1000)).read();
      assertThat(r.text()).isEqualTo("early");
      assertThat(r.header("connection")).isEmpty(); // the rest is to be skipped
      assertThat(raw.closedByServer()).as("closed once the skipped body stalls").isTrue();
    }
  }

  /**
   * A streamed request refused by a full lane without expecting 100: its 503 comes at once, its
   * short body is skipped, and the connection serves the next request.
   */
  @Test
  void aFullLaneRefusesAStreamedRequestAndSkipsItsBody() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1).maxWaiting(0))
        .route("POST", "/s", RouteOptions.defaults().lane("one").streamedBody(LIMIT), (BlockingHandler) req -> {
          inside.countDown();
          try {
            release.await();
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException | IOException e) {
            return Response.text("failed");
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
        RawClient first = RawClient.connect(server.port());
        RawClient second = RawClient.connect(server.port())) {
      first.send(post("/s", "Content-Length: 3\r\n") + "abc");
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      String body = "GET /nope HTTP/1.1\r\nHost: test\r\n\r\n"; // a body, not a request (a 404 if read as one)
      RawResponse r = second.send(post("/s", "Content-Length: " + body.length() + "\r\n") + body).read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("connection")).isEmpty();
      RawResponse next = second.send(HELLO).read();
      assertThat(next.text()).isEqualTo("hello");
      release.countDown();
      assertThat(first.read().text()).isEqualTo("read 3");
    }
  }

  /**
   * A streamed request that expects 100-continue, pipelined behind a file still being sent in
   * chunks (compressed here; over TLS too): the file's exchange ends once the file is queued, so
   * the streamed handler runs and reads while the file's chunks still go out. Its 100 must wait
   * behind the file's last chunk, as an aggregated body's held-back 100 does; written at once, in
   * the middle of the file, Netty's encoder refused it and it was lost, so the client waited for a
   * 100 that never came.
   */
  @Test
  void a100ForAStreamedBodyWaitsBehindAFileStillBeingSent(@TempDir Path dir)
      throws Exception {
    // Random text: compressible as a type, so it goes out in chunks, but not much smaller, so
    // the socket's buffers cannot take it all while the client does not read.
    byte[] random = new byte[9 * 1024 * 1024];
    new Random(7).nextBytes(random);
    Path big = dir.resolve("big.txt");
    Files.write(big, Base64.getEncoder().encode(random));
    CountDownLatch asked = new CountDownLatch(1);
    App app = App.builder()
        .get("/big", req -> FileResponse.of(req, big, "text/plain"))
        .route("POST", "/s", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req -> {
          InputStream in = req.bodyStream();
          in.read(new byte[0]); // asks for the body: its 100
          asked.countDown();
          return Response.text("read " + in.readAllBytes().length);
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
            .compression(Compression.on()));
        RawClient raw = RawClient.connectWithReceiveBuffer(server.port(), 8 * 1024)) {
      raw.send("GET /big HTTP/1.1\r\nHost: test\r\nAccept-Encoding: gzip\r\n\r\n"
          + post("/s", "Content-Length: 5\r\nExpect: 100-continue\r\n"));
      assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
      RawResponse file = raw.read();
      assertThat(file.status()).isEqualTo(200);
      assertThat(file.header("content-encoding")).contains("gzip");
      RawResponse interim = raw.read();
      assertThat(interim.status()).isEqualTo(100);
      assertThat(raw.send("hello").read().text()).isEqualTo("read 5");
    }
  }

  /**
   * An expectation other than 100-continue is refused with 417 on a streamed route as on any
   * other (RFC 9110 10.1.1); the streamed head passed the aggregator, which refuses it, so its
   * handler ran and read the body as if nothing had been asked.
   */
  @Test
  void anUnsupportedExpectationIs417OnAStreamedRouteToo() {
    App app = App.builder()
        .route("POST", "/s", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req ->
            Response.text("read " + req.bodyStream().readAllBytes().length))
        .post("/whole", req -> Response.text("read " + req.body().length))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)))) {
      for (String path : new String[] {"/whole", "/s"}) {
        try (RawClient raw = RawClient.connect(server.port())) {
          RawResponse r = raw.send(post(path, "Content-Length: 5\r\nExpect: something-else\r\n") + "hello").read();
          assertThat(r.status()).as(path).isEqualTo(417);
          assertThat(r.text()).as(path).contains("only 100-continue");
          assertThat(raw.closedByServer()).as(path).isTrue();
        }
      }
    }
  }

  /**
   * Middleware runs on the event loop: a read of a streamed body there waits for bytes only that
   * loop can deliver, so it blocked the loop for good (every connection on it, its timers, the
   * server's stop). The read is refused at once, naming where to read instead: the request is a
   * 500 and the connection goes on.
   */
  @Test
  void aReadOnTheEventLoopIsRefusedInsteadOfBlockingIt() {
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
        .route("POST", "/s", RouteOptions.defaults().streamedBody(LIMIT), (BlockingHandler) req ->
            Response.text("read " + req.bodyStream().readAllBytes().length))
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
        RawClient raw = RawClient.connect(server.port())) {
      RawResponse r;
      try {
        r = raw.send(post("/s", "Content-Length: 5\r\n") + "hello").read();
      } catch (java.io.UncheckedIOException noAnswer) {
        loop.get().interrupt(); // frees the blocked loop, so that the server can stop after this failure
        throw new AssertionError("no answer: the read blocked the event loop", noAnswer);
      }
      assertThat(r.status()).isEqualTo(500);
      assertThat(raw.send(HELLO).read().text()).isEqualTo("hello");
    }
  }
}
