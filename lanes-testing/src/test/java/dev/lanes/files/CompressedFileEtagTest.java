package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.server.Compression;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
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
}
