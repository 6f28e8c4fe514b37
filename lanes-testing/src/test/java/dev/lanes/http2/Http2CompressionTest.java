package dev.lanes.http2;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.github.luben.zstd.ZstdInputStream;
import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.Compression;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.server.Tls;
import dev.lanes.streaming.EventSourceResponse;
import dev.lanes.streaming.ServerSentEvent;
import dev.lanes.streaming.StreamingResponse;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Response compression per stream over h2c and h2 over TLS, with the rules HTTP/1.1 has: the
 * coding from the stream's {@code accept-encoding}, {@code vary} on what could be compressed, no
 * {@code content-length} once compressed, never small bodies, images, ranges, bodies the app
 * encoded itself or routes that said no; files and server-sent events too, each event arriving
 * before the next is produced.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2CompressionTest {
  private static final String TEXT = "All work and no play makes Jack a dull boy. ".repeat(200); // ~9 KB
  /** Per test case, by the {@code accept-encoding} its request sends. */
  private static final Map<String, CountDownLatch> FIRST_EVENT_READ = new ConcurrentHashMap<>();

  @TempDir
  static Path dir;
  private static Server server;
  private static byte[] gzippedText;

  @BeforeAll
  static void start() throws IOException {
    Files.writeString(dir.resolve("page.html"), "<p>" + TEXT + "</p>");
    Files.writeString(dir.resolve("big.txt"), TEXT.repeat(20)); // ~180 KB: many 16 KiB chunks
    gzippedText = gzip(TEXT);
    App app = App.builder()
        .get("/text", req -> Response.text(TEXT))
        .get("/json", req -> Response.json(Map.of("text", TEXT)))
        .get("/small", req -> Response.text("short"))
        .get("/png", req -> Response.bytes(TEXT.getBytes(StandardCharsets.UTF_8), "image/png"))
        .get("/encoded", req -> Response.bytes(gzippedText, "text/plain").withHeader("Content-Encoding", "gzip"))
        .get("/page", req -> FileResponse.of(req, dir.resolve("page.html")))
        .get("/big", req -> FileResponse.of(req, dir.resolve("big.txt")))
        .route("GET", "/secret", RouteOptions.defaults().compress(false),
            (BlockingHandler) req -> Response.text(TEXT))
        .get("/events", req -> EventSourceResponse.of(events(req.header("accept-encoding").orElse(""))))
        .get("/tagged", req -> Response.text(TEXT).withHeader("ETag", "\"t1\""))
        .get("/stream", req -> StreamingResponse.of(List.of(TEXT).iterator(), "text/plain"))
        .get("/published", req -> StreamingResponse.publisher(
            once(TEXT.getBytes(StandardCharsets.UTF_8)), "text/plain"))
        .build();
    server = Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(Tls.selfSigned("localhost"))
        .h2c(true).compression(Compression.on().minSize(1024)).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<String> transports() {
    return List.of("h2c", "h2");
  }

  private static H2Client connect(String transport) throws Exception {
    return transport.equals("h2c") ? H2Client.connect(server.port())
        : H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK);
  }

  private static H2Client.Stream get(H2Client client, String path, String acceptEncoding, String... more)
      throws Exception {
    Http2Headers h = client.head("GET", path);
    if (acceptEncoding != null) {
      h.add("accept-encoding", acceptEncoding);
    }
    for (int i = 0; i < more.length; i += 2) {
      h.add(more[i], more[i + 1]);
    }
    return client.open(h, null, true);
  }

  private static String header(H2Client.Stream s, String name) throws Exception {
    CharSequence v = s.headers.get(10, TimeUnit.SECONDS).get(name);
    return v == null ? null : v.toString();
  }

  @ParameterizedTest
  @MethodSource("transports")
  void eachCodingIsChosenFromTheStreamsAcceptEncodingAndDecodesToTheBody(String transport) throws Exception {
    try (H2Client client = connect(transport)) {
      String expected = get(client, "/json", null).text();
      H2Client.Stream json = get(client, "/json", "gzip, deflate");
      assertThat(json.status()).isEqualTo(200);
      assertThat(header(json, "content-encoding")).isEqualTo("gzip");
      assertThat(header(json, "vary")).isEqualToIgnoringCase("accept-encoding");
      assertThat(header(json, "content-length")).isNull();
      byte[] body = json.body();
      assertThat(body.length).isLessThan(expected.length() / 10);
      assertThat(decode("gzip", body)).isEqualTo(expected).contains(TEXT);

      H2Client.Stream br = get(client, "/text", "gzip;q=0.5, br");
      assertThat(header(br, "content-encoding")).isEqualTo("br");
      assertThat(decode("br", br.body())).isEqualTo(TEXT);
      H2Client.Stream zstd = get(client, "/text", "zstd");
      assertThat(header(zstd, "content-encoding")).isEqualTo("zstd");
      assertThat(decode("zstd", zstd.body())).isEqualTo(TEXT);

      H2Client.Stream identity = get(client, "/text", "identity");
      assertThat(header(identity, "content-encoding")).isNull();
      assertThat(header(identity, "vary")).isEqualToIgnoringCase("accept-encoding");
      assertThat(identity.text()).isEqualTo(TEXT);
      H2Client.Stream none = get(client, "/text", null);
      assertThat(header(none, "content-encoding")).isNull();
      assertThat(header(none, "content-length")).isEqualTo(String.valueOf(TEXT.length()));
      assertThat(none.text()).isEqualTo(TEXT);
    }
  }

  @ParameterizedTest
  @MethodSource("transports")
  void smallBodiesImagesRangesEncodedBodiesHeadAndRoutesThatSayNoAreSentAsTheyAre(String transport)
      throws Exception {
    try (H2Client client = connect(transport)) {
      H2Client.Stream small = get(client, "/small", "gzip");
      assertThat(header(small, "content-encoding")).isNull();
      assertThat(small.text()).isEqualTo("short");
      H2Client.Stream png = get(client, "/png", "gzip");
      assertThat(header(png, "content-encoding")).isNull();
      assertThat(header(png, "vary")).isNull();
      assertThat(png.text()).isEqualTo(TEXT);
      H2Client.Stream secret = get(client, "/secret", "gzip, br");
      assertThat(header(secret, "content-encoding")).isNull();
      assertThat(secret.text()).isEqualTo(TEXT);
      // The app's own coding is left alone: not compressed twice.
      H2Client.Stream encoded = get(client, "/encoded", "gzip");
      assertThat(header(encoded, "content-encoding")).isEqualTo("gzip");
      assertThat(encoded.body()).isEqualTo(gzippedText);

      String page = "<p>" + TEXT + "</p>";
      H2Client.Stream range = get(client, "/page", "gzip", "range", "bytes=3-12");
      assertThat(range.status()).isEqualTo(206);
      assertThat(header(range, "content-encoding")).isNull();
      assertThat(range.text()).isEqualTo(page.substring(3, 13));
    }
  }

  /**
   * RFC 9110 9.3.2: the answer to a HEAD has the fields its GET's would (the same coding, vary
   * and weak etag), and no content-length when the GET's body is compressed, for every kind of
   * body: in memory, typed JSON, file, written stream, published stream.
   */
  @ParameterizedTest
  @MethodSource("transports")
  void aHeadSaysWhatItsGetWould(String transport) throws Exception {
    try (H2Client client = connect(transport)) {
      for (String path : List.of("/text", "/json", "/page", "/big", "/stream", "/published", "/tagged", "/small",
          "/png", "/secret")) {
        for (String acceptEncoding : new String[] {"gzip", null}) {
          H2Client.Stream get = get(client, path, acceptEncoding);
          Http2Headers h = client.head("HEAD", path);
          if (acceptEncoding != null) {
            h.add("accept-encoding", acceptEncoding);
          }
          H2Client.Stream head = client.open(h, null, true);
          String what = "HEAD " + path + " with accept-encoding " + acceptEncoding + ": ";
          for (String field : List.of("content-encoding", "vary", "etag", "content-type", "accept-ranges")) {
            assertThat(header(head, field)).as(what + field).isEqualTo(header(get, field));
          }
          assertThat(header(head, "content-length")).as(what + "content-length")
              .isEqualTo(header(get, "content-encoding") != null ? null : header(get, "content-length"));
          get.body();
          assertThat(head.body()).isEmpty();
        }
      }
      assertThat(header(get(client, "/tagged", "gzip"), "etag")).isEqualTo("W/\"t1\"");
    }
  }

  /** A publisher of one chunk. */
  private static java.util.concurrent.Flow.Publisher<byte[]> once(byte[] chunk) {
    return subscriber -> subscriber.onSubscribe(new java.util.concurrent.Flow.Subscription() {
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

  @ParameterizedTest
  @MethodSource("transports")
  void filesAreCompressedInTheirChunks(String transport) throws Exception {
    try (H2Client client = connect(transport)) {
      H2Client.Stream page = get(client, "/page", "gzip");
      assertThat(header(page, "content-encoding")).isEqualTo("gzip");
      assertThat(decode("gzip", page.body())).isEqualTo("<p>" + TEXT + "</p>");
      H2Client.Stream big = get(client, "/big", "br");
      assertThat(header(big, "content-encoding")).isEqualTo("br");
      assertThat(decode("br", big.body())).isEqualTo(TEXT.repeat(20));
    }
  }

  /**
   * A compressed 200 does not say {@code accept-ranges: bytes}: ranges are served of the identity
   * body only, so resuming the coded body with a range would splice identity bytes onto it. The
   * identity 200 and the 206 keep it.
   */
  @ParameterizedTest
  @MethodSource("transports")
  void aCompressedBodyDoesNotAdvertiseRangesOfItsCoding(String transport) throws Exception {
    try (H2Client client = connect(transport)) {
      H2Client.Stream gzip = get(client, "/page", "gzip");
      assertThat(header(gzip, "content-encoding")).isEqualTo("gzip");
      assertThat(header(gzip, "accept-ranges")).as("GET, gzip").isNull();
      gzip.body();
      H2Client.Stream head = client.open(client.head("HEAD", "/page").add("accept-encoding", "gzip"), null, true);
      assertThat(header(head, "content-encoding")).isEqualTo("gzip");
      assertThat(header(head, "accept-ranges")).as("HEAD, gzip").isNull();
      H2Client.Stream identity = get(client, "/page", null);
      assertThat(header(identity, "accept-ranges")).as("GET, no accept-encoding").isEqualTo("bytes");
      identity.body();
      H2Client.Stream range = get(client, "/page", "gzip", "range", "bytes=0-9");
      assertThat(range.status()).isEqualTo(206);
      assertThat(header(range, "accept-ranges")).as("the 206, of the identity body").isEqualTo("bytes");
      range.body();
    }
  }

  /** {@code accept-encoding} in two fields is one list (RFC 9110 5.3), as on HTTP/1.1. */
  @ParameterizedTest
  @MethodSource("transports")
  void anAcceptEncodingInTwoFieldsIsOneList(String transport) throws Exception {
    try (H2Client client = connect(transport)) {
      H2Client.Stream get = client.open(client.head("GET", "/tagged")
          .add("accept-encoding", "deflate").add("accept-encoding", "gzip"), null, true);
      assertThat(header(get, "content-encoding")).isEqualTo("gzip");
      assertThat(decode("gzip", get.body())).isEqualTo(TEXT);
      H2Client.Stream head = client.open(client.head("HEAD", "/tagged")
          .add("accept-encoding", "deflate").add("accept-encoding", "gzip"), null, true);
      assertThat(header(head, "content-encoding")).isEqualTo("gzip");
      assertThat(header(head, "etag")).isEqualTo("W/\"t1\"");
    }
  }

  static List<Arguments> eventCases() {
    return List.of(Arguments.of("h2c", "gzip"), Arguments.of("h2", "gzip"), Arguments.of("h2", "br"),
        Arguments.of("h2c", "zstd"));
  }

  @ParameterizedTest
  @MethodSource("eventCases")
  void eachServerSentEventArrivesCompressedBeforeTheNextIsProduced(String transport, String coding)
      throws Exception {
    // The same accept-encoding also names this case's latch; q=1 keeps the coding chosen.
    String acceptEncoding = coding + ";q=1, " + transport;
    CountDownLatch firstRead = FIRST_EVENT_READ.computeIfAbsent(acceptEncoding, k -> new CountDownLatch(1));
    URI uri = transport.equals("h2c") ? URI.create("http://127.0.0.1:" + server.port() + "/events")
        : https("/events");
    try (HttpClient client = client(transport)) {
      HttpResponse<InputStream> r = client.send(
          HttpRequest.newBuilder(uri).header("Accept-Encoding", acceptEncoding).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.headers().firstValue("content-encoding")).contains(coding);
      try (InputStream in = decoding(coding, r.body())) {
        // The producer waits for this test to read the first event before it makes the second:
        // a compressor that held the first back would never let this read return.
        assertThat(readUntil(in, "\n\n")).isEqualTo("data: one\n\n");
        firstRead.countDown();
        assertThat(readUntil(in, "\n\n")).isEqualTo("data: two\n\n");
      }
    }
  }

  private static Iterator<ServerSentEvent> events(String acceptEncoding) {
    CountDownLatch firstRead = FIRST_EVENT_READ.computeIfAbsent(acceptEncoding, k -> new CountDownLatch(1));
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
            firstRead.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        return ServerSentEvent.of(++n == 1 ? "one" : "two");
      }
    };
  }

  private static URI https(String path) {
    return URI.create("https://127.0.0.1:" + server.tlsPort().getAsInt() + path);
  }

  /** The JDK's client: h2 by ALPN over TLS, {@code Upgrade: h2c} on the cleartext port. */
  private static HttpClient client(String transport) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2);
    return (transport.equals("h2") ? b.sslContext(trustAll()) : b).build();
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder out = new StringBuilder();
    int c;
    while (!out.toString().endsWith(end) && (c = in.read()) >= 0) {
      out.append((char) c);
    }
    return out.toString();
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static String decode(String encoding, byte[] body) throws IOException {
    try (InputStream in = decoding(encoding, new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Decodes as bytes arrive (small buffers: nothing waits for more than it needs). */
  private static InputStream decoding(String encoding, InputStream raw) throws IOException {
    return switch (encoding) {
      case "gzip" -> new GZIPInputStream(raw, 64);
      case "br" -> {
        Brotli4jLoader.ensureAvailability();
        BrotliInputStream br = new BrotliInputStream(raw);
        br.enableEagerOutput(); // return what a flushed block holds without waiting for more input
        yield br;
      }
      case "zstd" -> new ZstdInputStream(raw);
      default -> throw new IllegalArgumentException(encoding);
    };
  }
}
