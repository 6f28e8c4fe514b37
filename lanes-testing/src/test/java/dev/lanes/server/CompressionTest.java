package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.github.luben.zstd.ZstdInputStream;
import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.streaming.EventSourceResponse;
import dev.lanes.streaming.ServerSentEvent;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Flow;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Response compression over real sockets: which encodings, which bodies, and which never. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressionTest {
  private static final String TEXT = "All work and no play makes Jack a dull boy. ".repeat(200); // ~9 KB
  private static final CountDownLatch FIRST_EVENT_READ = new CountDownLatch(1);

  @TempDir
  static Path dir;
  private static TestClient client;

  @BeforeAll
  static void start() throws IOException {
    Files.writeString(dir.resolve("page.html"), "<p>" + TEXT + "</p>");
    Files.write(dir.resolve("photo.png"), TEXT.getBytes(StandardCharsets.UTF_8));
    App app = App.builder()
        .get("/text", req -> Response.text(TEXT))
        .get("/json", req -> Response.json(java.util.Map.of("text", TEXT)))
        .get("/small", req -> Response.text("short"))
        .get("/png", req -> Response.bytes(TEXT.getBytes(StandardCharsets.UTF_8), "image/png"))
        .get("/page", req -> FileResponse.of(req, dir.resolve("page.html")))
        .route("GET", "/secret", RouteOptions.defaults().compress(false),
            (BlockingHandler) req -> Response.text(TEXT))
        .get("/events", req -> EventSourceResponse.of(events()))
        .get("/tagged", req -> Response.text(TEXT).withHeader("ETag", "\"t1\""))
        .get("/unchanged", req -> Response.of(304, "text/plain",
            new ResponseBody.Bytes(TEXT.getBytes(StandardCharsets.UTF_8))).withHeader("ETag", "\"t1\""))
        .get("/stream", req -> StreamingResponse.of(List.of(TEXT).iterator(), "text/plain"))
        .get("/published", req -> StreamingResponse.publisher(once(TEXT.getBytes(StandardCharsets.UTF_8)),
            "text/plain"))
        .build();
    client = TestClient.start(app, ServerConfig.builder().compression(Compression.on().minSize(1024)));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private TestResponse get(String path, String acceptEncoding) {
    return client.send(client.request(path).header("Accept-Encoding", acceptEncoding));
  }

  @Test
  void gzipBrAndZstdAreChosenFromAcceptEncodingAndDecodeToTheBody() throws IOException {
    TestResponse gzip = get("/text", "gzip");
    assertThat(gzip.header("content-encoding")).contains("gzip");
    assertThat(gzip.headerValues("vary")).contains("accept-encoding");
    assertThat(gzip.body().length).isLessThan(TEXT.length() / 10);
    assertThat(decode("gzip", gzip.body())).isEqualTo(TEXT);

    TestResponse br = get("/text", "gzip;q=0.5, br");
    assertThat(br.header("content-encoding")).contains("br");
    assertThat(decode("br", br.body())).isEqualTo(TEXT);

    TestResponse zstd = get("/json", "zstd");
    assertThat(zstd.header("content-encoding")).contains("zstd");
    assertThat(decode("zstd", zstd.body())).contains(TEXT);
  }

  @Test
  void aClientThatAsksForNothingGetsTheBodyAsItIsButStillVary() {
    TestResponse r = get("/text", "identity");
    assertThat(r.header("content-encoding")).isEmpty();
    assertThat(r.text()).isEqualTo(TEXT);
    assertThat(r.headerValues("vary")).contains("accept-encoding");
  }

  /**
   * Responses to requests without {@code Accept-Encoding} skip the compressor, those with it go
   * through: pipelined on one connection, each still gets its own treatment, in order.
   */
  @Test
  void pipelinedRequestsWithAndWithoutAcceptEncodingEachGetTheirOwnAnswer() throws IOException {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n"
          + "GET /text HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n"
          + "GET /small HTTP/1.1\r\nHost: a\r\n\r\n"
          + "GET /text HTTP/1.1\r\nHost: a\r\n\r\n");
      List<RawResponse> rs = c.read(4);
      assertThat(rs.get(0).header("content-encoding")).isEmpty();
      assertThat(rs.get(0).headerValues("vary")).contains("accept-encoding");
      assertThat(rs.get(0).text()).isEqualTo(TEXT);
      assertThat(rs.get(1).header("content-encoding")).contains("gzip");
      assertThat(decode("gzip", rs.get(1).body())).isEqualTo(TEXT);
      assertThat(rs.get(2).header("vary")).as("too small to be compressed for anyone").isEmpty();
      assertThat(rs.get(2).text()).isEqualTo("short");
      assertThat(rs.get(3).header("content-encoding")).isEmpty();
      assertThat(rs.get(3).headerValues("vary")).contains("accept-encoding");
      assertThat(rs.get(3).text()).isEqualTo(TEXT);
    }
  }

  @Test
  void smallBodiesAlreadyCompressedTypesAndRoutesThatSayNoAreNotCompressed() {
    TestResponse small = get("/small", "gzip");
    assertThat(small.header("content-encoding")).isEmpty();
    assertThat(small.text()).isEqualTo("short");
    TestResponse png = get("/png", "gzip");
    assertThat(png.header("content-encoding")).isEmpty();
    assertThat(png.header("vary")).isEmpty();
    TestResponse secret = get("/secret", "gzip, br");
    assertThat(secret.header("content-encoding")).isEmpty();
    assertThat(secret.text()).isEqualTo(TEXT);
  }

  @Test
  void filesAreCompressedButRangesNever() throws IOException {
    String page = "<p>" + TEXT + "</p>";
    TestResponse whole = get("/page", "gzip");
    assertThat(whole.header("content-encoding")).contains("gzip");
    assertThat(decode("gzip", whole.body())).isEqualTo(page);
    TestResponse range = client.send(client.request("/page").header("Accept-Encoding", "gzip")
        .header("Range", "bytes=3-12"));
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.header("content-encoding")).isEmpty();
    assertThat(range.text()).isEqualTo(page.substring(3, 13));
  }

  /**
   * A compressed 200 does not say {@code Accept-Ranges: bytes}: a range is served of the identity
   * body only (never compressed), so a client resuming the coded download it got with a
   * {@code Range} request would splice identity bytes onto coded ones (nginx's gzip filter drops
   * the field too). The identity 200, its HEAD and the 206 itself keep it.
   */
  @Test
  void aCompressedBodyDoesNotAdvertiseRangesOfItsCoding() {
    TestResponse gzip = get("/page", "gzip");
    assertThat(gzip.header("content-encoding")).contains("gzip");
    assertThat(gzip.header("accept-ranges")).as("GET, gzip").isEmpty();
    TestResponse head = send("HEAD", "/page", "gzip");
    assertThat(head.header("content-encoding")).contains("gzip");
    assertThat(head.header("accept-ranges")).as("HEAD, gzip").isEmpty();
    assertThat(get("/page", "identity").header("accept-ranges")).as("GET, identity").contains("bytes");
    assertThat(send("GET", "/page", null).header("accept-ranges")).as("GET, no Accept-Encoding").contains("bytes");
    assertThat(send("HEAD", "/page", null).header("accept-ranges")).as("HEAD, no Accept-Encoding").contains("bytes");
    TestResponse range = client.send(client.request("/page").header("Accept-Encoding", "gzip").header("Range", "bytes=0-9"));
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.header("content-encoding")).isEmpty();
    assertThat(range.header("accept-ranges")).as("the 206, of the identity body").contains("bytes");
  }

  /**
   * RFC 9110 9.3.2: the answer to a HEAD has the fields its GET's would (the same coding, Vary
   * and weak ETag), and no Content-Length when the GET's body is compressed, for every kind of
   * body: in memory, typed JSON, file, written stream, published stream.
   */
  @Test
  void aHeadSaysWhatItsGetWould() {
    for (String path : List.of("/text", "/json", "/page", "/stream", "/published", "/tagged", "/small", "/png",
        "/secret")) {
      for (String acceptEncoding : new String[] {"gzip", null}) {
        TestResponse get = send("GET", path, acceptEncoding);
        TestResponse head = send("HEAD", path, acceptEncoding);
        String what = "HEAD " + path + " with Accept-Encoding " + acceptEncoding + ": ";
        for (String field : List.of("content-encoding", "vary", "etag", "content-type", "accept-ranges")) {
          assertThat(head.headerValues(field)).as(what + field).isEqualTo(get.headerValues(field));
        }
        assertThat(head.header("content-length")).as(what + "content-length")
            .isEqualTo(get.header("content-encoding").isPresent() ? java.util.Optional.empty()
                : get.header("content-length"));
        assertThat(head.body()).isEmpty();
      }
    }
    assertThat(send("GET", "/tagged", "gzip").header("etag")).contains("W/\"t1\"");
  }

  /**
   * {@code Accept-Encoding} on two lines is one list (RFC 9110 5.3), and Netty's encoder reads it
   * so for a GET: a HEAD and a handler's 304 read it whole too, and say what that GET says (its
   * coding, its weak ETag).
   */
  @Test
  void anAcceptEncodingOnTwoLinesIsOneListForAHeadAndA304Too() {
    String lines = "Host: a\r\nAccept-Encoding: deflate\r\nAccept-Encoding: gzip\r\n";
    RawResponse get;
    try (RawClient c = RawClient.connect(client.port())) {
      get = c.send("GET /tagged HTTP/1.1\r\n" + lines + "\r\n").read();
    }
    assertThat(get.header("content-encoding")).contains("gzip");
    assertThat(get.header("etag")).contains("W/\"t1\"");
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse head = c.send("HEAD /tagged HTTP/1.1\r\n" + lines + "\r\n").readResponseToHead();
      assertThat(head.header("content-encoding")).as("HEAD").contains("gzip");
      assertThat(head.header("etag")).as("HEAD").contains("W/\"t1\"");
    }
    try (RawClient c = RawClient.connect(client.port())) {
      RawResponse notModified = c.send("GET /unchanged HTTP/1.1\r\n" + lines + "\r\n").readResponseToHead();
      assertThat(notModified.status()).isEqualTo(304);
      assertThat(notModified.header("etag")).as("304").contains("W/\"t1\"");
    }
  }

  /** A HEAD that closes the connection after its answer says what its GET would too. */
  @Test
  void aHeadClosingTheConnectionSaysWhatItsGetWould() throws Exception {
    TestResponse get = send("GET", "/text", "gzip");
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse head = raw.send("HEAD /text HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n"
          + "Connection: close\r\n\r\n").readResponseToHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-encoding")).isEqualTo(get.header("content-encoding"));
      assertThat(head.headerValues("vary")).isEqualTo(get.headerValues("vary"));
      assertThat(head.header("content-length")).isEmpty();
    }
  }

  private TestResponse send(String method, String path, String acceptEncoding) {
    var request = client.request(path).method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
    return client.send(acceptEncoding == null ? request : request.header("Accept-Encoding", acceptEncoding));
  }

  /** A publisher of one chunk. */
  private static Flow.Publisher<byte[]> once(byte[] chunk) {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public void request(long n) {
        if (!done) {
          done = true;
          subscriber.onNext(chunk);
          subscriber.onComplete();
        }
      }

      @Override
      public void cancel() {
        done = true;
      }
    });
  }

  @Test
  void eachServerSentEventArrivesCompressedBeforeTheNextIsProduced() throws Exception {
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(
        client.request("/events").header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("content-encoding")).contains("gzip");
    try (InputStream in = new GZIPInputStream(r.body(), 64)) {
      // The producer waits for this test to read the first event before it makes the second:
      // a compressor that held the first back would never let this read return.
      assertThat(readUntil(in, "\n\n")).isEqualTo("data: one\n\n");
      FIRST_EVENT_READ.countDown();
      assertThat(readUntil(in, "\n\n")).isEqualTo("data: two\n\n");
    }
  }

  private static Iterator<ServerSentEvent> events() {
    return new Iterator<>() {
      int n;

      @Override
      public boolean hasNext() {
        return n < 2;
      }

      @Override
      public ServerSentEvent next() {
        if (n >= 2) {
          throw new NoSuchElementException();
        }
        if (n == 1) {
          try {
            FIRST_EVENT_READ.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        return ServerSentEvent.of(++n == 1 ? "one" : "two");
      }
    };
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder out = new StringBuilder();
    int c;
    while (!out.toString().endsWith(end) && (c = in.read()) >= 0) {
      out.append((char) c);
    }
    return out.toString();
  }

  private static String decode(String encoding, byte[] body) throws IOException {
    InputStream raw = new ByteArrayInputStream(body);
    InputStream in = switch (encoding) {
      case "gzip" -> new GZIPInputStream(raw);
      case "br" -> {
        Brotli4jLoader.ensureAvailability();
        yield new BrotliInputStream(raw);
      }
      case "zstd" -> new ZstdInputStream(raw);
      default -> throw new IllegalArgumentException(encoding);
    };
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
