package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.middleware.HttpsRedirect;
import dev.lanes.middleware.TrustedHost;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A frame-level client sending what RFC 9113 calls malformed, or holding the server's resources. */
@Timeout(60)
class Http2HostileClientTest {
  private final AtomicInteger served = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

  private App app() {
    return App.builder()
        .get("/h", req -> {
          served.incrementAndGet();
          seen.add(String.valueOf(req.header("x-foo").orElse(null)));
          return Response.text("x-foo=" + req.header("x-foo").orElse(""));
        })
        .post("/p", req -> {
          served.incrementAndGet();
          seen.add(req.header("content-length").orElse("-") + " vs " + req.body().length);
          return Response.text("got " + req.body().length);
        })
        .build();
  }

  private static String describe(RawH2.Frame f) {
    return f == null ? "nothing" : f.toString();
  }

  /** RFC 9113 8.2.1: a field value with NUL, CR or LF is malformed (8.1.1: a stream error PROTOCOL_ERROR). */
  @Test
  void aFieldValueWithCrLfIsMalformed() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/h").add("x-foo", "a\r\nx-injected: 1"), true);
      RawH2.Frame f = c.answer(1, 10);
      assertThat(served.get()).as("handler ran with x-foo %s; answer %s", seen, describe(f)).isZero();
      assertThat(f.type()).as(describe(f)).isEqualTo(RawH2.RST_STREAM);
    }
  }

  @Test
  void aFieldValueWithNulIsMalformed() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/h").add("x-foo", "a\0b"), true);
      RawH2.Frame f = c.answer(1, 10);
      assertThat(served.get()).as("handler ran with x-foo %s; answer %s", seen, describe(f)).isZero();
    }
  }

  /** RFC 9113 8.1.1: content-length not equal to the sum of DATA payloads is malformed. */
  @Test
  void aContentLengthThatDoesNotMatchTheDataIsMalformed() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/p").add("content-length", "5"), false);
      c.data(1, new byte[10], true);
      RawH2.Frame f = c.answer(1, 10);
      assertThat(served.get()).as("handler saw %s; answer %s", seen, describe(f)).isZero();
    }
  }

  /** RFC 9113 8.1.1: a body shorter than its content-length is malformed too, trailers or not. */
  @Test
  void aBodyShorterThanItsContentLengthIsMalformed() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/p").add("content-length", "10"), false);
      c.data(1, new byte[3], true);
      c.headers(3, RawH2.request("POST", "/p").add("content-length", "10"), false);
      c.data(3, new byte[3], false);
      c.headers(3, new io.netty.handler.codec.http2.DefaultHttp2Headers(false).add("x-trailer", "1"), true);
      c.headers(5, RawH2.request("POST", "/p").add("content-length", "10"), true);
      String answers = describe(c.answer(1, 10)) + "; " + describe(c.answer(3, 10)) + "; " + describe(c.answer(5, 10));
      assertThat(served.get()).as("handler saw %s; answers %s", seen, answers).isZero();
      assertThat(answers).isEqualTo("RST_STREAM 1 1; RST_STREAM 3 1; RST_STREAM 5 1");
      assertThat(server.server().statistics().badRequests()).as("one bad request per stream").isEqualTo(3);
    }
  }

  /** RFC 9113 8.1: trailers (HEADERS after DATA, ending the stream) end the request; its body is served whole. */
  @Test
  void trailersEndTheRequest() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/p").add("content-length", "5").add("te", "trailers"), false);
      c.data(1, new byte[2], false);
      c.data(1, new byte[3], false);
      c.headers(1, new io.netty.handler.codec.http2.DefaultHttp2Headers(false).add("x-checksum", "abc"), true);
      RawH2.Frame f = c.answer(1, 10);
      assertThat(f.type()).as(describe(f)).isEqualTo(RawH2.HEADERS);
      assertThat(f.headers().status().toString()).isEqualTo("200");
      RawH2.Frame body = c.await(x -> x.stream() == 1 && x.type() == RawH2.DATA, 10);
      assertThat(new String(body.payload())).isEqualTo("got 5");
      assertThat(seen).containsExactly("5 vs 5");
    }
  }

  /** RFC 9113 8.1: trailers must not include pseudo-header fields. */
  @Test
  void trailersWithPseudoHeadersAreMalformed() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/p"), false);
      c.data(1, new byte[3], false);
      c.headers(1, new io.netty.handler.codec.http2.DefaultHttp2Headers(false).path("/other"), true);
      RawH2.Frame f = c.answer(1, 10);
      assertThat(served.get()).as("handler saw %s; answer %s", seen, describe(f)).isZero();
    }
  }

  /** RFC 9113 8.2.2: te other than "trailers" is malformed; connection-specific fields too. */
  @Test
  void teOtherThanTrailersAndConnectionFieldsAreMalformed() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/h").add("te", "gzip"), true);
      c.headers(3, RawH2.request("GET", "/h").add("connection", "close"), true);
      c.headers(5, RawH2.request("GET", "/h").add("transfer-encoding", "chunked"), true);
      c.headers(7, RawH2.request("GET", "/h").add("X-Upper", "1"), true);
      c.headers(9, RawH2.request("GET", "/h").add("keep-alive", "1"), true);
      c.headers(11, RawH2.request("GET", "/h").add("upgrade", "websocket"), true);
      c.headers(13, RawH2.request("GET", "/h").add("proxy-connection", "close"), true);
      StringBuilder answers = new StringBuilder();
      for (int id = 1; id <= 13; id += 2) {
        answers.append(describe(c.answer(id, 10))).append("; ");
      }
      assertThat(served.get()).as("answers %s", answers).isZero();
    }
  }

  /**
   * RFC 9113 8.3.1: a Host field that differs from :authority SHOULD make the request malformed;
   * at the very least the Host HTTP/1.1 would refuse must not reach TrustedHost and HttpsRedirect
   * (Http2AuthorityTest fixed that for :authority only).
   */
  @Test
  void aHostFieldBesideAValidAuthorityIsValidatedToo() throws Exception {
    App app = App.builder()
        .middleware(TrustedHost.of("*.example.com"))
        .middleware(HttpsRedirect.toDefaultPort())
        .get("/hi", req -> Response.text("hi"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/hi").authority("a.example.com").add("host", "evil.com/.example.com"), true);
      RawH2.Frame f = c.answer(1, 10);
      assertThat(f).isNotNull();
      String where = f.headers() == null ? describe(f) : describe(f) + " location=" + f.headers().get("location");
      assertThat(f.type() == RawH2.RST_STREAM || "400".contentEquals(f.headers().status())).as(where).isTrue();
    }
  }

  /**
   * HPACK bomb: one 4000-byte field put in the dynamic table, then a block of 100 one-byte
   * references to it (400 KB decoded, maxHeaderSize 8192): refused, never served.
   */
  @Test
  void aSmallBlockThatExpandsPastMaxHeaderSizeIsRefused() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      first.write(new byte[] {(byte) 0x82, (byte) 0x86}); // :method GET, :scheme http
      first.write(0x04); // :path, literal without indexing, name index 4
      first.write(2);
      first.write("/h".getBytes());
      first.write(0x01); // :authority literal without indexing
      first.write(9);
      first.write("127.0.0.1".getBytes());
      first.write(0x40); // literal with incremental indexing, new name
      first.write(5);
      first.write("x-foo".getBytes());
      first.write(new byte[] {0x7f, (byte) 0xa1, 0x1e}); // length 4000
      first.write("a".repeat(4000).getBytes());
      c.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, first.toByteArray());
      RawH2.Frame f1 = c.answer(1, 10);
      assertThat(f1.type()).as(describe(f1)).isEqualTo(RawH2.HEADERS);
      ByteArrayOutputStream bomb = new ByteArrayOutputStream();
      bomb.write(new byte[] {(byte) 0x82, (byte) 0x86, 0x04, 2});
      bomb.write("/h".getBytes());
      bomb.write(0x01);
      bomb.write(9);
      bomb.write("127.0.0.1".getBytes());
      for (int i = 0; i < 100; i++) {
        bomb.write(0xbe); // dynamic index 62: x-foo: aaaa...
      }
      c.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 3, bomb.toByteArray());
      RawH2.Frame f = c.answer(3, 10);
      assertThat(served.get()).as("served %s; answer %s", served.get(), describe(f)).isEqualTo(1);
      assertThat(server.server().statistics().badRequests()).as("a head too large, as HTTP/1.1's 431").isEqualTo(1);
    }
  }

  /**
   * Slowloris over HTTP/2: a stream whose head came and whose body never does. HTTP/1.1 gives
   * such a body bodyReadTimeout; here the stream (and the connection, which never counts as idle
   * with a stream open) stays for ever.
   */
  @Test
  void aStreamWhoseBodyNeverComesIsNotHeldForEver() throws Exception {
    ServerConfig.Builder config = ServerConfig.builder().h2c(true)
        .requestHeadTimeout(Duration.ofMillis(300))
        .bodyReadTimeout(Duration.ofMillis(300))
        .keepAliveTimeout(Duration.ofMillis(300));
    try (TestClient server = TestClient.start(app(), config);
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/p").add("content-length", "10"), false);
      c.data(1, new byte[1], false); // one byte, then nothing
      RawH2.Frame f = c.answer(1, 8);
      assertThat(f).as("after 8 s (timeouts 300 ms) the stream and its connection are still open").isNotNull();
    }
  }

  /**
   * A head reset for its fields is a bad request, as its HTTP/1.1 equivalent (a 400) is: counted
   * once each in {@code badRequests}, whether Lanes or Netty's header validation refused it.
   */
  @Test
  void aHeadResetForItsFieldsIsCountedAsABadRequest() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      long before = server.server().statistics().badRequests();
      c.headers(1, new io.netty.handler.codec.http2.DefaultHttp2Headers(false).method("GET").scheme("http")
          .authority("127.0.0.1"), true); // no :path
      c.headers(3, new io.netty.handler.codec.http2.DefaultHttp2Headers(false).method("CONNECT").scheme("http")
          .authority("127.0.0.1:443"), true); // CONNECT with :scheme
      c.headers(5, RawH2.request("GET", "/h").add("X-Upper", "1"), true);
      c.headers(7, RawH2.request("GET", "/h").add("connection", "close"), true);
      StringBuilder answers = new StringBuilder();
      for (int id = 1; id <= 7; id += 2) {
        answers.append(describe(c.answer(id, 10))).append("; ");
      }
      assertThat(answers.toString()).isEqualTo("RST_STREAM 1 1; RST_STREAM 3 1; RST_STREAM 5 1; RST_STREAM 7 1; ");
      assertThat(server.server().statistics().badRequests() - before).as(answers.toString()).isEqualTo(4);
      c.headers(9, RawH2.request("GET", "/h"), true);
      assertThat(describe(c.answer(9, 10))).as("the connection still serves").startsWith("HEADERS 9");
      assertThat(server.server().statistics().badRequests() - before).isEqualTo(4);
    }
  }

  /** RFC 9113 8.3: a pseudo-header field repeated, or one not defined for requests, makes the request malformed. */
  @Test
  void aDuplicatePathOrUnknownPseudoHeaderIsMalformed() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/h").add(":path", "/other"), true);
      c.headers(3, RawH2.request("GET", "/h").add(":foo", "bar"), true);
      c.headers(5, RawH2.request("GET", "/h").add(":status", "200"), true);
      String answers = describe(c.answer(1, 10)) + "; " + describe(c.answer(3, 10)) + "; " + describe(c.answer(5, 10));
      assertThat(served.get()).as("answers %s", answers).isZero();
    }
  }

  /**
   * A client that opens a streamed response with a zero window and never opens it: on HTTP/1.1
   * sendTimeout cuts such a connection and the producer's token returns; on HTTP/2 the producer
   * blocks (holding its lane token) for as long as the client likes.
   */
  @Test
  void aZeroWindowStallDoesNotHoldTheProducerForEver() throws Exception {
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    App app = App.builder()
        .get("/endless", req -> dev.lanes.streaming.StreamingResponse.writer(out -> {
          try {
            for (int i = 0; i < 1_000_000; i++) {
              out.write(new byte[1024]);
            }
          } finally {
            ended.countDown();
          }
        }, "application/octet-stream"))
        .build();
    ServerConfig.Builder config = ServerConfig.builder().h2c(true)
        .sendTimeout(Duration.ofMillis(300)).keepAliveTimeout(Duration.ofMillis(300));
    try (TestClient server = TestClient.start(app, config);
        RawH2 c = new RawH2(server.port())) {
      // SETTINGS_INITIAL_WINDOW_SIZE (4) = 0: no DATA may be sent on any stream.
      c.frame(RawH2.SETTINGS, 0, 0, new byte[] {0, 4, 0, 0, 0, 0});
      c.headers(1, RawH2.request("GET", "/endless"), true);
      RawH2.Frame head = c.answer(1, 10);
      assertThat(head.type()).as(describe(head)).isEqualTo(RawH2.HEADERS);
      assertThat(ended.await(8, java.util.concurrent.TimeUnit.SECONDS))
          .as("producer still blocked 8 s after its stream stalled (sendTimeout 300 ms)").isTrue();
    }
  }

  /**
   * A client that opens every stream's window but never the connection's: after its first 64 KiB
   * no stream can send. The stalled stream is reset by sendTimeout, its producer stops and its lane
   * token returns; the connection still serves a body-less answer.
   */
  @Test
  void aConnectionWindowThatNeverOpensDoesNotHoldTheProducerOrItsToken() throws Exception {
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    App app = App.builder()
        .get("/endless", req -> dev.lanes.streaming.StreamingResponse.writer(out -> {
          try {
            while (true) {
              out.write(new byte[1024]);
            }
          } finally {
            ended.countDown();
          }
        }, "application/octet-stream"))
        .get("/h", req -> Response.status(204))
        .build();
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).sendTimeout(Duration.ofMillis(300));
    try (TestClient server = TestClient.start(app, config);
        RawH2 c = new RawH2(server.port())) {
      // SETTINGS_INITIAL_WINDOW_SIZE (4) = 2^31-1 for streams; the connection's stays at 65 535.
      c.frame(RawH2.SETTINGS, 0, 0, new byte[] {0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      c.headers(1, RawH2.request("GET", "/endless"), true);
      RawH2.Frame reset = c.await(f -> f.stream() == 1 && f.type() == RawH2.RST_STREAM || f.type() == RawH2.EOF, 10);
      assertThat(reset).as("stream 1 reset by sendTimeout").isNotNull();
      assertThat(ended.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("producer stopped").isTrue();
      dev.lanes.testing.Await.until(() -> app.lanes().get(dev.lanes.concurrency.Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
      c.headers(3, RawH2.request("GET", "/h"), true);
      RawH2.Frame f = c.answer(3, 10);
      assertThat(f.type()).as(describe(f)).isEqualTo(RawH2.HEADERS);
    }
  }

  /** CVE-2023-44487: HEADERS + RST_STREAM in a loop ends with GOAWAY(ENHANCE_YOUR_CALM). */
  @Test
  void rapidResetEndsTheConnection() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      int id = 1;
      try {
        for (int i = 0; i < 400; i++, id += 2) {
          c.headers(id, RawH2.request("GET", "/h"), true);
          c.rst(id, 8);
        }
      } catch (java.net.SocketException closedByTheServer) {
        // the server ended the connection before the flood was all written: read what came below
      }
      RawH2.Frame f = c.await(x -> x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
      assertThat(f).isNotNull();
      if (f.type() == RawH2.GOAWAY) {
        assertThat(f.error()).as("ENHANCE_YOUR_CALM").isEqualTo(11);
      }
      // else EOF: the server closed; with the flood unread on its side the close is a reset, which
      // can discard its GOAWAY before the client reads it (even when every write went through)
    }
  }

  /** MadeYouReset (CVE-2025-55163): WINDOW_UPDATE 0 on a running stream makes the server reset it. */
  @Test
  void madeYouResetEndsTheConnection() throws Exception {
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    App app = App.builder()
        .get("/slow", req -> {
          started.incrementAndGet();
          never.await();
          return Response.text("x");
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      int id = 1;
      try {
        for (int i = 0; i < 400; i++, id += 2) {
          c.headers(id, RawH2.request("GET", "/slow"), true);
          c.windowUpdate(id, 0);
        }
      } catch (java.net.SocketException closedByTheServer) {
        // as above: the server ended the connection mid-flood
      }
      RawH2.Frame f = c.await(x -> x.type() == RawH2.GOAWAY || x.type() == RawH2.EOF, 10);
      assertThat(f).as("handlers started: %s", started.get()).isNotNull();
      // GOAWAY, or EOF: the server closed, its reset discarding the GOAWAY (as above)
      assertThat(f.type()).as(describe(f) + " started " + started.get()).isIn(RawH2.GOAWAY, RawH2.EOF);
    } finally {
      never.countDown();
    }
  }

  /**
   * maxConcurrentStreams (SETTINGS_MAX_CONCURRENT_STREAMS) holds for a client that never
   * acknowledges the server's SETTINGS: streams past it are refused, their handlers never run.
   */
  @Test
  void maxConcurrentStreamsHoldsForAClientThatNeverAcksSettings() throws Exception {
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    App app = App.builder()
        .get("/slow", req -> {
          started.incrementAndGet();
          never.await();
          return Response.text("x");
        })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxConcurrentStreams(2));
        RawH2 c = new RawH2(server.port(), false)) {
      for (int id = 1; id <= 19; id += 2) {
        c.headers(id, RawH2.request("GET", "/slow"), true);
      }
      // Stream 19 is the tenth: by the time it is refused or started, all ten were read.
      RawH2.Frame last = c.await(f -> f.stream() == 19 && f.type() == RawH2.RST_STREAM, 3);
      dev.lanes.testing.Await.until(() -> started.get() >= 2, "two handlers started");
      long end = System.nanoTime() + 2_000_000_000L;
      while (started.get() <= 2 && System.nanoTime() < end) {
        Thread.onSpinWait();
        Thread.sleep(10); // bounded: a started third handler shows within 2 s
      }
      assertThat(started.get()).as("handlers running at once with maxConcurrentStreams 2; last stream %s",
          describe(last)).isEqualTo(2);
    } finally {
      never.countDown();
    }
  }
}
