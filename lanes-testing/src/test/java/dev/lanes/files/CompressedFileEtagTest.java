package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.server.Compression;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressedFileEtagTest {
  @TempDir Path dir;

  /**
   * RFC 9110 8.8.3: a strong ETag is unique across all representations; the gzip-coded body and
   * the identity body of the file carry the same strong ETag, so If-Range with the ETag of a
   * compressed download resumes it with bytes of the identity representation.
   */
  @Test
  void aCompressedFileDoesNotShareTheIdentityBodysStrongEtag() throws Exception {
    Path file = Files.writeString(dir.resolve("page.txt"), "All work and no play makes Jack a dull boy. ".repeat(200));
    App app = App.builder().get("/page", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().compression(Compression.on()))) {
      TestResponse gzip = c.send(c.request("/page").header("Accept-Encoding", "gzip"));
      assertThat(gzip.header("content-encoding")).contains("gzip");
      String gzipTag = gzip.header("etag").orElseThrow();
      // A client resuming its gzip download with that download's own strong validator...
      TestResponse resumed = c.send(c.request("/page").header("Accept-Encoding", "gzip")
          .header("Range", "bytes=100-").header("If-Range", gzipTag));
      // ...must get the whole (gzip) representation again, not bytes 100.. of another representation.
      // A HEAD tells the same representation's validator (RFC 9110 9.3.2).
      TestResponse head = c.send(c.request("/page").method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
          .header("Accept-Encoding", "gzip"));
      assertThat(head.header("etag")).contains(gzipTag);
      assertThat(head.header("content-encoding")).contains("gzip");
      assertThat(resumed.status())
          .as("If-Range %s from a gzip response gave %s with Content-Encoding %s, Content-Range %s",
              gzipTag, resumed.status(), resumed.header("content-encoding").orElse("none"),
              resumed.header("content-range").orElse("none"))
          .isEqualTo(200);
    }
  }

  /**
   * RFC 9110 15.4.5: a 304 carries the ETag a 200 to the same request would. A gzip client
   * revalidates its compressed copy with that copy's weak tag; a 304 naming the strong identity
   * tag selects no stored response for update (RFC 9111 4.3.4), and the cache's copy stays stale.
   * The handler's own headers (Cache-Control) stay on the 304; it has no body. Over HTTP/1.1 and h2c.
   */
  @Test
  void aCompressedCopyIsRevalidatedWithItsOwnWeakEtag() throws Exception {
    Path file = Files.writeString(dir.resolve("page.txt"), "All work and no play makes Jack a dull boy. ".repeat(200));
    App app = App.builder()
        .get("/page", req -> FileResponse.of(req, file).withHeader("Cache-Control", "max-age=60")).build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().compression(Compression.on()).h2c(true));
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      String gzipTag = c.send(c.request("/page").header("Accept-Encoding", "gzip")).header("etag").orElseThrow();
      assertThat(gzipTag).startsWith("W/");
      TestResponse h1 = c.send(c.request("/page").header("Accept-Encoding", "gzip").header("If-None-Match", gzipTag));
      assertThat(h1.status()).isEqualTo(304);
      assertThat(h1.header("etag")).as("HTTP/1.1").contains(gzipTag);
      assertThat(h1.header("cache-control")).contains("max-age=60");
      assertThat(h1.header("vary")).as("the compressed copy's 200 said Vary").contains("Accept-Encoding");
      assertThat(h1.body()).isEmpty();
      HttpResponse<byte[]> viaH2 = h2.send(HttpRequest.newBuilder(c.uri("/page")).header("Accept-Encoding", "gzip")
          .header("If-None-Match", gzipTag).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(viaH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(viaH2.statusCode()).isEqualTo(304);
      assertThat(viaH2.headers().firstValue("etag")).as("HTTP/2").contains(gzipTag);
      assertThat(viaH2.headers().firstValue("vary")).as("HTTP/2").contains("Accept-Encoding");
      String identityTag = c.get("/page").header("etag").orElseThrow();
      assertThat(c.send(c.request("/page").header("If-None-Match", identityTag)).header("etag"))
          .as("an identity copy revalidated with its strong tag").contains(identityTag);
    }
  }
}
