package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route with {@code RouteOptions.streamedBody} hands its blocking handler the request body as
 * it arrives, over real sockets: the server holds only a few chunks of it at a time, whatever the
 * body's size; its own limit replaces the server's {@code maxBodySize}; failures reach the
 * handler as IOExceptions; what the handler leaves unread is skipped or the connection closed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamedBodyTest {
  private static final int SERVER_MAX_BODY = 64 * 1024;
  private static final long ROUTE_LIMIT = 64L * 1024 * 1024;
  private static TestClient client;
  private static final AtomicInteger maxHeld = new AtomicInteger();
  private static final AtomicInteger limitedCalls = new AtomicInteger();
  private static volatile CompletableFuture<Throwable> abortSeen = new CompletableFuture<>();
  private static volatile CountDownLatch abortReading = new CountDownLatch(1);
  private static volatile CountDownLatch continueStarted = new CountDownLatch(1);
  private static volatile CountDownLatch continueMayRead = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    RouteOptions streamed = RouteOptions.defaults().streamedBody(ROUTE_LIMIT);
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1))
        .route("POST", "/hash", streamed, (BlockingHandler) req -> {
          InputStream in = req.bodyStream();
          // The body arrives before it is read: the server takes some, then stops reading.
          Await.until(() -> held(in) >= 128 * 1024 || isShort(req), "some of the body buffered");
          MessageDigest sha = sha256();
          byte[] buf = new byte[8192];
          long total = 0;
          try {
            for (int n; (n = in.read(buf)) >= 0; ) {
              maxHeld.accumulateAndGet(in.available(), Math::max);
              sha.update(buf, 0, n);
              total += n;
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return Response.text(total + " " + HexFormat.of().formatHex(sha.digest()));
        })
        .route("POST", "/limited", RouteOptions.defaults().streamedBody(1000), (BlockingHandler) req -> {
          limitedCalls.incrementAndGet();
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            return Response.text(200, "failed: " + e.getMessage());
          }
        })
        .route("POST", "/whole", streamed, (BlockingHandler) req -> {
          try {
            req.body();
            return Response.text("no exception");
          } catch (IllegalStateException e) {
            return Response.text(e.getMessage());
          }
        })
        .route("POST", "/abort", RouteOptions.defaults().lane("one").streamedBody(ROUTE_LIMIT), (BlockingHandler) req -> {
          try {
            InputStream in = req.bodyStream();
            in.read(new byte[10]);
            abortReading.countDown();
            in.readAllBytes();
            abortSeen.complete(null);
          } catch (IOException e) {
            abortSeen.complete(e);
          }
          return Response.text("done");
        })
        .route("POST", "/early", streamed, (BlockingHandler) req -> Response.text("early"))
        .route("POST", "/continue", streamed, (BlockingHandler) req -> {
          continueStarted.countDown();
          try {
            continueMayRead.await();
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    client = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
        .maxBodySize(SERVER_MAX_BODY).bodyReadTimeout(Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  /** The body's bytes the server holds unread. */
  private static int held(InputStream in) {
    try {
      return in.available();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean isShort(Request req) {
    return req.header("content-length").map(Long::parseLong).orElse(0L) < 128 * 1024; // chunked: a short one here
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] block(int i, int size) {
    byte[] b = new byte[size];
    for (int j = 0; j < size; j++) {
      b[j] = (byte) (i * 31 + j * 7);
    }
    return b;
  }

  private static String post(String path, String framing) {
    return "POST " + path + " HTTP/1.1\r\nHost: test\r\n" + framing + "\r\n";
  }

  /**
   * 50 MB, 780 times the server's maxBodySize, reach the handler whole and in order, while the
   * server never holds more than a few hundred KiB of them: the client's writes wait for the
   * handler's reads.
   */
  @Test
  void aLargeUploadIsReadAsItArrivesWithLittleHeldByTheServer() throws Exception {
    int blocks = 800;
    int size = 64 * 1024;
    MessageDigest sha = sha256();
    for (int i = 0; i < blocks; i++) {
      sha.update(block(i, size));
    }
    long length = (long) blocks * size;
    try (RawClient raw = RawClient.connect(client.port(), Duration.ofSeconds(60))) {
      Thread writer = Thread.ofVirtual().start(() -> {
        raw.send(post("/hash", "Content-Length: " + length + "\r\n"));
        for (int i = 0; i < blocks; i++) {
          raw.send(block(i, size));
        }
      });
      RawResponse r = raw.read();
      writer.join();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(length + " " + HexFormat.of().formatHex(sha.digest()));
    }
    assertThat(maxHeld.get()).as("bytes the server held unread").isPositive().isLessThanOrEqualTo(1024 * 1024);
  }

  @Test
  void aChunkedBodyIsStreamedToo() throws Exception {
    MessageDigest sha = sha256();
    StringBuilder chunks = new StringBuilder();
    long length = 0;
    for (int i = 0; i < 5; i++) {
      byte[] b = block(i, 1000 + i);
      sha.update(b);
      length += b.length;
      chunks.append(Integer.toHexString(b.length)).append("\r\n")
          .append(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)).append("\r\n");
    }
    chunks.append("0\r\n\r\n");
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse r = raw.send(post("/hash", "Transfer-Encoding: chunked\r\n") + chunks).read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(length + " " + HexFormat.of().formatHex(sha.digest()));
      // The connection goes on: the next request is read right after the body.
      assertThat(raw.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n").read().text()).isEqualTo("hello");
    }
  }

  @Test
  void bodyOnAStreamedRouteNamesTheOption() {
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse r = raw.send(post("/whole", "Content-Length: 3\r\n") + "abc").read();
      assertThat(r.text()).contains("streamed").contains("RouteOptions.streamedBody").contains("bodyStream()");
    }
  }

  /** The route's limit, not the server's, and refused from the head when the length says so. */
  @Test
  void aDeclaredLengthOverTheRoutesLimitIs413BeforeTheHandlerRuns() {
    int before = limitedCalls.get();
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse r = raw.send(post("/limited", "Content-Length: 1001\r\n")).read();
      assertThat(r.status()).isEqualTo(413);
    }
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse r = raw.send(post("/limited", "Content-Length: 1000\r\n") + "x".repeat(1000)).read();
      assertThat(r.text()).isEqualTo("read 1000");
    }
    assertThat(limitedCalls.get()).isEqualTo(before + 1);
  }

  @Test
  void aChunkedBodyPastTheLimitFailsTheStreamAndClosesTheConnection() {
    try (RawClient raw = RawClient.connect(client.port())) {
      String chunk = Integer.toHexString(600) + "\r\n" + "y".repeat(600) + "\r\n";
      RawResponse r = raw.send(post("/limited", "Transfer-Encoding: chunked\r\n") + chunk + chunk + "0\r\n\r\n").read();
      assertThat(r.text()).isEqualTo("failed: request body exceeds this route's limit of 1000 bytes"
          + " (RouteOptions.streamedBody)");
      assertThat(r.header("connection")).contains("close");
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  /** The handler's read throws, and its lane's only token comes back for the next request. */
  @Test
  void aClientThatLeavesMidBodyFailsTheStream() throws Exception {
    abortSeen = new CompletableFuture<>();
    abortReading = new CountDownLatch(1);
    try (RawClient raw = RawClient.connect(client.port())) {
      raw.send(post("/abort", "Content-Length: 100000\r\n") + "z".repeat(1000));
      assertThat(abortReading.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(abortSeen.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    abortSeen = new CompletableFuture<>();
    abortReading = new CountDownLatch(1);
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse r = raw.send(post("/abort", "Content-Length: 10\r\n") + "0123456789").read();
      assertThat(r.text()).isEqualTo("done");
    }
    assertThat(abortSeen.get(10, TimeUnit.SECONDS)).isNull();
  }

  /**
   * A handler that answers without reading: a short rest is skipped and the connection kept (the
   * next request is answered), a long one closes the connection after the answer, as in Go's net/http.
   */
  @Test
  void aHandlerThatReturnsEarlyHasItsBodySkippedOrTheConnectionClosed() {
    try (RawClient raw = RawClient.connect(client.port())) {
      String body = "q".repeat(100_000);
      RawResponse r = raw.send(post("/early", "Content-Length: " + body.length() + "\r\n") + body).read();
      assertThat(r.text()).isEqualTo("early");
      assertThat(r.header("connection")).isEmpty();
      assertThat(raw.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n").read().text()).isEqualTo("hello");
    }
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse r = raw.send(post("/early", "Content-Length: 10000000\r\n") + "q".repeat(1000)).read();
      assertThat(r.text()).isEqualTo("early");
      assertThat(r.header("connection")).contains("close");
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  /**
   * A request answered before its body ended owes nothing once the body is skipped: the
   * connection's keep-alive timer starts again and closes it when idle.
   */
  @Test
  void aSkippedBodyLeavesTheConnectionTimedAsIdle() {
    App app = App.builder()
        .route("POST", "/early", RouteOptions.defaults().streamedBody(ROUTE_LIMIT),
            (BlockingHandler) req -> Response.text("early"))
        .build();
    try (TestClient idle = TestClient.start(app, ServerConfig.builder().port(0)
            .shutdownGrace(Duration.ofSeconds(5)).keepAliveTimeout(Duration.ofMillis(300)));
        RawClient raw = RawClient.connect(idle.port())) {
      RawResponse r = raw.send(post("/early", "Content-Length: 100000\r\n")).read();
      assertThat(r.text()).isEqualTo("early");
      assertThat(r.header("connection")).isEmpty();
      raw.send("w".repeat(100_000)); // skipped by the server, then the connection idles
      assertThat(raw.closedByServer()).as("closed by the keep-alive timeout").isTrue();
    }
  }

  /** The 100 goes out when the handler first reads, not when the head arrives. */
  @Test
  void oneHundredContinueIsSentAtTheFirstRead() {
    continueStarted = new CountDownLatch(1);
    continueMayRead = new CountDownLatch(1);
    try (RawClient raw = RawClient.connect(client.port())) {
      raw.send(post("/continue", "Content-Length: 5\r\nExpect: 100-continue\r\n"));
      Await.until(() -> continueStarted.getCount() == 0, "the handler runs");
      AtomicReference<RawResponse> first = new AtomicReference<>();
      continueMayRead.countDown();
      first.set(raw.read());
      assertThat(first.get().status()).isEqualTo(100);
      RawResponse r = raw.send("hello").read();
      assertThat(r.text()).isEqualTo("read 5");
    }
  }

  /**
   * A client that stops sending mid-body: the handler's read fails naming the timeout, and the
   * connection closes after its answer.
   */
  @Test
  void aStalledBodyFailsTheStreamNamingTheTimeout() {
    App app = App.builder()
        .route("POST", "/read", RouteOptions.defaults().streamedBody(ROUTE_LIMIT), (BlockingHandler) req -> {
          try {
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (IOException e) {
            return Response.text("failed: " + e.getMessage());
          }
        })
        .build();
    try (TestClient slow = TestClient.start(app, ServerConfig.builder().port(0)
            .shutdownGrace(Duration.ofSeconds(5)).bodyReadTimeout(Duration.ofMillis(300)));
        RawClient raw = RawClient.connect(slow.port())) {
      RawResponse r = raw.send(post("/read", "Content-Length: 100\r\n") + "only ten b").read();
      assertThat(r.text()).startsWith("failed: request body read timeout").contains("bodyReadTimeout");
      assertThat(r.header("connection")).contains("close");
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  /**
   * Over HTTP/2 the body is not streamed yet: it is read whole (up to maxBodySize) and handed to
   * the handler as its bodyStream() all the same, body() refused as over HTTP/1.1.
   */
  @Test
  void overHttp2AStreamedRouteGetsItsBodyReadWholeAsAStream() throws Exception {
    App app = App.builder()
        .route("POST", "/count", RouteOptions.defaults().streamedBody(ROUTE_LIMIT), (BlockingHandler) req -> {
          try {
            req.body();
            return Response.text("body() allowed");
          } catch (IllegalStateException e) {
            try {
              return Response.text("read " + req.bodyStream().readAllBytes().length);
            } catch (IOException io) {
              throw new java.io.UncheckedIOException(io);
            }
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    try (TestClient h2c = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
            .h2c(true));
        java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_2).build()) {
      java.net.URI base = java.net.URI.create("http://127.0.0.1:" + h2c.port());
      h2.send(java.net.http.HttpRequest.newBuilder(base.resolve("/hello")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()); // the upgrade to h2c
      var r = h2.send(java.net.http.HttpRequest.newBuilder(base.resolve("/count"))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[30_000])).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
      assertThat(r.body()).isEqualTo("read 30000");
    }
  }

  @Test
  void aRequestPipelinedBehindAStreamedOneIsAnsweredInOrder() {
    try (RawClient raw = RawClient.connect(client.port())) {
      List<RawResponse> rs = raw.send(post("/limited", "Content-Length: 4\r\n") + "abcd"
          + "GET /hello HTTP/1.1\r\nHost: test\r\n\r\n"
          + post("/limited", "Transfer-Encoding: chunked\r\n") + "3\r\nxyz\r\n0\r\n\r\n").read(3);
      assertThat(rs).extracting(RawResponse::text).containsExactly("read 4", "hello", "read 3");
    }
  }
}
