package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.server.Compression;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9110 15.4.5: a 304 sends the {@code ETag}, {@code Date}, {@code Cache-Control} and
 * {@code Vary} its 200 would have, and no other representation metadata: the file's
 * {@code Content-Type} and {@code Last-Modified} (the tag is there), an attachment's
 * {@code Content-Disposition}, no {@code Content-Length} (as Starlette's
 * {@code NotModifiedResponse}). Over HTTP/1.1 and h2c, for {@code FileResponse} and
 * {@code StaticFiles}, GET and HEAD, both validators, compression off and on.
 */
class FileNotModifiedTest {
  private static final String TEXT = "All work and no play makes Jack a dull boy. ".repeat(100);
  @TempDir static Path dir;
  private static TestClient plain;
  private static TestClient compressing;
  private static HttpClient h1;
  private static HttpClient h2;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("page.txt"), TEXT);
    Files.writeString(dir.resolve("photo.png"), TEXT);
    plain = TestClient.start(app(), ServerConfig.builder().h2c(true));
    compressing = TestClient.start(app(), ServerConfig.builder().h2c(true).compression(Compression.on()));
    h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
  }

  private static App app() {
    App.Builder app = App.builder()
        .get("/page", req -> FileResponse.of(req, dir.resolve("page.txt")).withHeader("Cache-Control", "max-age=60"))
        .get("/photo", req -> FileResponse.of(req, dir.resolve("photo.png")))
        .get("/download", req -> FileResponse.attachment(req, dir.resolve("page.txt"), "report.txt"));
    return StaticFiles.mount(app, "/static", dir, Optional.empty()).build();
  }

  @AfterAll
  static void stop() {
    h1.close();
    h2.close();
    plain.close();
    compressing.close();
  }

  @Test
  void aFilesNotModifiedSendsItsValidatorAndCachingFieldsOnly() throws Exception {
    for (TestClient client : List.of(plain, compressing)) {
      for (String path : List.of("/page", "/photo", "/download", "/static/page.txt", "/static/photo.png")) {
        var ok = client.get(path);
        String etag = ok.header("etag").orElseThrow();
        String lastModified = ok.header("last-modified").orElseThrow();
        for (String method : List.of("GET", "HEAD")) {
          for (List<String> condition : List.of(List.of("If-None-Match", etag), List.of("If-Modified-Since", lastModified))) {
            for (boolean viaH2 : new boolean[] {false, true}) {
              String what = String.format("%s %s %s %s, compression %s", viaH2 ? "h2c" : "HTTP/1.1", method, path,
                  condition.get(0), client == compressing);
              HttpHeaders h = notModified(client, viaH2, method, path, condition, what);
              assertThat(h.firstValue("etag")).as(what).isPresent();
              assertThat(h.firstValue("date")).as(what).isPresent();
              assertThat(h.firstValue("content-type")).as(what).isEmpty();
              assertThat(h.firstValue("content-length")).as(what).isEmpty();
              assertThat(h.firstValue("last-modified")).as(what).isEmpty();
              assertThat(h.firstValue("content-disposition")).as(what).isEmpty();
              assertThat(h.firstValue("accept-ranges")).as(what).isEmpty();
              if (path.equals("/page")) {
                assertThat(h.firstValue("cache-control")).as(what).contains("max-age=60");
              }
              // What already worked stays: the 200's Vary, and its weak tag for a client that would get it compressed.
              boolean compressible = client == compressing && !path.contains("photo");
              assertThat(h.allValues("vary")).as(what).isEqualTo(compressible ? List.of("Accept-Encoding") : List.of());
            }
          }
        }
      }
    }
  }

  @Test
  void aCompressibleFilesNotModifiedKeepsTheWeakTagOfItsCompressed200() throws Exception {
    String etag = compressing.get("/page").header("etag").orElseThrow();
    for (boolean viaH2 : new boolean[] {false, true}) {
      HttpRequest.Builder r = HttpRequest.newBuilder(compressing.uri("/page")).header("If-None-Match", "W/" + etag)
          .header("Accept-Encoding", "gzip");
      HttpResponse<byte[]> res = (viaH2 ? h2 : h1).send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(res.statusCode()).isEqualTo(304);
      assertThat(res.version()).isEqualTo(viaH2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
      assertThat(res.headers().firstValue("etag")).contains("W/" + etag);
      assertThat(res.headers().firstValue("content-type")).isEmpty();
    }
  }

  private static HttpHeaders notModified(TestClient client, boolean viaH2, String method, String path,
      List<String> condition, String what) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(client.uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
        .header(condition.get(0), condition.get(1));
    if (viaH2) {
      HttpResponse<byte[]> res = h2.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(res.version()).as(what).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(res.statusCode()).as(what).isEqualTo(304);
      return res.headers();
    }
    var res = client.send(r);
    assertThat(res.status()).as(what).isEqualTo(304);
    return res.headers();
  }
}
