package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connection-level HTTP/1.x behaviour, spoken by hand over raw sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTest {
  private static final List<Integer> ORDER_STARTED = new CopyOnWriteArrayList<>();
  private static final CountDownLatch THIRD_DONE = new CountDownLatch(1);
  private static final AtomicReference<CountDownLatch> HANG_STARTED = new AtomicReference<>();
  private static final AtomicReference<CountDownLatch> HANG_INTERRUPTED = new AtomicReference<>();
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .get("/hello", req -> Response.text("hello"))
        .get("/stream", req -> StreamingResponse.of(List.of("a", "b").iterator(), "text/plain"))
        .post("/echo", req -> Response.text(req.method() + ":" + req.text()))
        .get("/bye", req -> Response.text("bye").withHeader("Connection", "close"))
        .get("/bye-stream", req -> StreamingResponse.of(List.of("a", "b").iterator(), "text/plain")
            .withHeader("Connection", "Keep-Alive, CLOSE"))
        .get("/streamed-status/{code:int}", req -> StreamingResponse.of(List.of("a", "b").iterator(), "text/plain")
            .withStatus(Integer.parseInt(req.pathParams().get("code"))))
        .get("/framed/te", req -> Response.text("hello").withHeader("Transfer-Encoding", "chunked"))
        .get("/framed/length", req -> StreamingResponse.of(List.of("a", "b").iterator(), "text/plain")
            .withHeader("Content-Length", "1"))
        .get("/framed/both", req -> StreamingResponse.of(List.of("a", "b").iterator(), "text/plain")
            .withHeader("Transfer-Encoding", "chunked").withHeader("Content-Length", "7"))
        .get("/order/{n:int}", req -> {
          int n = req.pathParams().getInt("n");
          ORDER_STARTED.add(n);
          // if these ran at the same time they would finish 3, 2, 1
          switch (n) {
            case 1 -> THIRD_DONE.await(300, TimeUnit.MILLISECONDS);
            case 2 -> THIRD_DONE.await(100, TimeUnit.MILLISECONDS);
            default -> THIRD_DONE.countDown();
          }
          return Response.text("response " + n);
        })
        .get("/hang", req -> {
          HANG_STARTED.get().countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            HANG_INTERRUPTED.get().countDown();
            throw e;
          }
          return Response.text("never");
        })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static String get(String path, String... headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + String.join("", headers) + "\r\n";
  }

  @Test
  void keepAliveServesManyRequestsOnOneConnection() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      for (int i = 0; i < 3; i++) {
        RawResponse r = c.send(get("/hello")).read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("hello");
        assertThat(r.header("connection")).isEmpty(); // HTTP/1.1 default: stays open
      }
      // HEAD on the same connection: a Content-Length but no body bytes, or the next response
      // would be misparsed
      RawResponse head = c.send("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n").readResponseToHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).contains("5");
      RawResponse after = c.send(get("/hello")).read();
      assertThat(after.text()).isEqualTo("hello");
      // asking to close is honoured
      RawResponse last = c.send(get("/hello", "Connection: close\r\n")).read();
      assertThat(last.header("connection")).contains("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  /**
   * A handler's {@code Connection: close} closes the connection after its response, as the
   * client's does (RFC 9112 9.6: the server must close and must not process further requests),
   * whatever the body; a request pipelined behind it gets no answer.
   */
  @Test
  void aHandlersConnectionCloseClosesTheConnectionAfterItsResponse() {
    for (String path : List.of("/bye", "/bye-stream")) {
      try (RawClient c = RawClient.connect(client.port())) {
        RawClient.Transcript t = c.send(get(path) + get("/hello")).readUntilClosed();
        assertThat(t.closed()).as(path).isTrue();
        assertThat(t.responses()).as(path).hasSize(1);
        assertThat(t.responses().get(0).headerValues("connection")).as(path).containsExactly("close");
      }
    }
  }

  /**
   * The framing is the server's: a handler's {@code Transfer-Encoding} or {@code Content-Length}
   * never goes out beside the server's own (RFC 9112 6.2: a message with Transfer-Encoding must
   * not have Content-Length; a client or proxy that trusts the wrong one misreads the stream),
   * nor says chunked over an HTTP/1.0 client's close-delimited body.
   */
  @Test
  void aHandlersFramingHeadersNeverContradictTheServersFraming() {
    for (String path : List.of("/framed/te", "/framed/length", "/framed/both")) {
      String expected = path.equals("/framed/te") ? "hello" : "ab";
      try (RawClient c = RawClient.connect(client.port())) {
        RawResponse get = c.send(get(path)).read();
        assertThat(get.text()).as(path).isEqualTo(expected);
        assertOneFraming(path, get);
        assertOneFraming("HEAD " + path, c.send("HEAD " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").readResponseToHead());
        assertThat(c.send(get("/hello")).read().text()).as("in sync after " + path).isEqualTo("hello");
      }
      RawClient.Transcript old = RawClient.exchange(client.port(), "GET " + path + " HTTP/1.0\r\n\r\n");
      assertThat(old.closed()).isTrue();
      assertThat(old.responses()).hasSize(1);
      assertThat(old.responses().get(0).header("transfer-encoding")).as("HTTP/1.0 " + path).isEmpty();
      assertThat(old.responses().get(0).text()).as("HTTP/1.0 " + path).isEqualTo(expected);
    }
  }

  /** 204 and 304 have no content (RFC 9110 6.4.1): a streamed body there sends nothing, not even chunks. */
  @Test
  void aStreamedBodyOnAStatusWithoutContentSendsNoFramingAndNoBytes() {
    for (int code : List.of(204, 304)) {
      try (RawClient c = RawClient.connect(client.port())) {
        RawResponse r = c.send(get("/streamed-status/" + code)).readResponseToHead();
        assertThat(r.status()).isEqualTo(code);
        assertThat(r.headerValues("transfer-encoding")).as(code + ": " + r.headers()).isEmpty();
        assertThat(c.send(get("/hello")).read().text()).as("in sync after " + code).isEqualTo("hello");
      }
    }
  }

  private static void assertOneFraming(String what, RawResponse r) {
    assertThat(r.headerValues("transfer-encoding").size() + r.headerValues("content-length").size())
        .as(what + ": " + r.headers()).isEqualTo(1);
  }

  @Test
  void headOfAStreamedResponseHasNoBodyNotEvenTheLastChunk() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse head = c.send("HEAD /stream HTTP/1.1\r\nHost: test\r\n\r\n").readResponseToHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("transfer-encoding")).contains("chunked");
      // A last chunk after the head would be read as the start of the next response.
      RawResponse get = c.send(get("/stream")).read();
      assertThat(get.text()).isEqualTo("ab");
      assertThat(c.send(get("/hello")).read().text()).isEqualTo("hello");
    }
  }

  @Test
  void http10GetsItsResponseThenTheConnectionCloses() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse r = c.send("GET /hello HTTP/1.0\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("hello");
      assertThat(r.header("connection")).contains("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void chunkedRequestBody() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
          + "7\r\nHello, \r\n" + "7\r\nchunked\r\n" + "1\r\n!\r\n" + "0\r\n\r\n");
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("POST:Hello, chunked!");
      // the connection is still in sync for the next request
      assertThat(c.send(get("/hello")).read().text()).isEqualTo("hello");
    }
  }

  /** The first request of a connection, or one after requests without a body. */
  @Test
  void expectContinueGetsItsInterimResponseBeforeTheBodyIsSent() throws Exception {
    String head = "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
        + "Expect: 100-continue\r\n\r\n";
    try (RawClient first = RawClient.connect(client.port()); RawClient later = RawClient.connect(client.port())) {
      assertThat(later.send(get("/hello")).read().text()).isEqualTo("hello");
      for (RawClient c : List.of(first, later)) {
        assertThat(c.send(head).readUntil("\r\n\r\n")).startsWith("HTTP/1.1 100 Continue\r\n");
        RawResponse r = c.send("hello").read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("POST:hello");
        assertThat(c.send(get("/hello")).read().text()).isEqualTo("hello");
      }
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInRequestOrder() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send(get("/order/1") + get("/order/2") + get("/order/3")); // one write
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RawResponse r = c.read();
        assertThat(r.status()).isEqualTo(200);
        bodies.add(r.text());
      }
      assertThat(bodies).containsExactly("response 1", "response 2", "response 3");
      assertThat(ORDER_STARTED).containsExactly(1, 2, 3);
      assertThat(c.send(get("/hello")).read().text()).isEqualTo("hello");
    }
  }

  @Test
  void http11WithoutHostIs400AndCloses() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse r = c.send("GET /hello HTTP/1.1\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text()).contains("Host");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse r = c.send("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(400);
    }
  }

  @Test
  void malformedRequestsAre400() throws Exception {
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse r = c.send("GET hello HTTP/1.1\r\nHost: test\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse r = c.send(get("/he%zzllo")).read();
      assertThat(r.status()).isEqualTo(400);
    }
  }

  @Test
  void clientDisconnectCancelsTheBlockingHandler() throws Exception {
    HANG_STARTED.set(new CountDownLatch(1));
    HANG_INTERRUPTED.set(new CountDownLatch(1));
    Lane endpoints = client.server().app().lanes().get(Lanes.ENDPOINTS);
    long cancelledBefore = endpoints.statistics().cancelled();
    RawClient c = RawClient.connect(client.port());
    c.send(get("/hang"));
    assertThat(HANG_STARTED.get().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(endpoints.statistics().borrowed()).isEqualTo(1);

    c.close();

    assertThat(HANG_INTERRUPTED.get().await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
    Await.value(endpoints::statistics, s -> s.borrowed() == 0, "the token to come back");
    Await.until(() -> client.server().inFlight() == 0, "the request to end");
    Await.until(() -> endpoints.statistics().cancelled() == cancelledBefore + 1, "the cancellation to be counted");
  }

  @Test
  void aBurstOf300ConnectsAllSucceed() throws Exception {
    int n = 300;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        results.add(pool.submit(() -> {
          go.await();
          try (RawClient c = RawClient.connect(client.port())) {
            RawResponse r = c.send(get("/hello", "Connection: close\r\n")).read();
            return r.text().equals("hello") ? r.status() : -1;
          }
        }));
      }
      go.countDown();
      int ok = 0;
      for (Future<Integer> f : results) {
        if (f.get(30, TimeUnit.SECONDS) == 200) {
          ok++;
        }
      }
      assertThat(ok).isEqualTo(n);
    }
  }

  @Test
  void port0IsReportedBack() throws Exception {
    App app = App.builder().get("/p", req -> Response.text("p")).build();
    try (Server server = Server.start(app, ServerConfig.builder().port(0).build())) {
      assertThat(server.port()).isPositive();
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(server.transport()).isIn("io_uring", "epoll", "nio");
      try (RawClient c = RawClient.connect(server.port())) {
        assertThat(c.send(get("/p")).read().text()).isEqualTo("p");
      }
      // a second server cannot take the same port, and says so
      App other = App.builder().build();
      assertThatThrownBy(() -> Server.start(other, ServerConfig.builder().port(server.port()).build()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen");
      other.close();
    } finally {
      app.close();
    }
  }

  @Test
  void closeLetsInFlightRequestsFinishThenStopsCleanly() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> loopThread = new AtomicReference<>();
    App app = App.builder()
        .get("/slow", req -> {
          started.countDown();
          release.await();
          return Response.text("finished");
        })
        .getAsync("/loop", req -> {
          loopThread.set(Thread.currentThread());
          return CompletableFuture.completedFuture(Response.text("loop"));
        })
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).ioThreads(1).build());
    int port = server.port();
    try (RawClient probe = RawClient.connect(port)) {
      assertThat(probe.send(get("/loop")).read().text()).isEqualTo("loop");
    }
    RawClient c = RawClient.connect(port);
    c.send(get("/slow"));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    AtomicBoolean closeReturned = new AtomicBoolean();
    Thread closer = Thread.ofPlatform().start(() -> {
      server.close();
      closeReturned.set(true);
    });
    Await.until(() -> !accepts(port), "the listener to close");
    assertThat(closeReturned).as("close waits for the in-flight request").isFalse();

    release.countDown();
    RawResponse r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("finished");
    assertThat(r.header("connection")).contains("close"); // draining: no keep-alive
    closer.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(closeReturned).isTrue();
    assertThat(c.closedByServer()).isTrue();
    c.close();

    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    Await.until(() -> !loopThread.get().isAlive(), "the event loop thread to end");
    server.close(); // idempotent
    app.close();
    assertThat(app.lanes().get(Lanes.ENDPOINTS).statistics().borrowed()).isZero();
  }

  private static boolean accepts(int port) {
    try {
      new Socket("127.0.0.1", port).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
