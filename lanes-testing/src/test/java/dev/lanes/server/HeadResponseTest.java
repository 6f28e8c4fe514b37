package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.files.StaticFiles;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9110 9.3.2 and 8.6: a HEAD is answered with the header fields its GET would have, its
 * {@code Content-Length} included, and no content. A handler that answers HEAD without building
 * the representation says its size in {@code Content-Length}; that length is the one to send. The
 * connection then reads on: no byte of a body follows the head.
 */
class HeadResponseTest {
  private static final String REPRESENTATION = "x".repeat(4096);

  @TempDir Path dir;

  private App app(Path file) {
    App.Builder b = App.builder()
        .route("HEAD", "/explicit", req -> Response.status(200).withHeader("Content-Type", "text/plain")
            .withHeader("Content-Length", "4096"))
        .get("/explicit", req -> Response.text(REPRESENTATION))
        // A GET route served for HEAD that skips building the body it would send for GET.
        .get("/sized", req -> req.method().equals("HEAD")
            ? Response.status(200).withHeader("Content-Length", "4096")
            : Response.text(REPRESENTATION))
        .getAsync("/sized-async", req -> java.util.concurrent.CompletableFuture.completedFuture(
            Response.status(200).withHeader("Content-Length", "4096")))
        .get("/bytes", req -> Response.text("hello"))
        .get("/streamed", req -> dev.lanes.streaming.StreamingResponse.writer(
            out -> out.write("streamed".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "text/plain"))
        .get("/file", req -> FileResponse.of(req, file));
    StaticFiles.mount(b, "/static", dir, Optional.empty());
    return b.build();
  }

  @Test
  void aHeadHandlersContentLengthIsSentAndTheConnectionReadsOn() throws Exception {
    Path file = Files.writeString(dir.resolve("abc.txt"), "0123456789abcdefghij");
    for (boolean compresses : new boolean[] {false, true}) {
      ServerConfig.Builder config = compresses
          ? ServerConfig.builder().compression(Compression.on().minSize(16)) : ServerConfig.builder();
      try (TestClient server = TestClient.start(app(file), config);
          RawClient c = RawClient.connect(server.port())) {
        for (String path : new String[] {"/explicit", "/sized", "/sized-async"}) {
          for (String accept : new String[] {"", "Accept-Encoding: gzip\r\n"}) {
            RawResponse head = c.send("HEAD " + path + " HTTP/1.1\r\nHost: a\r\n" + accept + "\r\n").readResponseToHead();
            assertThat(head.status()).as(path).isEqualTo(200);
            assertThat(head.header("transfer-encoding")).as(path).isEmpty();
            if (compresses && !accept.isEmpty() && path.equals("/explicit")) {
              // Its GET (4096 bytes of text) goes out gzipped, its length unknown until compressed.
              assertThat(head.header("content-encoding")).contains("gzip");
              assertThat(head.headerValues("content-length")).isEmpty();
            } else {
              assertThat(head.headerValues("content-length")).as(path + " " + accept).containsExactly("4096");
            }
            if (compresses && path.equals("/explicit")) {
              assertThat(head.header("vary")).as("its GET could be compressed").hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("accept-encoding"));
            }
            // The next response on the connection parses: nothing was sent after the head.
            RawResponse next = c.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.text()).isEqualTo("hello");
          }
        }
        RawResponse get = c.send("GET /explicit HTTP/1.1\r\nHost: a\r\n\r\n").read();
        assertThat(get.text()).isEqualTo(REPRESENTATION);
      }
    }
  }

  @Test
  void aHeadOfAFileSaysItsLengthAndSendsNone() throws Exception {
    Path file = Files.writeString(dir.resolve("abc.txt"), "0123456789abcdefghij");
    try (TestClient server = TestClient.start(app(file));
        RawClient c = RawClient.connect(server.port())) {
      for (String path : new String[] {"/file", "/static/abc.txt", "/bytes"}) {
        RawResponse head = c.send("HEAD " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").readResponseToHead();
        assertThat(head.status()).as(path).isEqualTo(200);
        assertThat(head.headerValues("content-length")).as(path)
            .containsExactly(path.equals("/bytes") ? "5" : "20");
        RawResponse next = c.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n").read();
        assertThat(next.text()).as("after HEAD " + path).isEqualTo("hello");
      }
      RawResponse range = c.send("HEAD /file HTTP/1.1\r\nHost: a\r\nRange: bytes=2-5\r\n\r\n").readResponseToHead();
      assertThat(range.status()).isEqualTo(206);
      assertThat(range.headerValues("content-length")).containsExactly("4");
      RawResponse next = c.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertThat(next.text()).isEqualTo("hello");
    }
  }

  /** A streamed GET's HEAD says chunked, as its GET does, and sends not even the last chunk. */
  @Test
  void aHeadOfAStreamedBodySendsNoChunkAndTheConnectionReadsOn() throws Exception {
    Path file = Files.writeString(dir.resolve("abc.txt"), "x");
    try (TestClient server = TestClient.start(app(file));
        RawClient c = RawClient.connect(server.port())) {
      RawResponse head = c.send("HEAD /streamed HTTP/1.1\r\nHost: a\r\n\r\n").readResponseToHead();
      assertThat(head.header("transfer-encoding")).contains("chunked");
      assertThat(c.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n").read().text()).isEqualTo("hello");
      RawResponse old = c.send("HEAD /explicit HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").readResponseToHead();
      assertThat(old.headerValues("content-length")).containsExactly("4096");
      assertThat(old.header("connection")).hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("keep-alive"));
      assertThat(c.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n").read().text()).isEqualTo("hello");
    }
  }
}
