package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Compression;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file response holds its file open from when it is built until its exchange ends, and no
 * longer, on every path: sent whole, HEAD, 304, 412, 416, ranges, compressed, HTTP/2, a client
 * gone mid-body or before the handler returned, a response built and never sent, a server shut
 * down mid-body. Counts this process's descriptors of the file in {@code /proc/self/fd} (Linux).
 */
@Timeout(120)
class FileDescriptorTest {
  private static final int REQUESTS = 20;
  static final CountDownLatch never = new CountDownLatch(1);

  @TempDir static Path dir;
  // 24 MiB of text that barely compresses: more than the socket buffers and the JDK client's
  // HTTP/2 stream window (16 MiB) hold, so a body not read stays unfinished.
  static Path file;
  static Path small;
  final List<Response> built = new CopyOnWriteArrayList<>();
  CountDownLatch held;
  TestClient server;
  HttpClient h1;
  HttpClient h2;

  @BeforeAll
  static void files() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
    byte[] random = new byte[18 << 20];
    new Random(1).nextBytes(random);
    file = Files.write(dir.resolve("big.txt"), Base64.getEncoder().encode(random)).toRealPath();
    small = Files.writeString(dir.resolve("small.txt"), "0123456789".repeat(300)).toRealPath();
  }

  @BeforeEach
  void start() {
    held = new CountDownLatch(1);
    server = start(Duration.ofSeconds(5));
    h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
  }

  /** Every response built, kept reachable: the JDK's cleaner must not close a file the server leaked. */
  private Response kept(Response r) {
    built.add(r);
    return r;
  }

  private TestClient start(Duration grace) {
    App app = App.builder()
        .exceptionHandler(IllegalStateException.class, e -> Response.text(500, "failed"))
        .middleware(next -> req -> req.path().equals("/replaced")
            ? next.call(req).thenApply(r -> Response.text("replaced by middleware"))
            : next.call(req))
        .get("/big", req -> kept(FileResponse.of(req, file)))
        .get("/small", req -> kept(FileResponse.of(req, small)))
        .get("/throws", req -> {
          kept(FileResponse.of(req, small));
          throw new IllegalStateException("built a file response, then failed");
        })
        .get("/other", req -> {
          kept(FileResponse.of(req, small));
          return Response.text("another response");
        })
        .get("/replaced", req -> kept(FileResponse.of(req, small)))
        .get("/held", req -> {
          Response r = kept(FileResponse.of(req, small));
          held.countDown();
          never.await(); // interrupted when the client leaves
          return r;
        })
        .build();
    return TestClient.start(app, ServerConfig.builder().compression(Compression.on()).h2c(true).shutdownGrace(grace));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      h1.close();
      h2.close();
      server.close();
    }
  }

  /** This process's open descriptors of {@code path}. */
  private static long descriptors(Path path) throws IOException {
    String target = path.toString();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          return link.equals(target) || link.equals(target + " (deleted)");
        } catch (IOException e) {
          return false; // closed while listed
        }
      }).count();
    }
  }

  private void awaitClosed() {
    Await.until(() -> {
      try {
        return descriptors(file) == 0 && descriptors(small) == 0;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }, "no descriptor of the served files left open");
  }

  private int status(HttpClient client, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      b.headers(headers);
    }
    HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode();
  }

  private int head(HttpClient client, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(server.uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void everyAnswerClosesTheFileOverHttp1AndH2c() throws Exception {
    for (HttpClient client : new HttpClient[] {h1, h2}) {
      String etag = h1.send(HttpRequest.newBuilder(server.uri("/small")).build(), HttpResponse.BodyHandlers.discarding())
          .headers().firstValue("etag").orElseThrow();
      for (int i = 0; i < REQUESTS; i++) {
        assertThat(status(client, "/small")).isEqualTo(200);
        assertThat(status(client, "/small", "Accept-Encoding", "gzip")).isEqualTo(200);
        assertThat(head(client, "/small")).isEqualTo(200);
        assertThat(status(client, "/small", "If-None-Match", etag)).isEqualTo(304);
        assertThat(status(client, "/small", "If-Match", "\"other\"")).isEqualTo(412);
        assertThat(status(client, "/small", "Range", "bytes=5000-")).isEqualTo(416);
        assertThat(status(client, "/small", "Range", "bytes=10-19")).isEqualTo(206);
        assertThat(status(client, "/small", "Range", "bytes=0-9,20-29")).isEqualTo(206);
        assertThat(head(client, "/small")).isEqualTo(200);
        assertThat(status(client, "/throws")).isEqualTo(500);
        assertThat(status(client, "/other")).isEqualTo(200);
        assertThat(status(client, "/replaced")).isEqualTo(200);
      }
    }
    assertThat(status(h1, "/big")).isEqualTo(200);
    assertThat(status(h2, "/big")).isEqualTo(200);
    awaitClosed();
  }

  @Test
  void aHeadOfMultipleRangesClosesTheFile() throws Exception {
    for (HttpClient client : new HttpClient[] {h1, h2}) {
      for (int i = 0; i < REQUESTS; i++) {
        assertThat(client.send(HttpRequest.newBuilder(server.uri("/small")).header("Range", "bytes=0-9,20-29")
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode()).isEqualTo(206);
      }
    }
    awaitClosed();
  }

  @Test
  void aClientGoneMidBodyClosesTheFile() throws Exception {
    String[] requests = {
        "GET /big HTTP/1.1\r\nHost: x\r\n\r\n", // zero-copy
        "GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n", // chunks through the compressor
        "GET /big HTTP/1.1\r\nHost: x\r\nRange: bytes=0-19999999\r\n\r\n",
        "GET /big HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9999999,12000000-23999999\r\n\r\n", // parts between texts
    };
    for (int i = 0; i < REQUESTS / 4; i++) {
      for (String request : requests) {
        try (RawClient raw = RawClient.connectWithReceiveBuffer(server.port(), 4096)) {
          raw.send(request).readUntil("\r\n\r\n");
          raw.readBytes(1000);
          assertThat(descriptors(file)).as("the file is open while its body is sent: %s", request).isEqualTo(1);
        }
        awaitClosed();
      }
      // HTTP/2: the client resets the stream mid-body, of the whole file and of several ranges.
      for (String range : new String[] {"bytes=0-", "bytes=0-9999999,12000000-23999999"}) {
        HttpResponse<InputStream> r = h2.send(HttpRequest.newBuilder(server.uri("/big")).header("Range", range).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        r.body().readNBytes(1000);
        assertThat(descriptors(file)).as("the file is open while its body is sent on HTTP/2: %s", range).isEqualTo(1);
        r.body().close();
        awaitClosed();
      }
    }
    awaitClosed();
  }

  @Test
  void aClientGoneBeforeTheHandlerReturnedClosesTheFile() throws Exception {
    try (RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
      held.await();
      assertThat(descriptors(small)).isEqualTo(1);
    }
    awaitClosed();
  }

  @Test
  void aServerShutDownMidBodyClosesTheFile() throws Exception {
    server.close();
    server = start(Duration.ofMillis(100));
    RawClient raw = RawClient.connectWithReceiveBuffer(server.port(), 4096);
    RawClient parts = RawClient.connectWithReceiveBuffer(server.port(), 4096);
    try {
      raw.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("\r\n\r\n");
      parts.send("GET /big HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9,100-\r\n\r\n").readUntil("\r\n\r\n");
      CompletableFuture<HttpResponse<InputStream>> stalled = h2.sendAsync(
          HttpRequest.newBuilder(server.uri("/big")).header("Range", "bytes=0-9,100-").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      stalled.get().body().readNBytes(1000);
      assertThat(descriptors(file)).isEqualTo(3);
      server.close();
      awaitClosed();
    } finally {
      raw.close();
      parts.close();
    }
  }
}
