package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.server.Compression;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bytes a file response sends are those of the file its headers (length, strong ETag)
 * describe, even when the path is replaced (a new file renamed over it, as deploys and editors
 * write) or deleted between building the response and sending it; and a file the server has to
 * open itself and cannot is a clean 500, not a head followed by a cut.
 */
@Timeout(60)
class FileIdentityTest {
  private static final String V1 = "version one. ".repeat(2000); // 26000 bytes
  private static final String V2 = "VERSION TWO, LONGER. ".repeat(4000); // 84000 bytes

  /** How the body goes out. */
  enum Mode {
    ZERO_COPY, // HTTP/1.1 FileRegion
    COMPRESSED, // HTTP/1.1 chunks through the compressor
    H2C // HTTP/2 DATA frames
  }

  @TempDir Path dir;
  Path file;
  TestClient server;
  HttpClient h1;
  HttpClient h2;

  @BeforeEach
  void start() throws Exception {
    file = dir.resolve("page.txt");
    publish(V1);
    App app = App.builder()
        .get("/swap", req -> {
          Response r = FileResponse.of(req, file);
          publish(V2); // a deploy renames the new version over the path
          return r;
        })
        .get("/gone", req -> {
          Response r = FileResponse.of(req, file);
          Files.delete(file);
          return r;
        })
        .get("/ok", req -> Response.text("ok"))
        .get("/missing", req -> Response.of(200, "text/plain; charset=utf-8",
            new ResponseBody.FileRange(dir.resolve("never.txt"), 0, 5000)))
        .build();
    server = TestClient.start(app, ServerConfig.builder().compression(Compression.on()).h2c(true)
        .shutdownGrace(Duration.ofSeconds(5)));
    h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    // The first h2c request is the upgrade: later ones are streams on that connection.
    h2.send(HttpRequest.newBuilder(server.uri("/ok")).build(), HttpResponse.BodyHandlers.discarding());
  }

  @AfterEach
  void stop() {
    h1.close();
    h2.close();
    server.close();
  }

  private void publish(String content) throws IOException {
    Path next = Files.writeString(dir.resolve("next.tmp"), content);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private record Got(int status, HttpHeaders headers, String body) {}

  private Got get(Mode mode, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    if (mode == Mode.COMPRESSED) {
      b.header("Accept-Encoding", "gzip");
    }
    HttpResponse<byte[]> r = (mode == Mode.H2C ? h2 : h1).send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.version()).isEqualTo(mode == Mode.H2C ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    byte[] body = r.body();
    if (r.headers().firstValue("content-encoding").orElse("").equals("gzip")) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = in.readAllBytes();
      }
    }
    return new Got(r.statusCode(), r.headers(), new String(body, StandardCharsets.UTF_8));
  }

  private static String head(String body) {
    return body.substring(0, Math.min(40, body.length()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFileReplacedAfterItsResponseWasBuiltIsSentAsItsHeadersSay(Mode mode) throws Exception {
    Got whole = get(mode, "/swap");
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.body().equals(V1))
        .as("the body of the file the ETag %s names, not one of %s bytes starting %s",
            whole.headers().firstValue("etag"), whole.body().length(), head(whole.body()))
        .isTrue();
    if (mode != Mode.COMPRESSED) {
      assertThat(whole.headers().firstValue("content-length")).contains(Integer.toString(V1.length()));
    }
    publish(V1);
    Got range = get(mode, "/swap", "Range", "bytes=13-25");
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.body()).isEqualTo("version one. ");
    publish(V1);
    Got parts = get(mode, "/swap", "Range", "bytes=0-6,13-19");
    assertThat(parts.status()).isEqualTo(206);
    assertThat(parts.body()).contains("\r\n\r\nversion\r\n").doesNotContain("VERSION");
  }

  /** An open file stays readable after its path is unlinked: the response goes out whole. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFileDeletedAfterItsResponseWasBuiltIsStillSentWhole(Mode mode) throws Exception {
    Got got = get(mode, "/gone");
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.body().equals(V1)).as("%s bytes starting %s", got.body().length(), head(got.body())).isTrue();
  }

  /** As Starlette's FileResponse answers a file gone when it is sent: 500, not a head and a cut. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFileRangeTheServerCannotOpenIsA500(Mode mode) throws Exception {
    Got got = get(mode, "/missing");
    assertThat(got.status()).isEqualTo(500);
    // And the connection serves on.
    Got next = get(mode, "/missing");
    assertThat(next.status()).isEqualTo(500);
  }
}
