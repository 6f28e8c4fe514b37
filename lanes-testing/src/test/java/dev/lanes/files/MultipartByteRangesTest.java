package dev.lanes.files;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.server.Compression;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.server.Tls;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code multipart/byteranges} 206 goes out as a single range does, with no token of the
 * {@code files} lane held while the client reads: a client that reads slowly cannot starve the
 * lane's other work (static files, form parsing). Its parts arrive whole, with an exact
 * {@code Content-Length}, over HTTP/1.1 (zero-copy, and in chunks through TLS) and HTTP/2.
 */
@Timeout(120)
class MultipartByteRangesTest {
  private static final String RANGES = "bytes=0-0,16380-16400,100000-1100000,-70000";

  @TempDir Path root;
  byte[] data;

  @BeforeEach
  void files() throws Exception {
    // Far more than the socket buffers and the JDK client's HTTP/2 stream window hold.
    data = new byte[24 << 20];
    new Random(11).nextBytes(data);
    Files.write(root.resolve("big.bin"), data);
    Files.writeString(root.resolve("a.txt"), "0123456789");
  }

  /** Static files with a files lane of one token, refusing after a short wait rather than queueing for long. */
  private App app() {
    App.Builder b = App.builder().lane(Lane.builder(Lanes.FILES).capacity(1).maxQueueWait(Duration.ofSeconds(5)));
    StaticFiles.mount(b, "/s", root, Optional.empty());
    return b.build();
  }

  /** While a client stalls mid-body, the lane is idle and serves the next request at once. */
  private static void laneStaysFree(TestClient c) {
    TestResponse other = c.get("/s/a.txt");
    assertThat(other.status()).as("a request of the files lane beside the stalled body").isEqualTo(200);
    assertThat(other.text()).isEqualTo("0123456789");
    TestResponse parts = c.send(c.request("/s/a.txt").header("Range", "bytes=0-1,4-5"));
    assertThat(parts.status()).isEqualTo(206);
    assertThat(parts.text()).contains("\r\n\r\n01\r\n").contains("\r\n\r\n45\r\n");
    c.awaitIdle();
  }

  @Test
  void aSlowMultiRangeClientHoldsNoFilesTokenOverHttp1() throws Exception {
    try (TestClient c = TestClient.start(app())) {
      try (RawClient slow = RawClient.connectWithReceiveBuffer(c.port(), 4096)) {
        String head = slow.send("GET /s/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9,100-\r\n\r\n")
            .readUntil("\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 206").contains("multipart/byteranges");
        slow.readBytes(1000); // then reads no more
        laneStaysFree(c);
      }
      c.awaitIdle();
    }
  }

  @Test
  void aSlowMultiRangeClientHoldsNoFilesTokenOverH2c() throws Exception {
    try (TestClient c = TestClient.start(app(), ServerConfig.builder().h2c(true));
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      HttpResponse<InputStream> slow = h2.send(HttpRequest.newBuilder(c.uri("/s/big.bin"))
          .header("Range", "bytes=0-9,100-").build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(slow.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(slow.statusCode()).isEqualTo(206);
      try (InputStream body = slow.body()) {
        body.readNBytes(1000); // then reads no more
        laneStaysFree(c);
      }
      c.awaitIdle();
    }
  }

  @Test
  void partsArriveWholeOverHttp1AndH2c() throws Exception {
    // With compression on and asked for: a 206 goes as it is, past the compressor.
    try (TestClient c = TestClient.start(app(), ServerConfig.builder().h2c(true).compression(Compression.on()));
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      for (HttpClient client : new HttpClient[] {h1, h2, h1}) {
        assertWholeParts(client, c.uri("/s/big.bin"));
      }
      c.awaitIdle();
    }
  }

  @Test
  void partsArriveWholeOverTls() throws Exception {
    try (App app = app();
        Server server = Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(Tls.selfSigned("localhost"))
            .stopOnSignal(false).shutdownGrace(Duration.ofSeconds(2)).build());
        HttpClient h1 = HttpClient.newBuilder().sslContext(trustAll()).version(HttpClient.Version.HTTP_1_1).build();
        HttpClient h2 = HttpClient.newBuilder().sslContext(trustAll()).version(HttpClient.Version.HTTP_2).build()) {
      URI uri = URI.create("https://127.0.0.1:" + server.tlsPort().getAsInt() + "/s/big.bin");
      assertWholeParts(h1, uri);
      assertWholeParts(h2, uri);
      assertWholeParts(h1, uri); // the connection is still good for the next one
    }
  }

  @Test
  void aHeadNamesTheLengthItsGetSends() throws Exception {
    try (TestClient c = TestClient.start(app(), ServerConfig.builder().h2c(true));
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      TestResponse get = c.send(c.request("/s/big.bin").header("Range", RANGES));
      HttpRequest head = HttpRequest.newBuilder(c.uri("/s/big.bin")).header("Range", RANGES)
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
      // Each answer has a boundary of its own: the length must not depend on it.
      for (int i = 0; i < 20; i++) {
        for (HttpClient client : new HttpClient[] {h1, h2}) {
          HttpResponse<Void> r = client.send(head, HttpResponse.BodyHandlers.discarding());
          assertThat(r.statusCode()).isEqualTo(206);
          assertThat(r.headers().firstValue("content-length")).contains(Integer.toString(get.body().length));
        }
      }
      c.awaitIdle();
    }
  }

  private void assertWholeParts(HttpClient client, URI uri) throws Exception {
    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).header("Range", RANGES)
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.version()).isEqualTo(client.version());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("content-encoding")).isEmpty();
    String type = r.headers().firstValue("content-type").orElseThrow();
    assertThat(type).startsWith("multipart/byteranges; boundary=");
    assertThat(r.headers().firstValue("content-length")).contains(Integer.toString(r.body().length));
    String boundary = type.substring(type.indexOf('=') + 1);
    long size = data.length;
    long[][] ranges = {{0, 0}, {16380, 16400}, {100000, 1100000}, {size - 70000, size - 1}};
    byte[] expected = expected(boundary, ranges);
    assertThat(r.body().length).isEqualTo(expected.length);
    assertThat(Arrays.equals(r.body(), expected)).as("the multipart body, byte for byte").isTrue();
  }

  /** The body RFC 9110 14.6 describes for these ranges, as the server writes it. */
  private byte[] expected(String boundary, long[][] ranges) {
    var out = new java.io.ByteArrayOutputStream();
    for (long[] r : ranges) {
      out.writeBytes(("--" + boundary + "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes "
          + r[0] + "-" + r[1] + "/" + data.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(data, (int) r[0], (int) (r[1] - r[0] + 1));
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
